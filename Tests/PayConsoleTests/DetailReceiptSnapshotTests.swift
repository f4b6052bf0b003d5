import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// The business line's details on the receipt: each line's block (the insurance policy's number
/// once paid), long values wrapped, never cut; and the checkout's saved receipt carrying them.
@MainActor
@Suite struct DetailReceiptSnapshotTests {
    static func order(_ line: String, id: Int64, status: OrderStatus = .paid, _ attributes: [String: String]) throws -> Order {
        let amount = Money(minorUnits: 26_800, currency: .CNY)
        let at = Timestamp(milliseconds: 1_795_253_400_000)
        return Order(id: id, serial: try Serial("O2026112109300000000\(id)ABCDEFGH"), businessLine: try BusinessLineCode(line),
                     orderNo: try MerchantOrderNo("\(line)-\(id)"), amount: amount, customerId: nil, items: [], subOrders: [],
                     attributes: attributes, status: status, channel: "alipay", paidAmount: amount, refundedAmount: .zero(.CNY),
                     createdAt: at, updatedAt: at, expiresAt: at.adding(milliseconds: 1_800_000))
    }

    @Test func eachLinesDetailsOnTheReceipt() throws {
        let orders = [
            try Self.order("hotel", id: 11, ["guest": "王小明 Wang Xiaoming", "room": "1208", "checkIn": "2026-11-21",
                                             "checkOut": "2026-11-23", "deposit": "500.00"]),
            try Self.order("flight", id: 12, ["passengers": "Li Lei, Han Meimei",
                                              "segments": "PEK→SHA CA1501 2026-12-01; SHA→CAN CZ3502 2026-12-05; CAN→PEK CZ3101 2026-12-09",
                                              "insurance": "yes"]),
            try Self.order("ticket", id: 13, ["event": "故宫 Palace Museum", "session": "2026-12-24 09:00", "seats": "Row 5, seats 11–12"]),
            try Self.order("insurance", id: 14, ["holder": "张伟 Zhang Wei", "coverFrom": "2026-12-01", "coverTo": "2026-12-31"]),
        ]
        var text: [String] = []
        for order in orders {
            let lines = DetailLines.receiptLines(for: order, width: Receipt.width)
            #expect(lines.allSatisfy { $0.displayWidth <= Receipt.width }, "\(order.businessLine)")
            text += ["[\(order.businessLine)]"] + lines
        }
        assertSnapshot(text.joined(separator: "\n"), named: "receipt-details")
        // The segments do not fit beside their label: they are wrapped below it, every one kept.
        let flight = DetailLines.receiptLines(for: orders[1], width: Receipt.width).joined(separator: " ")
        #expect(flight.contains("CAN→PEK CZ3101 2026-12-09"))
        #expect(flight.contains("Policy no") && flight.contains("PL20261121-00000012"))
    }

    @Test func noPolicyBeforePaymentAndNothingForAnOrderWithoutDetails() throws {
        let unpaid = try Self.order("insurance", id: 15, status: .created, ["holder": "张伟 Zhang Wei"])
        #expect(!DetailLines.receiptLines(for: unpaid, width: Receipt.width).joined().contains("Policy no"))
        #expect(DetailLines.receiptLines(for: try Self.order("retail", id: 16, [:]), width: Receipt.width).isEmpty)
    }

    @Test func theSavedReceiptCarriesTheStay() async throws {
        let gateway = ScriptedGateway(pay: [.succeeded(serial: "P20261121093000000009", channelSerial: "2026112122001400001")])
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.selectLine("Hotel")
        console.setDetail(index: 0, "Ada Lovelace")
        console.setDetail(index: 2, "2026-11-21")
        console.setDetail(index: 3, "2026-11-22")
        console.ringUp([("Deluxe King", 1, "688.00")])
        console.press(.function(9))
        console.type("284567890123456789\n")
        await console.settle()
        let files = try FileManager.default.contentsOfDirectory(atPath: console.receipts)
        let receipt = try String(contentsOfFile: console.receipts + "/" + files[0], encoding: .utf8)
        #expect(receipt.contains("Guest" + String(repeating: " ", count: Receipt.width - 5 - 12) + "Ada Lovelace"), "\(receipt)")
        #expect(receipt.contains("2026-11-21 → 2026-11-22 (1 night)"), "\(receipt)")
    }
}
