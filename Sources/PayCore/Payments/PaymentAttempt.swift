/// How the customer pays: the method family. The channel follows from it (and, for a barcode,
/// from the code's prefix).
public enum PaymentMethod: String, Sendable, CaseIterable {
    case alipay
    case wechat
    case unionpay
    case card
    case applePay = "apple-pay"
    case paypal
    case wallet

    public static func parse(_ text: String, field: String = "method") throws(PayError) -> PaymentMethod {
        if let method = PaymentMethod(rawValue: text.lowercased()) { return method }
        throw PayError.invalidInput("\(field) '\(text)': unknown method (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
    }
}

/// One try at paying an order, on one channel account.
public struct PaymentAttempt: Hashable, Sendable {
    public let id: Int64
    public let serial: Serial
    public let orderId: Int64
    public let method: PaymentMethod
    public let channel: String
    public let account: String
    public let amount: Money
    public let status: AttemptStatus
    public let channelSerial: String?
    public let failureKind: FailureKind?
    public let failureCode: String?
    public let failureMessage: String?
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    public init(id: Int64, serial: Serial, orderId: Int64, method: PaymentMethod, channel: String, account: String,
                amount: Money, status: AttemptStatus, channelSerial: String?, failureKind: FailureKind?,
                failureCode: String?, failureMessage: String?, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.serial = serial
        self.orderId = orderId
        self.method = method
        self.channel = channel
        self.account = account
        self.amount = amount
        self.status = status
        self.channelSerial = channelSerial
        self.failureKind = failureKind
        self.failureCode = failureCode
        self.failureMessage = failureMessage
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A refund against one succeeded attempt.
public struct Refund: Hashable, Sendable {
    public let id: Int64
    public let serial: Serial
    public let attemptId: Int64
    public let orderId: Int64
    public let refundNo: String?
    public let amount: Money
    public let status: RefundStatus
    public let channelRefundSerial: String?
    public let reason: String?
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    public init(id: Int64, serial: Serial, attemptId: Int64, orderId: Int64, refundNo: String?, amount: Money, status: RefundStatus,
                channelRefundSerial: String?, reason: String?, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.serial = serial
        self.attemptId = attemptId
        self.orderId = orderId
        self.refundNo = refundNo
        self.amount = amount
        self.status = status
        self.channelRefundSerial = channelRefundSerial
        self.reason = reason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
