import Testing
import Foundation
import TestSupport

/// Issue 11's repair actions from the command line, on the real binary: `settle` of an UNKNOWN
/// payment and `--preview` of a refund.
@Suite("Repair actions from the command line")
struct RepairEndToEndTests {
    let dir = TemporaryDirectory("e2e-repair")
    var db: String { dir.path("store.db") }

    @discardableResult
    func paydesk(_ args: [String], as name: String? = nil) throws -> RunResult {
        let login = name.map { ["--operator", $0] } ?? []
        return try Paydesk.run(args + login + ["--db", db], environment: ["PAYDESK_PASSWORD": "demo"])
    }

    func payments(_ no: String) throws -> [[String: Any]] {
        try paydesk(["query", "--order", no, "--business", "retail", "--json"]).json()["payments"] as? [[String: Any]] ?? []
    }

    @Test("an UNKNOWN payment: a cashier may not settle it (8); the supervisor previews (nothing changes), settles it with a reason, the order is paid and check is green")
    func settleByHand() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "E1", "--amount", "12.53"]).exitCode == 0)
        #expect(try paydesk(["pay", "--business", "retail", "--order", "E1", "--method", "alipay", "--auth-code", "2812345678901234"]).exitCode == 5)
        let serial = try #require(try payments("E1").first?["serial"] as? String)
        #expect(try payments("E1").first?["status"] as? String == "UNKNOWN")

        let byCashier = try paydesk(["settle", serial, "--as", "succeeded", "--reason", "phoned"], as: "cashier")
        #expect(byCashier.exitCode == 8, "\(byCashier)")
        let preview = try paydesk(["settle", serial, "--as", "succeeded", "--preview"], as: "supervisor")
        #expect(preview.exitCode == 0 && preview.stdout.contains("UNKNOWN → SUCCEEDED"), "\(preview)")
        #expect(try payments("E1").first?["status"] as? String == "UNKNOWN")

        let settled = try paydesk(["settle", serial, "--as", "succeeded", "--reason", "alipay confirmed the trade"], as: "supervisor")
        #expect(settled.exitCode == 0, "\(settled)")
        #expect(try payments("E1").first?["status"] as? String == "SUCCEEDED")
        #expect(try paydesk(["query", "--order", "E1", "--business", "retail"]).stdout.contains("PAID"))
        let check = try paydesk(["check"])
        #expect(check.exitCode == 0, "\(check)")
        #expect(try paydesk(["audit", "--limit", "5"]).stdout.contains("alipay confirmed the trade"))

        let preview2 = try paydesk(["refund", "--payment", serial, "--amount", "2.00", "--preview"], as: "support")
        #expect(preview2.exitCode == 0 && preview2.stdout.contains("the customer gets 2.00 CNY back on alipay"), "\(preview2)")
        let refunds = try paydesk(["query", "--order", "E1", "--business", "retail", "--json"]).json()["refunds"] as? [Any]
        #expect(refunds?.isEmpty ?? true, "a preview refunds nothing")
    }
}
