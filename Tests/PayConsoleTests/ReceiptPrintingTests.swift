import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import TestSupport

/// Receipts: a refund's own receipt, item names wrapped and never cut, the ESC/POS bytes against a
/// golden file, and printing through CUPS' `lp` (a fake that records what it was given).
@Suite struct ReceiptPrintingTests {
    static let at = Timestamp(milliseconds: 1_795_253_400_000)  // 2026-11-21 09:30:00 UTC
    static let longName = "Hand-pulled beef noodle soup with extra coriander and chili oil, large bowl"

    /// A paid sale of three items, one of them with a long name, and a refund of one 小笼包 approved by a supervisor.
    static func sale() throws -> (TillSale, Refund) {
        let cny = { (minor: Int64) in Money(minorUnits: minor, currency: .CNY) }
        let items = [try LineItem(name: "珍珠奶茶", quantity: 2, unitPrice: cny(1800)), try LineItem(name: "小笼包", quantity: 1, unitPrice: cny(2600)),
                     try LineItem(name: longName, quantity: 1, unitPrice: cny(4200))]
        let order = Order(id: 7, serial: Serial(stored: "O20261121093000000007"), businessLine: BusinessLineCode(stored: "retail"),
                          orderNo: MerchantOrderNo(stored: "R2026112109300000001"), amount: cny(10_400), customerId: nil, items: items,
                          subOrders: [], attributes: [:], status: .partiallyRefunded, channel: "alipay", operatorName: "cashier",
                          paidAmount: cny(10_400), refundedAmount: cny(2600), createdAt: at, updatedAt: at, expiresAt: at.adding(milliseconds: 1_800_000))
        let payment = PaymentAttempt(id: 3, serial: Serial(stored: "P20261121093000000003"), orderId: 7, method: .alipay, channel: "alipay",
                                     account: "alipay-main", amount: cny(10_400), status: .succeeded, channelSerial: "2026112122001400001",
                                     failureKind: nil, failureCode: nil, failureMessage: nil, createdAt: at, updatedAt: at)
        let refund = Refund(id: 9, serial: Serial(stored: "F20261121094500000009"), attemptId: 3, orderId: 7, refundNo: nil, amount: cny(2600),
                            status: .succeeded, channelRefundSerial: "2026112199001", reason: nil, createdAt: at.adding(milliseconds: 900_000),
                            updatedAt: at.adding(milliseconds: 900_000))
        let sale = TillSale(order: order, payments: [payment], refunds: [refund],
                            refundLines: [9: [RefundLine(position: 1, name: "小笼包", quantity: 1, amount: cny(2600))]],
                            refundedQuantities: [1: 1], lineName: "Retail", merchantName: "Jade Garden Tea House")
        return (sale, refund)
    }

    @Test func longItemNamesWrapAndAreNeverCut() throws {
        let (sale, _) = try Self.sale()
        let receipt = Receipt(sale: sale, cashier: "cashier", reprint: true)
        #expect(receipt.lines.allSatisfy { $0.displayWidth <= Receipt.width }, "\(receipt.lines)")
        let joined = receipt.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        for word in Self.longName.split(separator: " ") { #expect(joined.contains(word), "\(word) is on the receipt") }
        #expect(!receipt.text.contains("…"))
        #expect(receipt.lines.contains("COPY · REPRINT"))
        #expect(receipt.text.contains("Jade Garden Tea House"))
        #expect(receipt.document.fileName == "R2026112109300000001-P20261121093000000003-reprint.txt")
        // On a screen narrower than the roll (80 columns: 41 for the receipt) no amount is cut off.
        let narrow = receipt.lines(fitting: 41)
        #expect(narrow.allSatisfy { $0.displayWidth <= 41 }, "\(narrow)")
        for amount in ["¥36.00", "¥26.00", "¥42.00", "¥104.00", "P20261121093000000003", "2026112122001400001"] {
            #expect(narrow.contains { $0.contains(amount) }, "\(amount) whole on the narrow screen")
        }
        // A name without spaces (Chinese) breaks inside the word rather than being cut.
        let wide = Receipt.breakLines(String(repeating: "珍珠奶茶", count: 10), width: 20)
        #expect(wide.joined() == String(repeating: "珍珠奶茶", count: 10))
        #expect(wide.allSatisfy { $0.displayWidth <= 20 })
    }

    @Test func aRefundPrintsItsOwnReceipt() throws {
        let (sale, refund) = try Self.sale()
        let receipt = Receipt(refund: refund, of: sale, cashier: "cashier", approvedBy: "supervisor", reprint: false)
        assertSnapshot(receipt.text, named: "receipt-refund")
        #expect(receipt.lines.contains("REFUND"))
        #expect(receipt.text.contains("Approved by supervisor"))
        #expect(!receipt.text.contains("珍珠奶茶"), "only the item given back is on it")
    }

    @Test func escPosBytesMatchTheGoldenFile() throws {
        let (sale, refund) = try Self.sale()
        let bytes = EscPos.encode(Receipt(refund: refund, of: sale, cashier: "cashier", approvedBy: "supervisor", reprint: false).document)
        #expect(Array(bytes.prefix(4)) == [0x1B, 0x40, 0x1C, 0x26], "ESC @ initialises, FS & turns on Chinese (GB18030) mode")
        #expect(Array(bytes.suffix(7)) == [0x1B, 0x64, 0x04, 0x1D, 0x56, 0x42, 0x00], "feed, then GS V cuts")
        #expect(bytes.contains(sequence: [0x1B, 0x45, 0x01]) && bytes.contains(sequence: [0x1B, 0x45, 0x00]), "bold on and off")
        #expect(bytes.contains(sequence: [0xD0, 0xA1, 0xC1, 0xFD, 0xB0, 0xFC]), "小笼包 in GB18030")
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__/receipt-refund.escpos")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" || !FileManager.default.fileExists(atPath: golden.path) {
            try Data(bytes).write(to: golden)
            Issue.record("recorded \(golden.lastPathComponent); check it and run again")
            return
        }
        #expect(Array(try Data(contentsOf: golden)) == bytes, "ESC/POS output differs from the golden file (RECORD_SNAPSHOTS=1 to accept)")
        // An ASCII-only receipt never switches the printer into Chinese mode.
        let plain = EscPos.encode(ReceiptDocument(lines: [.init("TOTAL 12.00", bold: true), .init("tab\there")], fileName: "x.txt"))
        #expect(plain == [0x1B, 0x40, 0x1B, 0x45, 0x01] + Array("TOTAL 12.00".utf8) + [0x1B, 0x45, 0x00, 0x0A] + Array("tab?here".utf8)
                + [0x0A, 0x1B, 0x64, 0x04, 0x1D, 0x56, 0x42, 0x00])
    }

