import Foundation
import Testing
@testable import PayChannels
import PayCore
import TestSupport

/// Every channel's sandbox bill read back by `BillReader`: the same trades, serials, amounts and
/// fees the center was told, the bill's totals checked, from memory and streamed from a file.
@Suite struct BillReaderTests {
    static let accounts = SandboxHarness.demoAccounts.map(\.id)

    func read(_ channel: String, _ text: String, name: String = "bill.csv") throws -> ([BillRecord], BillSummary) {
        var records: [BillRecord] = []
        let summary = try BillReader(channel: channel).read(bytes: Array(text.utf8), name: name) { records.append($0) }
        return (records, summary)
    }

    @Test(arguments: accounts)
    func aSandboxBillReadsBackAsTheCenterSawIt(account: String) throws {
        let h = try SandboxHarness()
        let day = try BillTests().makeDay(h, account)
        let channel = h.accounts[account]!.channel
        let text = try h.plugin(account).downloadBill(date: "2026-11-21")
        let (records, summary) = try read(channel, text)
        let payments = records.filter { $0.kind == .payment }
        let refunds = records.filter { $0.kind == .refund }
        #expect(payments.map(\.centerSerial) == day.paid)
        #expect(payments.map(\.channelSerial) == day.channelSerials)
        #expect(payments.allSatisfy { $0.outcome == .succeeded })
        #expect(refunds.map(\.centerSerial) == day.refunds)
        #expect(refunds.map(\.channelSerial) == day.refundChannelSerials, "a refund's channel serial is the one the center records")
        #expect(refunds.map(\.paymentChannelSerial) == [day.refundedPayment])
        #expect(refunds.map(\.amount) == [h.money(account, 500)])
        #expect(summary == BillSummary(currency: h.money(account, 0).currency, payments: day.paid.count, paid: day.paidMinor,
                                       refunds: day.refunds.count, refunded: day.refundedMinor, fees: day.feeMinor))
        let fees = payments.reduce(Int64(0)) { $0 + $1.fee.minorUnits } - refunds.reduce(Int64(0)) { $0 + $1.fee.minorUnits }
        #expect(fees == day.feeMinor)
        // Times are the channel's, within the bill's own day, whatever zone the format writes.
        let window = try BillDay.window(channel: channel, date: "2026-11-21")
        #expect(records.allSatisfy { window.contains($0.time) })
        #expect(records.map(\.line) == records.map(\.line).sorted() && Set(records.map(\.line)).count == records.count)
    }

    @Test(arguments: ["alipay-main", "wechat-sp", "unionpay-main", "acquirer-a", "paypal-main"])
    func aBillDownloadedToAFileStreamsTheSame(account: String) throws {
        let h = try SandboxHarness()
        _ = try BillTests().makeDay(h, account)
        let channel = h.accounts[account]!.channel
        let path = h.directory.path("\(account).bill")
        let size = try h.plugin(account).downloadBill(date: "2026-11-21", to: path)
        #expect(size > 0)
        var fromFile: [BillRecord] = []
        let summary = try BillReader(channel: channel).read(path: path) { fromFile.append($0) }
        let (fromMemory, memorySummary) = try read(channel, try h.plugin(account).downloadBill(date: "2026-11-21"))
        #expect(fromFile == fromMemory)
        #expect(summary == memorySummary)
    }

    @Test func anEmptyDayIsABillWithZeroTotals() throws {
        let h = try SandboxHarness()
        for account in Self.accounts {
            let channel = h.accounts[account]!.channel
            let (records, summary) = try read(channel, try h.plugin(account).downloadBill(date: "2026-11-19"))
            #expect(records.isEmpty, "\(account)")
            #expect(summary.payments == 0 && summary.paid == 0 && summary.refunds == 0 && summary.fees == 0, "\(account)")
        }
    }

    /// Lines across many 1 MiB chunks, CRLF ends, a byte order mark: every line read once, in order.
    @Test func aLargeFileIsReadAcrossChunkBoundaries() throws {
        let directory = TemporaryDirectory("bill-chunks")
        let path = directory.path("big.csv")
        var text = "\u{FEFF}" + SettlementBillFormat.header + "\r\n"
        let n = 25_000
        var paid: Int64 = 0
        for i in 0..<n {
            let minor = Int64(100 + i % 977)
            paid += minor
            text += "payment,ch_\(String(i).leftPadded(12)),P\(String(i).leftPadded(20)),,2026-11-21T09:30:12.000Z,USD,\(Money(minorUnits: minor, currency: .USD).decimalString),0.00,\(Money(minorUnits: minor, currency: .USD).decimalString),succeeded\r\n"
        }
        text += "trailer,USD,\(n),\(Money(minorUnits: paid, currency: .USD).decimalString),0,0.00,0.00,\(Money(minorUnits: paid, currency: .USD).decimalString)\r\nend,\(n)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        #expect(text.utf8.count > 2 * BillByteSource.chunkBytes)
        var count = 0
        var lastLine = 0
        let summary = try BillReader(channel: "card").read(path: path) { record throws(PayError) in
            #expect(record.centerSerial == "P" + String(count).leftPadded(20))
            #expect(record.line == lastLine + (lastLine == 0 ? 2 : 1))
            lastLine = record.line
            count += 1
        }
        #expect(count == n)
        #expect(summary.paid == paid && summary.payments == n)
    }

    @Test func aChannelWithoutAFormatIsRefused() {
        #expect(throws: PayError.invalidInput("bill format for channel 'bitcoin': unknown (known: alipay, wechat, unionpay, card, paypal, wallet)")) {
            try BillReader(channel: "bitcoin")
        }
    }

    @Test func aMissingFileIsAClearError() throws {
        let error = #expect(throws: PayError.self) { try BillReader(channel: "card").read(path: "/nonexistent/x.csv") { _ in } }
        #expect("\(error!)".contains("bill 'x.csv': cannot open '/nonexistent/x.csv'"))
    }
}

