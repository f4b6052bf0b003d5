import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// Unpaid orders expire and close; attempts still open are revoked at the channel first, and a
/// payment that went through first wins over the close (DESIGN §3, §4).
@Suite("Expiry")
struct ExpiryTests {
    @Test("an unpaid order closes once its 30 minutes have passed, with an order.closed notification")
    func unpaidCloses() throws {
        let f = try PaymentFixture()
        try f.order("E1", 1_000)
        // why: counts are not compared: the demo's own open past orders expire along.
        try f.advance("29m59s")
        try f.expire()
        #expect(try f.order("E1").status == .created)
        try f.advance("1s")
        try f.expire()
        #expect(try f.order("E1").status == .closed)
        #expect(try f.outboxTopics("E1") == ["order.closed"])
        try f.expire()
        #expect(try f.outboxTopics("E1") == ["order.closed"], "closed once")
        let refused = #expect(throws: PayError.self) { try f.pay("E1", .alipay, authCode: Barcode.alipay) }
        #expect(refused?.kind == .conflict)
        #expect(try f.attempts("E1").isEmpty)
    }

    @Test("an expired order cannot be paid even before the job has closed it")
    func expiredNotPayable() throws {
        let f = try PaymentFixture()
        try f.order("E2", 1_000, expiresIn: 60_000)
        try f.advance("1m")
        #expect(#expect(throws: PayError.self) { try f.pay("E2", .alipay, authCode: Barcode.alipay) }?.kind == .conflict)
        #expect(try f.attempts("E2").isEmpty)
    }

    @Test("an order whose pay code is still PENDING is revoked at the channel and closed; a late scan pays nothing")
    func pendingPayCodeRevoked() throws {
        let f = try PaymentFixture()
        try f.sandbox.setLatency(channel: "wechat", milliseconds: 3_600_000)
        try f.order("E3", 1_000)
        let pending = try #require(try f.pay("E3", .wechat).attempt)
        #expect(pending.status == .pending)
        try f.advance("30m")
        try f.janitor()
        try f.expire()
        #expect(try f.attempt(pending.id).status == .closed)
        let order = try f.order("E3")
        #expect(order.status == .closed && order.paidAmount.minorUnits == 0)
        #expect(try f.outboxTopics("E3") == ["order.closed"])
        let atChannel = try #require(try f.sandbox.payment(channel: "wechat", outTradeNo: pending.serial.rawValue))
        #expect(atChannel.status == .revoked || atChannel.status == .closed)
        try f.advance("2h")
        try f.deliverCallbacks()
        try f.janitor()
        #expect(try f.sandbox.payment(channel: "wechat", outTradeNo: pending.serial.rawValue)?.status != .paid)
        #expect(try f.order("E3").paidAmount.minorUnits == 0)
    }

    @Test("an expiring order whose UNKNOWN payment went through is paid, not closed")
    func paidBeforeClose() throws {
        let f = try PaymentFixture()
        try f.order("E4", 1_253, expiresIn: 60_000)
        let unknown = try #require(try f.pay("E4", .alipay, authCode: Barcode.alipay).attempt)
        #expect(unknown.status == .unknown)
        try f.advance("1m")
        _ = try f.expire()
        #expect(try f.attempt(unknown.id).status == .succeeded)
        let order = try f.order("E4")
        #expect(order.status == .paid && order.paidAmount == cny(1_253))
        #expect(try f.outboxTopics("E4") == ["order.paid"])
    }

    @Test("an expiring order whose UNKNOWN payment never reached the channel is closed")
    func unknownNotPaidCloses() throws {
        let f = try PaymentFixture()
        try f.order("E5", 1_254, expiresIn: 60_000)
        let unknown = try #require(try f.pay("E5", .alipay, authCode: Barcode.alipay).attempt)
        try f.advance("1m")
        try f.expire()
        #expect(try f.attempt(unknown.id).status == .closed)
        #expect(try f.order("E5").status == .closed)
    }

    @Test("closing an order while a payment is on its way to the channel is refused; the payment then lands and pays the order")
    func closeWhileProcessing() throws {
        let f = try PaymentFixture()
        try f.order("E6", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("E6"),
                                                            method: .alipay, authCode: Barcode.alipay))
        let account = try #require(try f.store.channelAccounts.find("alipay-main"))
        let attempt = try service.persist(validated, account: account)
        let refused = #expect(throws: PayError.self) { try CloseService(f.context, gateway: f.gateway).close(try f.order("E6")) }
        #expect(refused?.kind == .conflict)
        #expect(try f.attempt(attempt.id).status == .processing)
        let reply = try #require(try service.invoke(attempt, validated: validated, account: account))
        #expect(try service.settle(attempt, reply: reply, validated: validated).attempt.status == .succeeded)
        let order = try f.order("E6")
        #expect(order.status == .paid && order.paidAmount == cny(1_000))
    }
}
