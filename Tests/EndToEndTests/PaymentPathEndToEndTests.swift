import Testing
import Foundation
import PayStore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The payment path from the command line: who may take a payment, and what the order says after one.
@Suite("Payment path from the command line")
struct PaymentPathEndToEndTests {
    let dir = TemporaryDirectory("e2e-paypath")
    var db: String { dir.path("store.db") }

    @discardableResult
    func paydesk(_ args: [String], as name: String? = nil) throws -> RunResult {
        guard let name else { return try Paydesk.run(args + ["--db", db]) }
        return try Paydesk.run(args + ["--db", db, "--operator", name], environment: ["PAYDESK_PASSWORD": "demo"])
    }

    func demo() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
    }

    func orderJSON(_ no: String) throws -> [String: Any] {
        let query = try paydesk(["query", "--order", no, "--business", "retail", "--json"])
        #expect(query.exitCode == 0, "\(query)")
        return try query.json()["order"] as? [String: Any] ?? [:]
    }

    @Test("a cashier takes payment for an order someone else rang up (exit 0, PAID), and can then look it up")
    func cashierPaysAnotherOperatorsOrder() throws {
        try demo()
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "SHARED-1", "--amount", "12.00"]).exitCode == 0)
        let paid = try paydesk(["pay", "--business", "retail", "--order", "SHARED-1", "--method", "alipay",
                                "--auth-code", "284567890123456789"], as: "cashier")
        #expect(paid.exitCode == 0, "\(paid)")
        #expect(paid.stdout.contains("Paid"))
        #expect(try orderJSON("SHARED-1")["status"] as? String == "PAID")
        let query = try paydesk(["query", "--order", "SHARED-1", "--business", "retail"], as: "cashier")
        #expect(query.exitCode == 0, "\(query)")
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "SHARED-2", "--amount", "8.00"]).exitCode == 0)
        let withAmount = try paydesk(["pay", "--business", "retail", "--order", "SHARED-2", "--amount", "8.00", "--method", "alipay",
                                      "--auth-code", "284567890123456789"], as: "cashier")
        #expect(withAmount.exitCode == 0, "\(withAmount)")
        let refused = try paydesk(["query", "--order", "R10000", "--business", "retail", "--refresh"], as: "cashier")
        #expect(refused.exitCode == 8, "an order the cashier neither rang up nor paid stays out of reach: \(refused)")
        #expect(try paydesk(["check", "--settled"]).exitCode == 0)
    }

    @Test("an order whose only payment was declined (.51) is CREATED again and can be paid")
    func declinedOrderIsCreated() throws {
        try demo()
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "D51", "--amount", "10.51"]).exitCode == 0)
        let declined = try paydesk(["pay", "--business", "retail", "--order", "D51", "--method", "alipay", "--auth-code", "284567890123456789"])
        #expect(declined.exitCode == 4, "\(declined)")
        #expect(try orderJSON("D51")["status"] as? String == "CREATED")
        #expect(try paydesk(["check", "--settled"]).exitCode == 0)
    }

    /// Polls `condition` every 10 ms for up to `seconds`.
    func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    @Test("a pay stopped (SIGSTOP) after it committed PROCESSING, taken over and revoked by the worker, does not charge when continued (SIGCONT)")
    func stoppedPayDoesNotChargeAfterClose() throws {
        #expect(try paydesk(["init", "--demo", "--simulated-clock"]).exitCode == 0)
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "STALL-1", "--amount", "10.00"]).exitCode == 0)
        // why: a stop exactly between the commit of PROCESSING and the channel call needs a pause
        // there: the card's tokenization writes the sandbox's file, so holding that file's write lock
        // parks the payer right after PROCESSING is committed, long enough to stop it.
        let sandboxLock = try Connection(path: db + ".sandbox.db", create: false)
        try sandboxLock.execute("BEGIN IMMEDIATE")
        let payer = Process()
        payer.executableURL = URL(fileURLWithPath: Paydesk.binary)
        payer.arguments = ["pay", "--business", "retail", "--order", "STALL-1", "--method", "card", "--card", "4242424242424242",
                           "--expiry", "12/30", "--cvc", "123", "--db", db]
        payer.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "USER": "tester", "LANG": "C.UTF-8"]
        let out = Pipe()
        payer.standardOutput = out
        payer.standardError = out
        try payer.run()
        let store = try Connection(path: db, create: false)
        let processing = try eventually(4) {
            try store.scalarInt("SELECT count(*) FROM payment_attempts a JOIN orders o ON o.id = a.order_id WHERE o.order_no = 'STALL-1' AND a.status = 'PROCESSING'") == 1
        }
        kill(payer.processIdentifier, SIGSTOP)
        try sandboxLock.execute("ROLLBACK")
        #expect(processing, "the payer committed PROCESSING and waits on the channel's side")
        defer { if payer.isRunning { kill(payer.processIdentifier, SIGCONT); payer.terminate() } }
        // More than a minute later the worker adopts the attempt, the channel has not seen it: revoked, closed.
        #expect(try paydesk(["clock", "advance", "61s"]).exitCode == 0)
        #expect(try paydesk(["worker", "--once"]).exitCode == 0)
        let payments = try paydesk(["query", "--order", "STALL-1", "--business", "retail", "--json"]).json()["payments"] as? [[String: Any]] ?? []
        #expect(payments.map { $0["status"] as? String } == ["CLOSED"], "\(payments)")
        let serial = try #require(payments.first?["serial"] as? String)
        #expect(try orderJSON("STALL-1")["status"] as? String == "CREATED")
        // The customer pays another way; the order is closed by hand.
        #expect(try paydesk(["close", "--business", "retail", "--order", "STALL-1"]).exitCode == 0)
        kill(payer.processIdentifier, SIGCONT)
        payer.waitUntilExit()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(payer.terminationStatus != 0 && !said.contains("Paid"), "\(payer.terminationStatus): \(said)")
        let sandbox = try Connection(path: db + ".sandbox.db", create: false)
        #expect(try sandbox.scalarInt("SELECT count(*) FROM sandbox_payments WHERE out_trade_no = ? AND status = 'paid'", [serial]) == 0,
                "the customer was not charged: \(said)")
        #expect(try paydesk(["check", "--settled"]).exitCode == 0)
    }
}
