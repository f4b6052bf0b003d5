import PayCore

/// The JSON shapes of §10, shared by the command line's `--json`, the HTTP API's answers and the
/// outcomes idempotency keys replay (Codable, so a stored outcome decodes back to the same view): keys, amounts as decimal strings, times in ISO 8601 UTC.
public struct OrderJSON: Codable, Sendable, Equatable {
    public let orderNo: String
    public let businessLine: String
    public let serial: String
    public let amount: String
    public let currency: String
    public let status: String
    public let paidAmount: String
    public let refundedAmount: String
    public let customerId: String?
    public let items: [ItemJSON]
    public let subOrders: [SubOrderJSON]
    public let createdAt: String
    public let expiresAt: String
    /// The business line's details; absent when the order has none.
    public let details: DetailsJSON?

    public struct ItemJSON: Codable, Sendable, Equatable {
        public let name: String
        public let quantity: Int64
        public let unitPrice: String
    }

    public struct SubOrderJSON: Codable, Sendable, Equatable {
        public let account: String
        public let amount: String
    }

    public init(_ order: Order) {
        orderNo = order.orderNo.rawValue
        businessLine = order.businessLine.rawValue
        serial = order.serial.rawValue
        amount = order.amount.decimalString
        currency = order.amount.currency.code
        status = order.status.rawValue
        paidAmount = order.paidAmount.decimalString
        refundedAmount = order.refundedAmount.decimalString
        customerId = order.customerId
        items = order.items.map { ItemJSON(name: $0.name, quantity: $0.quantity, unitPrice: $0.unitPrice.decimalString) }
        subOrders = order.subOrders.map { SubOrderJSON(account: $0.merchantAccount, amount: $0.amount.decimalString) }
        createdAt = order.createdAt.iso8601
        expiresAt = order.expiresAt.iso8601
        details = DetailsJSON(order)
    }
}

public struct PaymentJSON: Codable, Sendable, Equatable {
    public let serial: String
    public let orderNo: String
    public let businessLine: String
    public let method: String
    public let channel: String
    public let account: String
    public let channelSerial: String?
    public let amount: String
    public let currency: String
    public let status: String
    public let failureKind: String?
    public let failureCode: String?
    public let failureMessage: String?
    public let createdAt: String

    public init(_ attempt: PaymentAttempt, order: Order) {
        serial = attempt.serial.rawValue
        orderNo = order.orderNo.rawValue
        businessLine = order.businessLine.rawValue
        method = attempt.method.rawValue
        channel = attempt.channel
        account = attempt.account
        channelSerial = attempt.channelSerial
        amount = attempt.amount.decimalString
        currency = attempt.amount.currency.code
        status = attempt.status.rawValue
        failureKind = attempt.failureKind?.rawValue
        failureCode = attempt.failureCode
        failureMessage = attempt.failureMessage
        createdAt = attempt.createdAt.iso8601
    }
}

public struct RefundJSON: Codable, Sendable, Equatable {
    public let serial: String
    public let paymentSerial: String
    public let refundNo: String?
    public let channelRefundSerial: String?
    public let amount: String
    public let currency: String
    public let status: String
    public let reason: String?
    public let createdAt: String
    /// The items the refund gave back (till refunds by items only; absent otherwise).
    public var lines: [RefundLineJSON]?

    public init(_ refund: Refund, paymentSerial: Serial) {
        serial = refund.serial.rawValue
        self.paymentSerial = paymentSerial.rawValue
        refundNo = refund.refundNo
        channelRefundSerial = refund.channelRefundSerial
        amount = refund.amount.decimalString
        currency = refund.amount.currency.code
        status = refund.status.rawValue
        reason = refund.reason
        createdAt = refund.createdAt.iso8601
    }
}

/// One item a refund gave back: `{item, name, quantity, amount}` (`item` counts from 1, as shown).
public struct RefundLineJSON: Codable, Sendable, Equatable {
    public let item: Int
    public let name: String
    public let quantity: Int64
    public let amount: String

    public init(_ line: RefundLine) {
        item = line.position + 1
        name = line.name
        quantity = line.quantity
        amount = line.amount.decimalString
    }
}

/// `query` prints `{order, payments, refunds}`.
public struct OrderDetailJSON: Codable, Sendable, Equatable {
    public let order: OrderJSON
    public let payments: [PaymentJSON]
    public let refunds: [RefundJSON]

    public init(_ detail: OrderDetail) {
        order = OrderJSON(detail.order)
        payments = detail.attempts.map { PaymentJSON($0, order: detail.order) }
        let serials = Dictionary(uniqueKeysWithValues: detail.attempts.map { ($0.id, $0.serial) })
        refunds = detail.refunds.compactMap { refund in
            serials[refund.attemptId].map { serial in
                var json = RefundJSON(refund, paymentSerial: serial)
                json.lines = detail.refundLines[refund.id].map { $0.map(RefundLineJSON.init) }
                return json
            }
        }
    }
}

/// `pay` prints `{order, payment, codeUrl?, challenge?, blockedBy?}`; the API answers the same.
public struct PayResultJSON: Codable, Sendable, Equatable {
    public struct Challenge: Codable, Sendable, Equatable {
        public let id: String
        public let sentTo: String
        public let expiresAt: String
        public let reasons: [String]
    }

    public let order: OrderJSON
    public let payment: PaymentJSON?
    public let codeUrl: String?
    public let challenge: Challenge?
    public let blockedBy: [String]?

    enum CodingKeys: String, CodingKey { case order, payment, codeUrl, challenge, blockedBy }

    public init(_ outcome: PaymentOutcome) {
        let detail = outcome.detail
        order = OrderJSON(detail.order)
        payment = outcome.attempt.map { PaymentJSON($0, order: detail.order) }
        var codeURL: String?
        var challenge: Challenge?
        var blocked: [String]?
        switch outcome {
        case .pending(_, _, let url): codeURL = url
        case .challenge(_, let issued, let reasons):
            challenge = Challenge(id: issued.id, sentTo: issued.recipient, expiresAt: issued.expiresAt.iso8601, reasons: reasons)
        case .blocked(_, let reasons): blocked = reasons
        default: break
        }
        codeUrl = codeURL
        self.challenge = challenge
        blockedBy = blocked
    }

    // why: `payment` is always present (null when risk stopped the payment before an attempt);
    // the others only when they say something.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(order, forKey: .order)
        try c.encode(payment, forKey: .payment)
        try c.encodeIfPresent(codeUrl, forKey: .codeUrl)
        try c.encodeIfPresent(challenge, forKey: .challenge)
        try c.encodeIfPresent(blockedBy, forKey: .blockedBy)
    }
}

/// `refund` prints `{refund, order}`; the API answers the same.
public struct RefundResultJSON: Codable, Sendable, Equatable {
    public let refund: RefundJSON
    public let order: OrderJSON

    public init(_ refund: Refund, paymentSerial: Serial, order: Order) {
        self.refund = RefundJSON(refund, paymentSerial: paymentSerial)
        self.order = OrderJSON(order)
    }
}
