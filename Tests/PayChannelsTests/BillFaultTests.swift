import Testing
@testable import PayChannels
import PayCore

/// The sandbox's bill faults, seen as a reconciliation would see them: in the bill `BillReader`
/// reads, and in the callbacks the center would receive.
@Suite struct BillFaultTests {
    func records(_ h: SandboxHarness, _ account: String, _ date: String = "2026-11-21") throws -> [BillRecord] {
        var records: [BillRecord] = []
        let channel = h.accounts[account]!.channel
        _ = try BillReader(channel: channel).read(bytes: Array(try h.plugin(account).downloadBill(date: date).utf8), name: date) { records.append($0) }
        return records
    }

    @Test(arguments: ["wechat-sp", "unionpay-main", "paypal-main"])
    func anOmittedLineIsOffTheBillAndTheTotalsStillAddUp(account: String) throws {
        let h = try SandboxHarness()
        let (kept, _) = try h.pay(account, 1000)
        let (omitted, _) = try h.pay(account, 2000)
        try h.sandbox.markBillFault(.omitLine, account: account, serial: omitted)
        let listed = try records(h, account).map(\.centerSerial)
        #expect(listed == [kept])
    }

    @Test func aChangedFeeIsTheLinesFee() throws {
        let h = try SandboxHarness()
        let (serial, _) = try h.pay("alipay-main", 10_000)
        let before = try records(h, "alipay-main").first!.fee
        let old = try h.sandbox.changeFee(account: "alipay-main", serial: serial, fee: SandboxHarness.cny(123))
        #expect(old == before)
        #expect(try records(h, "alipay-main").first!.fee == SandboxHarness.cny(123))
        #expect(throws: PayError.self) { try h.sandbox.changeFee(account: "alipay-main", serial: "nope", fee: SandboxHarness.cny(1)) }
        #expect(throws: PayError.self) { try h.sandbox.changeFee(account: "alipay-main", serial: serial, fee: SandboxHarness.cny(-1)) }
    }

    @Test func aTradeTheCenterNeverSawIsOnTheBill() throws {
        let h = try SandboxHarness()
        let (serial, tradeNo) = try h.sandbox.addUnknownTrade(account: "acquirer-a", amount: SandboxHarness.cny(4_200), at: h.clock.now())
        let line = try #require(try records(h, "acquirer-a").first)
        #expect(line.centerSerial == serial && line.channelSerial == tradeNo && line.amount == SandboxHarness.cny(4_200))
        #expect(throws: PayError.notFound("--account 'ghost': the sandbox has no account of that id")) {
            try h.sandbox.addUnknownTrade(account: "ghost", amount: SandboxHarness.cny(1), at: h.clock.now())
        }
    }

    @Test(arguments: ["wechat-sp", "unionpay-main", "acquirer-b"])
    func aShiftedTradeMovesToTheNextChannelDay(account: String) throws {
        let h = try SandboxHarness()
        let (serial, _) = try h.pay(account, 1000)
        #expect(try records(h, account).map(\.centerSerial) == [serial])
        let moved = try h.sandbox.shiftAcrossMidnight(account: account, serial: serial)
        #expect(try records(h, account).isEmpty)
        let next = try records(h, account, "2026-11-22")
        #expect(next.map(\.centerSerial) == [serial])
        #expect(next.first?.time == moved)
    }

    @Test func aDroppedCallbackNeverReachesTheCenterButTheLineStays() throws {
        let h = try SandboxHarness()
        let serial = h.serial()
        try h.sandbox.markBillFault(.dropCallback, account: "wechat-sp", serial: serial)
        // A pay code the customer scans later: the center would learn of it only by the callback.
        let plugin = try h.plugin("wechat-sp")
        _ = plugin.pay(PayRequest(serial: serial, amount: SandboxHarness.cny(1000), mode: .payCode, subject: "lost"))
        h.clock.advance(seconds: 5)
        let (other, _) = try h.pay("wechat-sp", 2000, mode: .payCode)
        h.clock.advance(seconds: 5)
        _ = try h.sandbox.ledger()
        #expect(try h.sandbox.sentCallbacks(orderNo: serial).count == 1, "the channel sent it")
        let undelivered = try h.sandbox.undeliveredCallbacks().map(\.orderNo)
        #expect(!undelivered.contains(serial) && undelivered.contains(other))
        #expect(try records(h, "wechat-sp").map(\.centerSerial).contains(serial))
        #expect(try h.sandbox.billFaults(account: "wechat-sp").map(\.serial) == [serial])
    }
}
