import PayCore
import PayStore

/// The risk answer for one payment: allow, block, or challenge with a one-time code; with every
/// rule that matched.
public struct RiskDecision: Sendable {
    public typealias Action = RiskRuleRecord.Action

    /// A rule that matched the payment.
    public struct Match: Sendable, Hashable {
        public let name: String
        public let action: Action
        public let expression: String
    }

    public let action: Action
    /// Every rule that matched, allow rules first, then block, then challenge.
    public let matched: [Match]
    /// The rule that decided (nil: no rule matched and the payment is allowed).
    public let decidedBy: Match?
    /// Rules that were left out (disabled, or stored text that no longer parses).
    public let notes: [String]
    /// How many rules were evaluated and how many store queries that took.
    public let rulesEvaluated: Int
    public let queries: Int

    /// One line for people: "block (rule 'blocklisted')".
    public var summary: String {
        guard let decidedBy else { return "\(action.rawValue) (no rule matched)" }
        return "\(action.rawValue) (rule '\(decidedBy.name)')"
    }
}
