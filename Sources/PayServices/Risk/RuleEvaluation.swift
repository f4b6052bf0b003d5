import PayCore
import PayStore

/// Evaluates compiled rules against one payment. What the rules need from the store — every
/// counter of every window they name, and the lists each tested value is on — is read first, in
/// one statement (`PaymentHistoryRepository.riskFacts`), so a decision costs one statement
/// however many rules there are, and none when the payment has no customer and no listed value.
/// The payment's facts are prepared once (normalised texts, the hour), so a rule allocates
/// nothing; `and` / `or` stop as soon as the answer is known.
final class RuleEvaluation {
    let request: RiskRequest
    /// Store statements run (for the bench and the explanation): 1, or 0 when nothing was asked.
    private(set) var queries = 0
    private let hour: Int64
    /// Each text field's value, normalised (`RuleField.allCases` order).
    private let texts: [String]
    private let counts: [RiskWindowCounts]
    /// For each field of `RuleSet.lists`, whether its value is on each list named.
    private let onList: [[Bool]]

    init(request: RiskRequest, now: Timestamp, store: Store, rules: RuleSet) throws {
        self.request = request
        let hour = Int64(now.components.hour)
        self.hour = hour
        self.texts = RuleField.allCases.map { Self.normalized($0, Self.text($0, request, hour: hour)) }
        let customer = request.customerId ?? ""
        let windows = customer.isEmpty ? [] : rules.windows
        // why only non-empty values: an empty value is on no list (and needs no lookup).
        let asked = rules.lists.enumerated().compactMap { slot, entry -> (slot: Int, value: String, names: [String])? in
            let value = Self.text(entry.field, request, hour: hour)
            return value.isEmpty ? nil : (slot, value, entry.names)
        }
        var counts = Array(repeating: RiskWindowCounts(), count: rules.windows.count)
        var onList = rules.lists.map { Array(repeating: false, count: $0.names.count) }
        if !windows.isEmpty || !asked.isEmpty {
            queries = 1
            let facts = try store.paymentHistory.riskFacts(
                customer: customer, since: windows.map { now.adding(milliseconds: -$0) }, currency: request.amount.currency,
                lists: asked.map { ($0.value, $0.names) })
            if !windows.isEmpty { counts = facts.windows }
            for (index, entry) in asked.enumerated() {
                onList[entry.slot] = entry.names.map { facts.lists[index].contains($0) }
            }
        }
        self.counts = counts
        self.onList = onList
    }

    func matches(_ check: RiskCheck) -> Bool {
        switch check {
        case .and(let left, let right): return matches(left) && matches(right)
        case .or(let left, let right): return matches(left) || matches(right)
        case .not(let inner): return !matches(inner)
        case .member(let field, let list): return onList[field][list]
        case .text(let field, let op, let expected): return op.holds(texts[field.position], expected)
        case .amount(let op, let mantissa, let scale): return compareMoney(request.amount.minorUnits, op, mantissa, scale)
        case .hour(let op, let value): return op.holds(hour, value)
        case .counter(let function, let window, let op, let mantissa, let scale):
            let counts = self.counts[window]
            switch function {
            case .count: return op.holds(counts.attempts, mantissa)
            case .declines: return op.holds(counts.declines, mantissa)
            case .sum: return compareMoney(counts.liveMinor, op, mantissa, scale)
            }
        case .never: return false
        }
    }

    /// Compares minor units of the payment's currency with `mantissa / 10^scale` exactly.
    private func compareMoney(_ minor: Int64, _ op: RuleComparison, _ mantissa: Int64, _ scale: Int) -> Bool {
        let exponent = request.amount.currency.exponent
        // why Int128: minor × 10^scale and mantissa × 10^exponent can pass Int64 for large literals.
        var lhs = Int128(minor)
        var rhs = Int128(mantissa)
        for _ in 0..<scale { lhs *= 10 }
        for _ in 0..<exponent { rhs *= 10 }
        return op.holds(lhs, rhs)
    }

    static func text(_ field: RuleField, _ request: RiskRequest, hour: Int64) -> String {
        switch field {
        case .currency: request.amount.currency.code
        case .method: request.method.rawValue
        case .business: request.businessLine.rawValue
        case .customer: request.customerId ?? ""
        case .amount: request.amount.decimalString
        case .hour: String(hour)
        }
    }

    /// Codes and names compare without regard to case; customer ids exactly.
    static func normalized(_ field: RuleField, _ value: String) -> String {
        switch field {
        case .currency: value.uppercased()
        case .method, .business: value.lowercased()
        default: value
        }
    }
}

extension RuleField {
    /// The field's place in `allCases`.
    var position: Int {
        switch self {
        case .amount: 0
        case .currency: 1
        case .method: 2
        case .business: 3
        case .customer: 4
        case .hour: 5
        }
    }
}
