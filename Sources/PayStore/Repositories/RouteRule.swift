import PayCore

/// A routing rule: which payments it covers (business line, method, currency, amount range) and
/// the channel accounts that may carry them, with the strategy that picks among them.
public struct RouteRule: Hashable, Sendable {
    /// How a rule picks among its available candidates.
    public enum Strategy: String, Sendable, CaseIterable {
        /// The lowest `priority` number first.
        case priority
        /// The candidate whose fee for this amount is lowest.
        case lowestFee = "lowest-fee"
        /// A volume split in proportion to the candidates' weights.
        case weighted
        /// The best recent success rate, with a small share kept on the others.
        case successRate = "success-rate"

        public static func parse(_ text: String, field: String = "strategy") throws(PayError) -> Strategy {
            if let strategy = Strategy(rawValue: text.lowercased()) { return strategy }
            throw PayError.invalidInput("\(field) '\(text)': unknown strategy (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    /// One channel account a rule may route to.
    public struct Candidate: Hashable, Sendable {
        public let accountId: String
        /// Lower goes first (priority strategy, and ties in the others).
        public let priority: Int
        /// Share of volume under the weighted strategy; 0 keeps it as a fallback only.
        public let weight: Int
        /// Overrides the account's fee rate for this rule (basis points); nil uses the account's.
        public let feeRateBps: Int64?
        /// Overrides the account's fixed fee for this rule (minor units); nil uses the account's.
        public let feeFixedMinor: Int64?

        public init(accountId: String, priority: Int, weight: Int = 1, feeRateBps: Int64? = nil, feeFixedMinor: Int64? = nil) {
            self.accountId = accountId
            self.priority = priority
            self.weight = weight
            self.feeRateBps = feeRateBps
            self.feeFixedMinor = feeFixedMinor
        }
    }

    public let id: Int64
    public let name: String
    /// nil: any business line.
    public let businessLine: BusinessLineCode?
    public let method: PaymentMethod
    /// nil: any currency. An amount range needs a currency.
    public let currency: Currency?
    /// Inclusive lower bound in minor units of `currency`; nil: none.
    public let minMinor: Int64?
    /// Inclusive upper bound in minor units of `currency`; nil: none.
    public let maxMinor: Int64?
    public let strategy: Strategy
    /// Rules are tried in this order (then by id); the first that matches decides.
    public let position: Int
    public let enabled: Bool
    public let candidates: [Candidate]

    public init(id: Int64 = 0, name: String, businessLine: BusinessLineCode?, method: PaymentMethod, currency: Currency?,
                minMinor: Int64? = nil, maxMinor: Int64? = nil, strategy: Strategy, position: Int, enabled: Bool = true,
                candidates: [Candidate]) {
        self.id = id
        self.name = name
        self.businessLine = businessLine
        self.method = method
        self.currency = currency
        self.minMinor = minMinor
        self.maxMinor = maxMinor
        self.strategy = strategy
        self.position = position
        self.enabled = enabled
        self.candidates = candidates
    }

    /// Why the rule does not cover a payment, or nil when it does.
    public func mismatch(businessLine line: BusinessLineCode, method: PaymentMethod, amount: Money) -> String? {
        if !enabled { return "disabled" }
        if method != self.method { return "method \(self.method.rawValue), not \(method.rawValue)" }
        if let businessLine, businessLine != line { return "business line \(businessLine), not \(line)" }
        if let currency, currency != amount.currency { return "currency \(currency), not \(amount.currency)" }
        if let minMinor, amount.minorUnits < minMinor {
            return "amount below \(Money(minorUnits: minMinor, currency: amount.currency).decimalString)"
        }
        if let maxMinor, amount.minorUnits > maxMinor {
            return "amount above \(Money(minorUnits: maxMinor, currency: amount.currency).decimalString)"
        }
        return nil
    }

    /// Whether the enabled rule covers a payment of its method: `mismatch` without the words, for
    /// the decision's scan (the caller picked the rules of the method).
    public func covers(businessLine line: BusinessLineCode, amount: Money) -> Bool {
        if let businessLine, businessLine != line { return false }
        if let currency, currency != amount.currency { return false }
        if let minMinor, amount.minorUnits < minMinor { return false }
        if let maxMinor, amount.minorUnits > maxMinor { return false }
        return true
    }

    /// "business retail, method card, currency any, amount 0.00–100.00" for people.
    public var scopeDescription: String {
        var parts = ["business \(businessLine?.rawValue ?? "any")", "method \(method.rawValue)", "currency \(currency?.code ?? "any")"]
        if let currency, minMinor != nil || maxMinor != nil {
            let low = minMinor.map { Money(minorUnits: $0, currency: currency).decimalString } ?? "0"
            let high = maxMinor.map { Money(minorUnits: $0, currency: currency).decimalString } ?? "∞"
            parts.append("amount \(low)–\(high)")
        } else {
            parts.append("any amount")
        }
        return parts.joined(separator: ", ")
    }
}
