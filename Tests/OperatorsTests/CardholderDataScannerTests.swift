import Foundation
import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

@Suite("Cardholder data scanner")
struct CardholderDataScannerTests {
    func scan(_ text: String, pans: [String] = [], cvcs: [String] = []) -> [CardholderDataScanner.Finding] {
        CardholderDataScanner.scan(bytes: Array(text.utf8), file: "t", pans: pans, cvcs: cvcs)
    }

    @Test("Luhn check")
    func luhn() {
        for valid in ["4111111111111111", "5555555555554444", "378282246310005", "6212345678901265", "4242424242424242", "79927398713"] {
            #expect(CardholderDataScanner.luhnValid(Array(valid.utf8)), "\(valid)")
        }
        for invalid in ["4111111111111112", "5555555555554440", "79927398710", ""] {
            #expect(!CardholderDataScanner.luhnValid(Array(invalid.utf8)), "\(invalid)")
        }
    }

    @Test("finds a card number of 13 to 19 digits, plain or printed in groups, and masks it")
    func findsCardNumbers() {
        let samples = [
            "pan=4111111111111111&x", "{\"card\":\"5555555555554444\"}", "amex 378282246310005.", "cup 6212345678901265 ok",
            "4111 1111 1111 1111", "3782-822463-10005", "\u{01}\u{17}4242424242424242\u{00}",
            "6250941006528599", "4222222222222",
        ]
        for sample in samples {
            let findings = scan(sample)
            #expect(findings.count == 1, "\(sample)")
            #expect(findings.first?.kind == .panLike)
        }
        let finding = scan("xx4111111111111111yy")[0]
        #expect(finding.offset == 2)
        #expect(finding.masked == "411111…1111")
        #expect(!finding.description.contains("4111111111111111"))
    }

    @Test("a digit byte glued to a stored number does not hide it")
    func gluedDigit() {
        #expect(scan("\u{02}74111111111111111\u{05}").count == 1)
        #expect(scan("41111111111111117\u{05}").count == 1)
    }

    @Test("serials, millisecond times, dates and Luhn failures are not card numbers")
    func noFalsePositives() {
        let text = """
        P2026112109301234500017K7Q2M9XD R202611210930123450002ABCD1234 AL17636832000001234 1763683200000
        2026-11-21T09:30:12.345Z 4111111111111112 12.34 CNY 4111 1111 11 1111 1111 "1234567890123"
        C1042 order R10737 phone 13800138000 id 110101199003074514 amount 200.00
        """
        #expect(scan(text).isEmpty)
    }

    @Test("a given card number is found anywhere, even inside a longer run")
    func givenPans() {
        let findings = scan("ref 99994111111111111111999", pans: ["4111 1111 1111 1111"])
        #expect(findings.map(\.offset) == [8])
        #expect(findings.map(\.kind) == [.pan])
        // Found both ways, it is reported once, as the certain kind.
        #expect(scan("x 4111111111111111 y", pans: ["4111111111111111"]).map(\.kind) == [.pan])
    }

    @Test("a given CVC is found when it stands alone, not inside serials, numbers or amounts")
    func givenCVC() {
        #expect(scan("{\"code\":\"737\"}", cvcs: ["737"]).count == 1)
        #expect(scan("\u{00}737\u{01}", cvcs: ["737"]).count == 1)
        #expect(scan("K737Q R10737 1.737 7377 0737 09:30:12.737Z", cvcs: ["737"]).isEmpty)
        #expect(scan("x 1234 y", cvcs: ["1234"]).count == 1)
    }

    @Test("digits after a CVC label are found whatever they are")
    func labelledCodes() {
        for sample in ["cvc=123", "{\"cvv\": \"4321\"}", "CVV2:999", "security_code = 012", "'card_code':'555'"] {
            let findings = scan(sample)
            #expect(findings.map(\.kind) == [.cvc], "\(sample)")
        }
        for sample in ["cvc", "cvcaaa=123", "cvc=12", "cvc=12345", "cvcbanner 123", "cvc-token=tok_123"] {
            #expect(scan(sample).isEmpty, "\(sample)")
        }
    }

