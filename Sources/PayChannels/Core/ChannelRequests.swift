import PayCore

/// How the customer pays on one attempt.
public enum PayMode: Hashable, Sendable {
    /// The cashier scanned the customer's payment code (barcode); the digits as scanned.
    case authCode(String)
    /// The center shows a pay code for the customer's app to scan.
    case payCode
    /// A card token from `CardAcquirerPlugin.tokenize`; `challengeCompleted` once the one-time code was checked.
    case cardToken(String, challengeCompleted: Bool)
    /// A PayPal buyer approval or a wallet customer: the channel charges the named payer.
    case account(String)
}

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

/// One operation of the template, with its request.
public enum ChannelOperation: Hashable, Sendable {
    case pay(PayRequest)
    /// Query a payment by the center's serial.
    case query(serial: String, amount: Money)
    /// Close an unpaid pay code, or revoke a barcode payment still in progress.
    case close(serial: String, amount: Money, revoke: Bool)
    case refund(RefundRequest)
    case refundQuery(refundSerial: String, paymentSerial: String, amount: Money)
    /// The channel's bill for one UTC day, "YYYY-MM-DD".
    case bill(date: String)

    public var name: String {
        switch self {
        case .pay: "pay"
        case .query: "query"
        case .close: "close"
        case .refund: "refund"
        case .refundQuery: "refund query"
        case .bill: "bill"
        }
    }
}
