/// What a channel said about a payment or a refund, in the center's five words.
///
/// For pay, query and close the result describes the *payment*; for refund and refund query it
/// describes the *refund*. `declined` codes are normalised across channels (see `DeclineCode`);
/// the message keeps the channel's own words.
public enum ChannelResult: Hashable, Sendable, CustomStringConvertible {
    /// Done: the money moved (or, after a close, the payment had been paid). Carries the channel's serial.
    case succeeded(channelSerial: String)
    /// Not final yet: a pay code waiting to be scanned, a customer still entering a password, a refund processing.
    case pending
    /// The channel said no, finally (declined, insufficient funds, closed, not found).
    case declined(code: String, message: String)
    /// The channel was not reached or failed to process: nothing happened, safe to retry elsewhere.
    case systemError(message: String)
    /// It may have gone through: a timeout, an answer that did not verify. Resolve only by a query.
    case unknown(message: String)

    public var description: String {
        switch self {
        case .succeeded(let serial): "succeeded(\(serial))"
        case .pending: "pending"
        case .declined(let code, let message): "declined(\(code): \(message))"
        case .systemError(let message): "systemError(\(message))"
        case .unknown(let message): "unknown(\(message))"
        }
    }

    public var isFinal: Bool {
        switch self {
        case .succeeded, .declined: true
        default: false
        }
    }
}

/// The decline codes every plugin maps its channel's words onto.
public enum DeclineCode {
    public static let declined = "DECLINED"
    public static let insufficientFunds = "INSUFFICIENT_FUNDS"
    public static let expiredCard = "EXPIRED_CARD"
    public static let incorrectCVC = "INCORRECT_CVC"
    /// The card needs a one-time-code challenge first; pay again with `challengeCompleted`.
    public static let authenticationRequired = "AUTHENTICATION_REQUIRED"
    /// The channel has no such payment or refund (a query after a lost request).
    public static let notFound = "NOT_FOUND"
    /// Closed or revoked before it was paid.
    public static let closed = "CLOSED"
    /// The refund was refused or failed at the channel.
    public static let refundFailed = "REFUND_FAILED"
    /// The channel refused the request itself (bad signature, bad parameter).
    public static let invalidRequest = "INVALID_REQUEST"
}

/// A channel's full answer: the result, plus what some operations return beside it.
public struct ChannelReply: Hashable, Sendable {
    public let result: ChannelResult
    /// The channel's own status word ("TRADE_SUCCESS", "USERPAYING", "succeeded") for the timeline.
    public let channelStatus: String
    /// For a pay code: the text the customer's app scans.
    public let codeURL: String?
    /// For a refund: the channel's refund serial when it gave one.
    public let channelRefundSerial: String?

    public init(result: ChannelResult, channelStatus: String, codeURL: String? = nil, channelRefundSerial: String? = nil) {
        self.result = result
        self.channelStatus = channelStatus
        self.codeURL = codeURL
        self.channelRefundSerial = channelRefundSerial
    }
}
