import PayCore

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
