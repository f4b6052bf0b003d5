import Testing
import Foundation
import PayServices
import TestSupport

/// DESIGN §5 and §8: after card payments, neither the store, its WAL, the sandbox file, the
/// receipts nor anything the commands printed holds a full card number or a CVC.
@Suite("Cardholder data never kept")
struct CardholderDataEndToEndTests {
    @Test("card payments with CVCs leave no card number and no CVC in any file or output")
    func noCardDataAnywhere() throws {
        let dir = TemporaryDirectory("e2e-pan")
        let db = dir.path("store.db")
        #expect(try Paydesk.run(["init", "--demo", "--db", db]).exitCode == 0)
        let cards: [(pan: String, cvc: String, amount: String)] = [
            ("4242424242424242", "7391", "88.00"), ("4000000000000002", "8264", "41.00"),
            ("4000000000009995", "9153", "42.00"), ("4000000000000127", "6482", "43.00"),
            ("4000000000003220", "5917", "44.00"), ("4242424242424242", "4736", "45.59"),
        ]
        var printed = ""
        for (index, card) in cards.enumerated() {
            let no = "CARD-\(index)"
            printed += try Paydesk.run(["order", "create", "--business", "retail", "--order", no, "--amount", card.amount, "--db", db]).stdout
            for json in [false, true] {
                let run = try Paydesk.run(["pay", "--business", "retail", "--order", no, "--method", "card", "--card", card.pan,
                                           "--expiry", "12/30", "--cvc", card.cvc, "--customer", "CH\(index)", "--db", db]
                                          + (json ? ["--json"] : []))
                printed += run.stdout + run.stderr
            }
            let query = try Paydesk.run(["query", "--order", no, "--business", "retail", "--json", "--db", db])
            printed += query.stdout
        }
        let refunded = try Paydesk.run(["refund", "--order", "CARD-0", "--business", "retail", "--amount", "10.00", "--db", db])
        #expect(refunded.exitCode == 0, "\(refunded)")
        printed += try Paydesk.run(["audit", "--limit", "500", "--db", db]).stdout
        printed += try Paydesk.run(["sandbox", "callbacks", "--json", "--db", db]).stdout

        let pans = Set(cards.map(\.pan)).sorted()
        let cvcs = cards.map(\.cvc)
        let files = CardholderDataScanner.storeFiles(storePath: db)
        #expect(files.contains { $0.hasSuffix(".sandbox.db") }, "the sandbox file is scanned too")
        let report = try CardholderDataScanner.scan(files: files, pans: pans, cvcs: cvcs)
        let kept = report.findings.filter { $0.kind != .panLike }
        #expect(kept.isEmpty, "\(kept)")
        for pan in pans { #expect(!printed.contains(pan), "a command printed \(pan.prefix(6))…") }
        for cvc in cvcs { #expect(!printed.contains("cvc \(cvc)") && !printed.contains("\"\(cvc)\"")) }
        // What is kept: the token and the first 6 / last 4.
        let paid = try Paydesk.run(["query", "--order", "CARD-0", "--business", "retail", "--json", "--db", db])
        #expect(paid.stdout.contains("SUCCEEDED"))
    }
}
