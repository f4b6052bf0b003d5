import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Alipay's refund notifications state `refund_fee` as the total refunded on the trade so far,
/// not the one refund's amount; the center must read them so.
@Suite("Alipay refund notifications carry the total refunded")
struct AlipayRefundTotalTests {
    @Test("the notifications of two partial refunds are both accepted, not suspicious")
    func twoPartialRefunds() throws {
        let f = try PaymentFixture()
        try f.order("AT1", 10_000)
        let paid = try #require(try f.pay("AT1", .alipay, authCode: Barcode.alipay).attempt)
        #expect(paid.status == .succeeded)
        let first = try f.refund(paid, "30.00")
        let second = try f.refund(paid, "20.00")
        #expect(first.status == .succeeded && second.status == .succeeded)
        let fees = try f.sentCallbacks(second.serial).map { String(decoding: $0.body, as: UTF8.self) }
        #expect(fees.contains { $0.contains("refund_fee=50.00") }, "the second refund's notification states the total: \(fees)")
        try f.advance("5s")
        try f.deliverCallbacks()
        let verdicts = try f.callbackVerdicts("AT1")
        #expect(!verdicts.contains("SUSPICIOUS"), "\(verdicts)")
        #expect(try f.firingAlerts(rule: "callback.suspicious").isEmpty)
        #expect(try f.order("AT1").refundedAmount == cny(5_000))
    }

    @Test("a stated total below this refund, or above what the center asked back, is suspicious and changes nothing")
    func implausibleTotals() throws {
        let f = try PaymentFixture()
        // why: an amount ending in 58 is paid, and its refunds accepted for a later callback.
        try f.order("AT2", 10_058)
        let paid = try #require(try f.pay("AT2", .alipay, authCode: Barcode.alipay).attempt)
        let refund = try f.refund(paid, "40.00")
        #expect(refund.status == .processing)
        let service = CallbackService(f.context, gateway: f.gateway)
        let ack = ChannelAck(status: 200, body: "success")
        func note(_ minor: Int64) -> ChannelNotification {
            ChannelNotification(channel: "alipay", account: paid.account, kind: .refund, centerSerial: refund.serial.rawValue,
                                paymentSerial: paid.serial.rawValue, channelSerial: "AL-\(refund.serial.rawValue)", amount: cny(minor),
                                amountIsRefundedTotal: true, status: .succeeded, channelStatus: "TRADE_SUCCESS", notificationId: nil)
        }
        #expect(try service.apply(note(3_999), ack: ack, callbackId: 0).verdict == .suspicious)
        #expect(try service.apply(note(4_001), ack: ack, callbackId: 0).verdict == .suspicious)
        #expect(try f.store.refunds.find(id: refund.id)?.status == .processing)
        #expect(try service.apply(note(4_000), ack: ack, callbackId: 0).verdict == .accepted)
        #expect(try f.store.refunds.find(id: refund.id)?.status == .succeeded)
    }
}