/// The channel's own day: WeChat and Alipay cut at Beijing midnight, UnionPay at 23:00 Beijing,
/// the others at UTC midnight — a trade near midnight is on the bill of the channel's day.
@Suite struct BillDayTests {
    /// Pays at 2026-11-21T16:30Z (00:30 on the 22nd in Beijing) and at 15:30Z (23:30 Beijing).
    @Test(arguments: [("wechat-sp", "2026-11-22", "2026-11-21"), ("alipay-main", "2026-11-22", "2026-11-21"),
                      ("unionpay-main", "2026-11-22", "2026-11-22"), ("acquirer-a", "2026-11-21", "2026-11-21"),
                      ("paypal-main", "2026-11-21", "2026-11-21")])
    func aTradeNearMidnightIsOnItsChannelsDay(account: String, dayOfLate: String, dayOfEarly: String) throws {
        let h = try SandboxHarness()
        h.clock.advance(seconds: 6 * 3600 + 1800)   // 15:30Z
        let (early, _) = try h.pay(account, 1000)
        h.clock.advance(seconds: 3600)               // 16:30Z
        let (late, _) = try h.pay(account, 2000)
        let channel = h.accounts[account]!.channel
        func serials(_ date: String) throws -> [String] {
            var found: [String] = []
            _ = try BillReader(channel: channel).read(bytes: Array(try h.plugin(account).downloadBill(date: date).utf8), name: date) { found.append($0.centerSerial) }
            return found
        }
        for date in ["2026-11-21", "2026-11-22"] {
            let listed = try serials(date)
            #expect(listed.contains(late) == (date == dayOfLate), "\(account) \(date): \(listed)")
            #expect(listed.contains(early) == (date == dayOfEarly), "\(account) \(date): \(listed)")
        }
    }

    @Test func windowsAndDates() throws {
        #expect(try BillDay.window(channel: "wechat", date: "2026-11-22").lowerBound == Timestamp.parse("2026-11-21T16:00:00Z"))
        #expect(try BillDay.window(channel: "unionpay", date: "2026-11-22").lowerBound == Timestamp.parse("2026-11-21T15:00:00Z"))
        #expect(try BillDay.window(channel: "card", date: "2026-11-22").upperBound == Timestamp.parse("2026-11-23T00:00:00Z"))
        #expect(BillDay.date(channel: "alipay", of: try Timestamp.parse("2026-11-21T16:00:00Z")) == "2026-11-22")
        #expect(BillDay.date(channel: "alipay", of: try Timestamp.parse("2026-11-21T15:59:59Z")) == "2026-11-21")
        #expect(throws: PayError.self) { try BillDay.window(channel: "card", date: "2026-11-22T10:00:00Z") }
    }
}
