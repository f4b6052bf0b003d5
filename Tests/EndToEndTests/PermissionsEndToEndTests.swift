import Testing
import Foundation
import TestSupport

/// Roles enforced in the service layer, seen from the command line with `--operator`.
@Suite("Permissions from the command line")
struct PermissionsEndToEndTests {
    let dir = TemporaryDirectory("e2e-perms")
    var db: String { dir.path("store.db") }

    func run(_ args: [String], as name: String) throws -> RunResult {
        try Paydesk.run(args + ["--db", db, "--operator", name], environment: ["PAYDESK_PASSWORD": "demo"])
    }

    @Test("a cashier sees and finds only their own sales")
    func cashierSeesOwnSales() throws {
        #expect(try Paydesk.run(["init", "--demo", "--db", db]).exitCode == 0)
        let none = try run(["orders", "--json"], as: "cashier")
        #expect(none.exitCode == 0, "\(none)")
        #expect((try none.json()["orders"] as? [Any])?.isEmpty == true, "demo orders were rung up by someone else")
        #expect(try run(["order", "create", "--business", "retail", "--order", "MINE-1", "--amount", "3.00"], as: "cashier").exitCode == 0)
        let mine = try run(["orders", "--json"], as: "cashier")
        #expect((try mine.json()["orders"] as? [[String: Any]])?.map { $0["orderNo"] as? String } == ["MINE-1"])
        let other = try run(["query", "--order", "R10000", "--business", "retail"], as: "cashier")
        #expect(other.exitCode == 8)
        #expect(other.stderr.contains("not their sale"))
        #expect(try run(["query", "--order", "R10000", "--business", "retail"], as: "support").exitCode == 0)
    }

    @Test("the shared till: a cashier finds, loads and pays an open order someone else rang up; once paid it is their sale")
    func sharedTill() throws {
        #expect(try Paydesk.run(["init", "--demo", "--db", db]).exitCode == 0)
        #expect(try run(["order", "create", "--business", "retail", "--order", "OPEN-1", "--amount", "3.00"], as: "supervisor").exitCode == 0)
        let open = try run(["query", "--order", "OPEN-1", "--business", "retail"], as: "cashier")
        #expect(open.exitCode == 0, "an order waiting to be paid is found by whoever takes payments: \(open)")
        #expect((try run(["orders", "--json"], as: "cashier").json()["orders"] as? [Any])?.isEmpty == true,
                "the cashier's list holds their own sales only")
        #expect(try run(["query", "--order", "OPEN-1", "--business", "retail"], as: "support").exitCode == 0)
        let paid = try run(["pay", "--business", "retail", "--order", "OPEN-1", "--method", "wallet", "--customer", "C-1"], as: "cashier")
        #expect(paid.exitCode == 0, "\(paid)")
        let after = try run(["orders", "--json"], as: "cashier")
        #expect((try after.json()["orders"] as? [[String: Any]])?.map { $0["orderNo"] as? String } == ["OPEN-1"])
        #expect(try run(["query", "--order", "OPEN-1", "--business", "retail"], as: "cashier").exitCode == 0)
        // Another cashier's view of a paid order that is not theirs stays closed.
        let paidElsewhere = try run(["query", "--order", "R10000", "--business", "retail"], as: "cashier")
        #expect(paidElsewhere.exitCode == 8)
    }

    @Test("only an admin changes risk rules and business lines; each refusal says what was needed")
    func adminOnlyChanges() throws {
        #expect(try Paydesk.run(["init", "--demo", "--db", db]).exitCode == 0)
        let risk = try run(["risk", "add", "--name", "big", "--action", "block", "--when", "amount > 100.00"], as: "supervisor")
        #expect(risk.exitCode == 8)
        #expect(risk.stderr.contains("may not change risk rules: needs admin"))
        let line = try run(["business", "set", "retail", "--notify-url", "http://127.0.0.1:1/x"], as: "cashier")
        #expect(line.exitCode == 8)
        #expect(try run(["business", "set", "retail", "--notify-url", "http://127.0.0.1:1/x"], as: "admin").exitCode == 0)
        let audit = try run(["audit", "--json", "--limit", "20"], as: "admin")
        #expect(audit.stdout.contains("business.set"))
        #expect(try run(["audit", "verify"], as: "admin").exitCode == 0)
    }
}
