import PayCore

/// One payment to send to a channel.
public struct PayRequest: Hashable, Sendable {
    /// The center's payment serial: Alipay `out_trade_no`, WeChat `out_trade_no`, UnionPay `orderId`.
    public let serial: String
    public let amount: Money
    public let mode: PayMode
    /// What the customer sees on their statement.
    public let subject: String

    public init(serial: String, amount: Money, mode: PayMode, subject: String) {
        self.serial = serial
        self.amount = amount
        self.mode = mode
        self.subject = subject
    }
}
