import PayCore

/// A refund of (part of) a paid payment.
public struct RefundRequest: Hashable, Sendable {
    /// The center's refund serial (`out_refund_no`, `out_request_no`).
    public let refundSerial: String
    /// The payment's center serial.
    public let paymentSerial: String
    /// The payment's channel serial when known.
    public let channelSerial: String?
    public let amount: Money
    /// The payment's full amount (WeChat wants it beside the refund).
    public let paymentAmount: Money
    public let reason: String

    public init(refundSerial: String, paymentSerial: String, channelSerial: String?, amount: Money, paymentAmount: Money, reason: String) {
        self.refundSerial = refundSerial
        self.paymentSerial = paymentSerial
        self.channelSerial = channelSerial
        self.amount = amount
        self.paymentAmount = paymentAmount
        self.reason = reason
    }
}