    @Test("files: missing ones are skipped, each finding names its file")
    func files() throws {
        let directory = TemporaryDirectory("scanner")
        let clean = directory.path("clean.log")
        let dirty = directory.path("dirty.log")
        try Data("paid 12.34 CNY serial P2026112109301234500017K7Q2M9XD\n".utf8).write(to: URL(fileURLWithPath: clean))
        try Data("charging 5555555555554444 cvc 737\n".utf8).write(to: URL(fileURLWithPath: dirty))
        let report = try CardholderDataScanner.scan(files: [clean, dirty, directory.path("missing.log")], cvcs: ["737"])
        #expect(report.scanned == [clean, dirty])
        #expect(!report.clean)
        #expect(report.findings.map(\.file) == [dirty, dirty])
        #expect(Set(report.findings.map(\.kind)) == [.panLike, .cvc])
        #expect(CardholderDataScanner.storeFiles(storePath: "/x/s.db", logs: ["/x/l"]) ==
                ["/x/s.db", "/x/s.db-wal", "/x/s.db-shm", "/x/s.db.sandbox.db", "/x/s.db.sandbox.db-wal", "/x/s.db.sandbox.db-shm", "/x/l"])
    }

    @Test("a demo store and its WAL hold no card data; a card number typed into an order is masked, one written past the services is found")
    func realStoreFiles() throws {
        let fixture = try OperatorFixture(demo: true)
        let files = CardholderDataScanner.storeFiles(storePath: fixture.path)
        let pans = ["5555555555554444", "4111111111111111"]
        let before = try CardholderDataScanner.scan(files: files, pans: pans, cvcs: ["737"])
        #expect(before.scanned.contains(fixture.path) && before.scanned.contains(fixture.path + "-wal"))
        #expect(before.findings.filter { $0.kind != .panLike }.isEmpty, "\(before.findings)")
        // Card data typed into an order's customer id and item name is masked before it is stored
        // (issue 10 item 17): the scanner finds nothing.
        let draft = OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo("PAN-1"),
                               amount: Money(minorUnits: 1_500, currency: .CNY), customerId: "5555555555554444",
                               items: [try LineItem(name: "gift card 4111 1111 1111 1111 cvc 737", quantity: 1,
                                                    unitPrice: Money(minorUnits: 1_500, currency: .CNY))])
        let order = try OrderService(fixture.context).create(draft).order
        #expect(order.customerId == "555555…4444")
        #expect(order.items.map(\.name) == ["gift card 411111…1111 cvc ***"])
        let after = try CardholderDataScanner.scan(files: files, pans: pans, cvcs: ["737"])
        #expect(after.findings.filter { $0.kind != .panLike }.isEmpty, "\(after.findings)")
        // Written past the services, the scanner sees the numbers in the store's own files.
        try fixture.store.write {
            try fixture.store.db.execute("UPDATE orders SET customer_id = ? WHERE id = ?", ["5555555555554444", order.id])
            try fixture.store.db.execute("UPDATE order_items SET name = ? WHERE order_id = ?", ["gift card 4111 1111 1111 1111 cvc 737", order.id])
        }
        let planted = try CardholderDataScanner.scan(files: files, pans: pans, cvcs: ["737"])
        #expect(planted.findings.contains { $0.kind == .pan && $0.masked == "555555…4444" })
        #expect(planted.findings.contains { $0.kind == .pan && $0.masked == "411111…1111" })
        #expect(planted.findings.contains { $0.kind == .cvc })
        #expect(planted.findings.allSatisfy { !$0.description.contains("5555555555554444") })
        // Without being told, the scanner still sees both numbers as card-like.
        let unaided = try CardholderDataScanner.scan(files: files)
        #expect(unaided.findings.contains { $0.kind == .panLike && $0.masked == "555555…4444" })
        #expect(unaided.findings.contains { $0.kind == .panLike && $0.masked == "411111…1111" })
    }
}
