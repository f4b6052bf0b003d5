import PayCore

/// A channel callback that verified and parsed: the seam to the payment core, which matches it to
/// an attempt or refund (serial, amount, currency) and applies it with a guarded update.
public struct ChannelNotification: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case payment, refund }

    /// What the callback says happened, in the center's words.
    public enum Status: String, Hashable, Sendable {
        /// Paid / refunded.
        case succeeded
        /// Not paid yet (a stale or early callback).
        case pending
        /// Failed or closed: the payment was not made, the refund did not go through.
        case failed
    }

    public let channel: String
    /// The center's channel account it was verified under.
    public let account: String
    public let kind: Kind
    /// The center's serial: the payment's for a payment callback, the refund's for a refund callback.
    public let centerSerial: String
    /// For a refund callback: the payment's center serial when the channel gives it.
    public let paymentSerial: String?
    /// The channel's serial for this payment or refund.
    public let channelSerial: String
    public let amount: Money
    /// For a refund callback: `amount` is the total refunded on the payment so far, this refund
    /// included when it succeeded (Alipay's `refund_fee`), not this refund's own amount.
    public let amountIsRefundedTotal: Bool
    public let status: Status
    /// The channel's own status word ("TRADE_SUCCESS", "REFUND.ABNORMAL", "00").
    public let channelStatus: String
    /// The channel's id of this notification, when it has one (deduplication).
    public let notificationId: String?

    public init(channel: String, account: String, kind: Kind, centerSerial: String, paymentSerial: String?,
                channelSerial: String, amount: Money, amountIsRefundedTotal: Bool = false, status: Status, channelStatus: String,
                notificationId: String?) {
        self.channel = channel
        self.account = account
        self.kind = kind
        self.centerSerial = centerSerial
        self.paymentSerial = paymentSerial
        self.channelSerial = channelSerial
        self.amount = amount
        self.amountIsRefundedTotal = amountIsRefundedTotal
        self.status = status
        self.channelStatus = channelStatus
        self.notificationId = notificationId
    }
}
