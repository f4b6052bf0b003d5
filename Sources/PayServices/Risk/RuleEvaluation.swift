import PayCore
import PayStore

/// Evaluates parsed rules against one payment. Each counter is one indexed query and the lists a
/// value is on one more, each asked at most once per evaluation (a cache shared by all the rules of one decision), and
/// `and` / `or` stop as soon as the answer is known, so cheap facts spare the queries.
final class RuleEvaluation {
    let request: RiskRequest
    let now: Timestamp
    let store: Store
    private var counters: [String: Int64] = [:]
    /// The lists each value asked about is on.
    private var memberships: [String: Set<String>] = [:]
    /// Queries run so far (for the bench and the explanation).
    private(set) var queries = 0

    init(request: RiskRequest, now: Timestamp, store: Store) {
        self.request = request
        self.now = now
        self.store = store
    }

    func matches(_ expression: RuleExpression) throws -> Bool {
        switch expression {
        case .and(let left, let right): return try matches(left) && matches(right)
        case .or(let left, let right): return try matches(left) || matches(right)
        case .not(let inner): return try !matches(inner)
        case .member(let field, let list):
            let value = text(field)
            guard !value.isEmpty else { return false }
            if let known = memberships[value] { return known.contains(list) }
            queries += 1
            let lists = try store.riskLists.lists(containing: value)
            memberships[value] = lists
            return lists.contains(list)
        case .compare(let operand, let op, let literal):
            switch (operand, literal) {
            case (.field(let field), .text(let expected)):
                return op.holds(normalized(field, text(field)), normalized(field, expected))
            case (.field(.amount), .number(let mantissa, let scale)):
                return compareMoney(request.amount.minorUnits, op, mantissa, scale)
            case (.field(.hour), .number(let mantissa, _)):
                return op.holds(Int64(now.components.hour), mantissa)
            case (.function(let function, let window, _), .number(let mantissa, let scale)):
                let value = try counter(function, window)
                return function == .sum ? compareMoney(value, op, mantissa, scale) : op.holds(value, mantissa)
            default:
                return false
            }
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

    private func text(_ field: RuleField) -> String {
        switch field {
        case .currency: request.amount.currency.code
        case .method: request.method.rawValue
        case .business: request.businessLine.rawValue
        case .customer: request.customerId ?? ""
        case .amount: request.amount.decimalString
        case .hour: String(now.components.hour)
        }
    }

    /// Codes and names compare without regard to case; customer ids exactly.
    private func normalized(_ field: RuleField, _ value: String) -> String {
        switch field {
        case .currency: value.uppercased()
        case .method, .business: value.lowercased()
        default: value
        }
    }

    private func counter(_ function: RuleFunction, _ window: Int64) throws -> Int64 {
        guard let customer = request.customerId, !customer.isEmpty else { return 0 }
        let key = "\(function.rawValue)/\(window)"
        if let known = counters[key] { return known }
        queries += 1
        let since = now.adding(milliseconds: -window)
        let history = store.paymentHistory
        let value = switch function {
        case .count: try history.attemptCount(customer: customer, since: since)
        case .sum: try history.amountSum(customer: customer, since: since, currency: request.amount.currency)
        case .declines: try history.declineCount(customer: customer, since: since)
        }
        counters[key] = value
        return value
    }
}
