import Foundation
import Testing
import TestSupport

/// `paydesk settle` and the `--preview` / `--reason` of the repair commands (issue 11), which go
/// through the same `RepairDesk` as the console.
@Suite("Repair commands: settle, --preview, --reason")
struct RepairCommandTests {
    /// Order `no` of `amount` paid by Alipay barcode; returns the payment's serial.
    func paid(_ store: DemoStore, _ no: String, _ amount: String) throws -> String {
        #expect(store.run(["order", "create", "--business", "retail", "--order", no, "--amount", amount]).exitCode == 0)
        let paid = store.run(["pay", "--business", "retail", "--order", no, "--method", "alipay", "--auth-code", "284567890123456789"])
        let words = paid.stdout.split(separator: " ")
        let index = try #require(words.firstIndex(of: "payment"), "\(paid)")
        return String(words[index + 1].filter { $0.isLetter || $0.isNumber })
    }

    func status(_ store: DemoStore, _ no: String) -> String {
        store.run(["query", "--business", "retail", "--order", no]).stdout
    }

    @Test("settle: refused to a cashier before anything, bad --as and a missing --reason name the argument, --preview changes nothing, a supervisor's settle pays the order and check stays green")
    func settle() throws {
        let store = try DemoStore()
        let serial = try paid(store, "ST-1", "12.53")
        #expect(status(store, "ST-1").contains("UNKNOWN"))

        let cashier = store.run(["settle", serial, "--as", "succeeded", "--reason", "phoned"], as: "cashier")
        #expect(cashier.exitCode == 8, "\(cashier)")
        #expect(cashier.stderr.contains("needs supervisor or admin"))
        let badOutcome = store.run(["settle", serial, "--as", "maybe", "--reason", "phoned"])
        #expect(badOutcome.exitCode == 3 && badOutcome.stderr.contains("--as 'maybe'"), "\(badOutcome)")
        let noReason = store.run(["settle", serial, "--as", "succeeded"])
        #expect(noReason.exitCode == 2 && noReason.stderr.contains("--reason"), "\(noReason)")
        let blank = store.run(["settle", serial, "--as", "succeeded", "--reason", "  "])
        #expect(blank.exitCode == 3 && blank.stderr.contains("--reason: empty"), "\(blank)")
        let unknownPayment = store.run(["settle", "P404", "--as", "succeeded", "--reason", "x"])
        #expect(unknownPayment.exitCode == 6, "\(unknownPayment)")

        let preview = store.run(["settle", serial, "--as", "succeeded", "--preview"], as: "supervisor")
        #expect(preview.exitCode == 0, "\(preview)")
        #expect(preview.stdout.contains("payment \(serial) UNKNOWN → SUCCEEDED"))
        #expect(preview.stdout.contains("order ST-1 PAYING → PAID"))
        #expect(status(store, "ST-1").contains("UNKNOWN"), "a preview changes nothing")

        let settled = store.run(["settle", serial, "--as", "succeeded", "--reason", "alipay confirmed by phone"], as: "supervisor")
        #expect(settled.exitCode == 0, "\(settled)")
        #expect(settled.stdout.hasPrefix("Settled by hand: payment \(serial) UNKNOWN → SUCCEEDED by hand; order ST-1 is PAID"))
        #expect(status(store, "ST-1").contains("PAID"))
        let check = store.run(["check"])
        #expect(check.exitCode == 0, "\(check)")
        let audit = store.run(["audit", "--limit", "10"])
        #expect(audit.stdout.contains("alipay confirmed by phone"), "\(audit)")

        let again = store.run(["settle", serial, "--as", "failed", "--reason", "oops"], as: "supervisor")
        #expect(again.exitCode == 7 && again.stderr.contains("is SUCCEEDED"), "\(again)")
    }

    @Test("refund --preview shows what the customer gets back and refunds nothing; close --reason is audited with it")
    func previewAndReason() throws {
        let store = try DemoStore()
        let serial = try paid(store, "ST-2", "100.00")
        let preview = store.run(["refund", "--payment", serial, "--amount", "30.00", "--preview"])
        #expect(preview.exitCode == 0, "\(preview)")
        #expect(preview.stdout.contains("the customer gets 30.00 CNY back on alipay"))
        #expect(preview.stdout.contains("order ST-2 PAID → PARTIALLY_REFUNDED"))
        #expect(status(store, "ST-2").contains("PAID") && !status(store, "ST-2").contains("PARTIALLY"))
        let tooMuch = store.run(["refund", "--payment", serial, "--amount", "130.00", "--preview"])
        #expect(tooMuch.exitCode == 7 && tooMuch.stderr.contains("at most 100.00 CNY"), "\(tooMuch)")

        #expect(store.run(["order", "create", "--business", "retail", "--order", "ST-3", "--amount", "5.00"]).exitCode == 0)
        let closePreview = store.run(["close", "--business", "retail", "--order", "ST-3", "--preview"])
        #expect(closePreview.exitCode == 0 && closePreview.stdout.contains("order ST-3 CREATED → CLOSED"), "\(closePreview)")
        let closed = store.run(["close", "--business", "retail", "--order", "ST-3", "--reason", "customer left"])
        #expect(closed.exitCode == 0 && closed.stdout.contains("Closed order ST-3"), "\(closed)")
        #expect(store.run(["audit", "--limit", "5"]).stdout.contains("customer left"))
    }
}
