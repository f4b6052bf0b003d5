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
    private let nodes: [RiskNode]
    private let literals: [String]
    /// The payment's currency's decimal places.
    private let exponent: Int

    init(request: RiskRequest, now: Timestamp, store: Store, rules: RuleSet) throws {
        self.request = request
        self.nodes = rules.nodes
        self.literals = rules.literals
        self.exponent = request.amount.currency.exponent
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

    /// Whether the rule whose root is `root` in the rule set's nodes matches the payment.
    func matches(_ root: Int32) -> Bool {
        nodes.withUnsafeBufferPointer { nodes in
            literals.withUnsafeBufferPointer { literals in matches(root, nodes, literals) }
        }
    }

    private func matches(_ index: Int32, _ nodes: UnsafeBufferPointer<RiskNode>, _ literals: UnsafeBufferPointer<String>) -> Bool {
        let node = nodes[Int(index)]
        switch node.kind {
        case .and: return matches(node.a, nodes, literals) && matches(node.b, nodes, literals)
        case .or: return matches(node.a, nodes, literals) || matches(node.b, nodes, literals)
        case .not: return !matches(node.a, nodes, literals)
        case .member: return onList[Int(node.a)][Int(node.b)]
        case .text: return node.op.holds(texts[Int(node.a)], literals[Int(node.b)])
        case .amount: return compareMoney(request.amount.minorUnits, node.op, node.mantissa, Int(node.scale))
        case .hour: return node.op.holds(hour, node.mantissa)
        case .count: return node.op.holds(counts[Int(node.a)].attempts, node.mantissa)
        case .declines: return node.op.holds(counts[Int(node.a)].declines, node.mantissa)
        case .sum: return compareMoney(counts[Int(node.a)].liveMinor, node.op, node.mantissa, Int(node.scale))
        case .never: return false
        }
    }

    /// Powers of ten that fit Int128 (10^0 … 10^38).
    private static let powersOfTen: [Int128] = (0...38).map { n in (0..<n).reduce(Int128(1)) { value, _ in value * 10 } }

    /// Compares minor units of the payment's currency with `mantissa / 10^scale` exactly.
    private func compareMoney(_ minor: Int64, _ op: RuleComparison, _ mantissa: Int64, _ scale: Int) -> Bool {
        // why Int128: minor × 10^scale and mantissa × 10^exponent can pass Int64 for large literals.
        guard scale <= 18, exponent <= 18 else { return compareMoneySlowly(minor, op, mantissa, scale) }
        return op.holds(Int128(minor) * Self.powersOfTen[scale], Int128(mantissa) * Self.powersOfTen[exponent])
    }

    private func compareMoneySlowly(_ minor: Int64, _ op: RuleComparison, _ mantissa: Int64, _ scale: Int) -> Bool {
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
