import PayCore
import PayStore

/// The routing answer for one payment: the account to call, where to go on a SYSTEM failure,
/// the fee, and why.
public struct RouteDecision: Sendable {
    /// One account the payment may go to.
    public struct Option: Sendable, Hashable {
        public let account: ChannelAccount
        /// The fee this account charges for this payment (the rule's override, else the account's).
        public let fee: Money
        public let priority: Int
        public let weight: Int
        /// This payment is the probe of a half-open circuit breaker.
        public let probe: Bool
    }

    /// A candidate left out, and why.
    public struct Skip: Sendable, Hashable {
        public let accountId: String
        public let reason: String
    }

    public let rule: RouteRule
    public let chosen: Option
    /// In the order to try after a SYSTEM failure of `chosen` (never after a decline).
    public let fallbacks: [Option]
    public let skipped: [Skip]
    /// The story of the decision, in order: rules passed over, the rule that matched, candidates
    /// skipped, how the strategy chose.
    public let reasons: [String]

    public var fee: Money { chosen.fee }
    public var account: ChannelAccount { chosen.account }
}

/// What came of a payment on an account, as the circuit breaker counts it.
public enum RouteOutcome: String, Sendable, CaseIterable {
    /// Paid: the account works.
    case succeeded
    /// The channel answered no: the account works, the customer could not pay.
    case declined
    /// The channel was not reached or failed to process: counts towards opening the breaker.
    case systemFailure = "system-failure"
    /// A timeout with the result unknown: not counted either way.
    case unknown

    public init(_ kind: FailureKind) {
        switch kind {
        case .declined: self = .declined
        case .system: self = .systemFailure
        case .unknown: self = .unknown
        }
    }
}
