import Testing
import Foundation
import TestSupport

/// Issue 10, items 11 and 16, as a script (or several terminals at once) would meet them.
@Suite("Refund limits and order idempotency keys from the command line")
struct HardeningEndToEndTests {
    let dir = TemporaryDirectory("e2e-hardening")
    var db: String { dir.path("store.db") }

    func paydesk(_ args: [String]) throws -> RunResult { try Paydesk.run(args + ["--db", db]) }

    func orderCount(_ prefix: String) throws -> Int {
        let result = try paydesk(["orders", "--limit", "1000", "--json"])
        let orders = try result.json()["orders"] as? [[String: Any]] ?? []
        return orders.filter { ($0["orderNo"] as? String)?.hasPrefix(prefix) == true }.count
    }

    @Test("a cashier's split refunds from six processes at once: the sum stays within the limit unless approved")
    func splitRefundsAcrossProcesses() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        let env = ["PAYDESK_PASSWORD": "demo"]
        let db = self.db
        let created = try Paydesk.run(["order", "create", "--business", "retail", "--order", "SPLIT-1", "--amount", "300.00",
                                       "--db", db, "--operator", "cashier"], environment: env)
        #expect(created.exitCode == 0, "\(created)")
        let paid = try Paydesk.run(["pay", "--business", "retail", "--order", "SPLIT-1", "--method", "wechat",
                                    "--auth-code", "134567890123456789", "--json", "--db", db, "--operator", "cashier"], environment: env)
        #expect(paid.exitCode == 0, "\(paid)")
        let codes = concurrently(6) { _ in
            (try? Paydesk.run(["refund", "--order", "SPLIT-1", "--business", "retail", "--amount", "150.00",
                               "--db", db, "--operator", "cashier"], environment: env))?.exitCode ?? -1
        }
        #expect(codes.filter { $0 == 0 }.count == 1, "\(codes)")
        #expect(codes.filter { $0 == 8 }.count == 5, "\(codes)")
        let order = try paydesk(["query", "--order", "SPLIT-1", "--business", "retail", "--json"]).json()["order"] as? [String: Any]
        #expect(order?["refundedAmount"] as? String == "150.00")
        // Sequentially, the second half needs a supervisor.
        let alone = try Paydesk.run(["refund", "--order", "SPLIT-1", "--business", "retail", "--amount", "150.00",
                                     "--db", db, "--operator", "cashier"], environment: env)
        #expect(alone.exitCode == 8 && alone.stderr.contains("approval"), "\(alone)")
        let approved = try Paydesk.run(["refund", "--order", "SPLIT-1", "--business", "retail", "--amount", "150.00",
                                        "--approver", "supervisor", "--db", db, "--operator", "cashier"],
                                       environment: env.merging(["PAYDESK_APPROVER_PASSWORD": "demo"]) { a, _ in a })
        #expect(approved.exitCode == 0, "\(approved)")
        #expect(try paydesk(["check", "--settled"]).exitCode == 0)
    }

    @Test("order create --idempotency-key: replays the first answer, refuses other parameters, creates nothing more")
    func orderCreateKey() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        let first = try paydesk(["order", "create", "--business", "retail", "--order", "IK-1", "--amount", "5.00", "--idempotency-key", "k-1"])
        #expect(first.exitCode == 0, "\(first)")
        #expect(first.stdout.hasPrefix("Created order IK-1"))
        for no in ["IK-2", "IK-3"] {
            let other = try paydesk(["order", "create", "--business", "retail", "--order", no, "--amount", "5.00", "--idempotency-key", "k-1"])
            #expect(other.exitCode == 7, "\(other)")
            #expect(other.stderr.contains("idempotency key"), "\(other)")
        }
        let amount = try paydesk(["order", "create", "--business", "retail", "--order", "IK-1", "--amount", "6.00", "--idempotency-key", "k-1"])
        #expect(amount.exitCode == 7, "\(amount)")
        let replay = try paydesk(["order", "create", "--business", "retail", "--order", "IK-1", "--amount", "5.00", "--idempotency-key", "k-1"])
        #expect(replay.exitCode == 0)
        #expect(replay.stdout == first.stdout, "the stored first answer, word for word")
        #expect(try orderCount("IK-") == 1)
        // Input refused before anything was written frees the key for the corrected request.
        let bad = try paydesk(["order", "create", "--business", "retail", "--order", "IK-9", "--amount", "5.001", "--idempotency-key", "k-9"])
        #expect(bad.exitCode == 3)
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "IK-9", "--amount", "5.00", "--idempotency-key", "k-9"]).exitCode == 0)
    }

    @Test("eight processes with one key and their own order numbers create one order")
    func orderCreateKeyRace() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        let db = self.db
        let results = concurrently(8) { index in
            (try? Paydesk.run(["order", "create", "--business", "retail", "--order", "RACE-\(index)", "--amount", "7.00",
                               "--idempotency-key", "race", "--db", db]))?.exitCode ?? -1
        }
        #expect(results.filter { $0 == 0 }.count == 1, "\(results)")
        #expect(results.filter { $0 == 7 }.count == 7, "\(results)")
        #expect(try orderCount("RACE-") == 1)
        // The same request from eight processes: one order, every answer 0 (replayed) or 7 (still in flight).
        let same = concurrently(8) { _ in
            (try? Paydesk.run(["order", "create", "--business", "retail", "--order", "SAME-1", "--amount", "7.00",
                               "--idempotency-key", "same", "--db", db]))?.exitCode ?? -1
        }
        #expect(same.allSatisfy { $0 == 0 || $0 == 7 } && same.contains(0), "\(same)")
        #expect(try orderCount("SAME-") == 1)
    }
}
