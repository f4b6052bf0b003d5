import Testing
import Foundation
import PayServices
import TestSupport

/// Issue 10 item 17: a card number typed into free text (a refund's reason, an item's name, a
/// customer id) is masked to its first 6 and last 4 digits before it is stored or printed.
@Suite("Card numbers typed into free text are masked")
struct CardNumberInFreeTextTests {
    static let typed = ["4242 4242 4242 4242", "5555-5555-5555-4444", "4000000000000002", "378282246310005", "6212345678901234569"]
    static var digits: [String] { typed.map { $0.filter(\.isNumber) } }

    @Test("refund reason, item name and customer id: nothing stored, printed or logged holds the number")
    func maskedEverywhere() throws {
        let store = try DemoStore()
        var printed = ""
        let created = store.run(["order", "create", "--business", "retail", "--order", "PAN-1", "--amount", "50.00",
                                 "--item", "Gift card \(Self.typed[0]):1:50.00", "--customer", Self.typed[2]])
        #expect(created.exitCode == 0, "\(created)")
        printed += created.stdout + created.stderr
        let paid = store.run(["pay", "--business", "retail", "--order", "PAN-1", "--method", "wechat", "--auth-code", "134567890123456789"])
        #expect(paid.exitCode == 0, "\(paid)")
        let reasons = ["customer's card \(Self.typed[1]) was charged twice", "card no. \(Self.typed[3]), see \(Self.typed[4])"]
        for reason in reasons {
            let refund = store.run(["refund", "--order", "PAN-1", "--business", "retail", "--amount", "1.00", "--reason", reason])
            #expect(refund.exitCode == 0, "\(refund)")
            printed += refund.stdout + refund.stderr
        }
        let bad = store.run(["order", "create", "--business", "retail", "--order", "PAN-2", "--amount", "1.00",
                             "--item", "\(Self.typed[0]):x:1.00"])
        #expect(bad.exitCode == 3)
        printed += bad.stdout + bad.stderr
        for args in [["query", "--order", "PAN-1", "--business", "retail"], ["query", "--order", "PAN-1", "--business", "retail", "--json"],
                     ["audit", "--limit", "100"], ["audit", "--limit", "100", "--json"], ["orders", "--json"]] {
            let result = store.run(args)
            #expect(result.exitCode == 0, "\(result)")
            printed += result.stdout
        }
        for (typed, digits) in zip(Self.typed, Self.digits) {
            #expect(!printed.contains(typed) && !printed.contains(digits), "\(digits.prefix(6))… was printed")
        }
        let query = store.run(["query", "--order", "PAN-1", "--business", "retail"]).stdout
        #expect(query.contains("customer's card 555555…4444 was charged twice"), "\(query)")
        #expect(query.contains("Gift card 424242…4242"), "\(query)")

        let report = try CardholderDataScanner.scan(files: CardholderDataScanner.storeFiles(storePath: store.path), pans: Self.digits)
        #expect(report.scanned.contains(store.path))
        let found = report.findings.filter { $0.kind == .pan }
        #expect(found.isEmpty, "\(found)")
    }
}
