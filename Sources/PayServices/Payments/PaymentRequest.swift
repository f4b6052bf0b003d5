import PayCore
import PayChannels

/// What a caller asks `PaymentService.pay` to do: pay one order by one method.
public struct PaymentRequest: Sendable {
    public var businessLine: BusinessLineCode
    public var orderNo: MerchantOrderNo
    /// When given, must equal what the order still owes (a guard against paying the wrong amount).
    public var amount: Money?
    public var method: PaymentMethod
    /// The customer's payment code as scanned (barcode).
    public var authCode: String?
    /// A card as typed; lives only in memory until the acquirer's token replaces it.
    public var card: CardDetails?
    public var customerId: String?
    /// The one-time code answering a challenge.
    public var otp: String?
    public var idempotencyKey: IdempotencyKey?
    /// A supervisor (already logged in) allowing this payment while an earlier payment of the
    /// order is unconfirmed (UNKNOWN or PENDING); see `UnconfirmedPayments`.
    public var unconfirmedOverride: Actor?

    public init(businessLine: BusinessLineCode, orderNo: MerchantOrderNo, amount: Money? = nil, method: PaymentMethod,
                authCode: String? = nil, card: CardDetails? = nil, customerId: String? = nil, otp: String? = nil,
                idempotencyKey: IdempotencyKey? = nil) {
        self.businessLine = businessLine
        self.orderNo = orderNo
        self.amount = amount
        self.method = method
        self.authCode = authCode
        self.card = card
        // why mask: a card number typed as the customer is never kept (`CardNumberMask`).
        self.customerId = customerId.map(CardNumberMask.mask)
        self.otp = otp
        self.idempotencyKey = idempotencyKey
    }

    /// The request as canonical text for the idempotency check. The card appears only as its
    /// first 6 / last 4 and expiry, never as the number, a hash of it, or the CVC.
    ///
    /// why no hash of the number: beside the first 6 and last 4 an unkeyed hash of the PAN gives it
    /// back in a second of guessing the middle digits (a review recovered one from the store). Two
    /// cards alike in all of these under one key replay the first's answer: nothing is charged twice.
    public var canonical: String {
        var parts = ["line=\(businessLine)", "order=\(orderNo)", "method=\(method.rawValue)"]
        if let amount { parts.append("amount=\(amount.decimalString) \(amount.currency)") }
        if let authCode { parts.append("auth=\(authCode)") }
        if let card { parts.append("card=\(card.first6)…\(card.last4) \(card.expiryMonth)/\(card.expiryYear)") }
        if let customerId { parts.append("customer=\(customerId)") }
        return parts.joined(separator: "&")
    }
}

/// How a payment request ended, as the command line and the console report it.
public enum PaymentOutcome: Sendable {
    /// Paid.
    case succeeded(OrderDetail, PaymentAttempt)
    /// Waiting: a pay code to scan (`codeURL`), a customer still confirming, a refund of risk.
    case pending(OrderDetail, PaymentAttempt, codeURL: String?)
    /// It may have gone through; the janitor will find out by query.
    case unknown(OrderDetail, PaymentAttempt)
    /// The channel said no (final), or every account failed with a system error.
    case declined(OrderDetail, PaymentAttempt)
    /// Risk blocked it before any channel was called.
    case blocked(OrderDetail, reasons: [String])
    /// A one-time code was sent; pay again with `otp`.
    case challenge(OrderDetail, IssuedChallenge, reasons: [String])

    /// The exit code of §10: 0 paid, 4 declined or blocked, 5 pending, unknown or challenged.
    public var exitCode: Int32 {
        switch self {
        case .succeeded: 0
        case .declined, .blocked: 4
        case .pending, .unknown, .challenge: 5
        }
    }

    public var detail: OrderDetail {
        switch self {
        case .succeeded(let d, _), .pending(let d, _, _), .unknown(let d, _), .declined(let d, _),
             .blocked(let d, _), .challenge(let d, _, _): d
        }
    }

    /// The attempt this request made last (nil when nothing reached a channel).
    public var attempt: PaymentAttempt? {
        switch self {
        case .succeeded(_, let a), .pending(_, let a, _), .unknown(_, let a), .declined(_, let a): a
        case .blocked, .challenge: nil
        }
    }
}
