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
