import Testing
import Foundation
import TestSupport

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
}