    @Test func printsThroughLPWhenAPrinterIsNamedAndSavesTheFileToo() throws {
        let directory = TemporaryDirectory("lp")
        let lp = directory.path("lp")
        try """
        #!/bin/sh
        printf '%s\\n' "$@" > '\(directory.path("args"))'
        cat > '\(directory.path("stdin"))'
        """.write(toFile: lp, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: lp)
        #expect(ReceiptOutput.from(environment: ["PAYDESK_PRINTER": "front-desk"]) == .cups(queue: "front-desk"))
        #expect(ReceiptOutput.from(environment: ["PAYDESK_PRINTER": "x", "PAYDESK_RECEIPT_DEVICE": "/dev/usb/lp0"]) == .escpos(device: "/dev/usb/lp0"))
        #expect(ReceiptOutput.from(environment: [:]) == .none)
        let (sale, refund) = try Self.sale()
        let receipt = Receipt(refund: refund, of: sale, cashier: "cashier", approvedBy: nil, reprint: false)
        var printer = ReceiptPrinter(directory: directory.path("receipts"), output: .cups(queue: "front-desk"))
        printer.lpCommand = lp
        let path = try printer.save(receipt.document)
        #expect(try printer.print(receipt.document) == "printer front-desk")
        #expect(try String(contentsOfFile: directory.path("args"), encoding: .utf8) == "-d\nfront-desk\n-t\nreceipt\n-\n")
        #expect(try String(contentsOfFile: directory.path("stdin"), encoding: .utf8) == receipt.text)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == receipt.text)
        // A printer that fails says so; a device path that does not exist is refused, not created.
        printer.lpCommand = "/bin/false"
        #expect(#expect(throws: PayError.self) { try printer.print(receipt.document) }?.message.contains("lp failed") == true)
        let device = ReceiptPrinter(directory: directory.path("receipts"), output: .escpos(device: directory.path("no-such-device")))
        #expect(#expect(throws: PayError.self) { try device.print(receipt.document) }?.kind == .invalidInput)
        #expect(!FileManager.default.fileExists(atPath: directory.path("no-such-device")))
    }

    @Test func escPosGoesToTheDevice() throws {
        let directory = TemporaryDirectory("escpos")
        let device = directory.path("lp0")
        #expect(FileManager.default.createFile(atPath: device, contents: nil))
        let (sale, refund) = try Self.sale()
        let document = Receipt(refund: refund, of: sale, cashier: "cashier", approvedBy: nil, reprint: false).document
        #expect(try ReceiptPrinter(directory: directory.path("r"), output: .escpos(device: device)).print(document) == "receipt printer \(device)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: device))) == EscPos.encode(document))
    }

    @Test("the receipt handed over at payment names the line's merchant, like a reprint")
    @MainActor
    func theReceiptAtPaymentNamesTheMerchant() async throws {
        let gateway = ScriptedGateway(pay: [.succeeded(serial: "P20261121093000000001", channelSerial: "4200001234202611210001")])
        let console = try ConsoleHarness(gateway: gateway)
        let admin = try console.context(as: .system)
        try MerchantService(admin).add(MerchantDraft(id: "jade", name: "Jade Garden Tea House"))
        try BusinessLineService(admin).add(BusinessLineDraft(code: "garden", name: "Garden tea bar", merchantId: "jade"))
        console.logIn()
        console.selectLine("Garden tea bar")
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9))
        console.type("134567890123456789\n")
        await console.settle()
        #expect(console.screen.contains("PAID"))
        let files = try FileManager.default.contentsOfDirectory(atPath: console.receipts)
        #expect(files.count == 1)
        let receipt = try String(contentsOfFile: console.receipts + "/" + (files.first ?? ""), encoding: .utf8)
        #expect(receipt.contains("Garden tea bar"))
        #expect(receipt.contains("Jade Garden Tea House"))
    }
}

extension Array where Element == UInt8 {
    func contains(sequence: [UInt8]) -> Bool {
        guard sequence.count <= count else { return false }
        return (0...(count - sequence.count)).contains { Array(self[$0..<($0 + sequence.count)]) == sequence }
    }

}
