import PayCore
import PayStore

extension RoutingService {
    /// Orders the available candidates by the rule's strategy: the first is chosen, the rest are
    /// the fallbacks. Each step of the reasoning goes into `steps`.
    func order(_ options: [RouteDecision.Option], by strategy: RouteRule.Strategy, amount: Money, now: Timestamp,
               steps: inout [String]) throws -> [RouteDecision.Option] {
        let byPriority = options.sorted { ($0.priority, $0.account.id) < ($1.priority, $1.account.id) }
        var ordered: [RouteDecision.Option]
        switch strategy {
        case .priority:
            ordered = byPriority
            steps.append("priority: \(describe(ordered) { "priority \($0.priority)" })")
        case .lowestFee:
            ordered = byPriority.sorted { $0.fee.minorUnits < $1.fee.minorUnits }  // stable: ties keep priority order
            steps.append("lowest fee for \(amount.decimalString) \(amount.currency): \(describe(ordered) { "fee \($0.fee.decimalString)" })")
        case .weighted:
            ordered = weighted(byPriority, steps: &steps)
        case .successRate:
            ordered = try successRate(byPriority, now: now, steps: &steps)
        }
        if ordered[0].probe { steps.append("\(ordered[0].account.id) is a circuit-breaker probe: its outcome closes or reopens it") }
        steps.append("chose \(ordered[0].account.id) (fee \(ordered[0].fee.decimalString) \(amount.currency))"
                     + (ordered.count > 1 ? "; fallbacks on a system error: \(ordered.dropFirst().map(\.account.id).joined(separator: ", "))" : ""))
        return ordered
    }

    func describe(_ options: [RouteDecision.Option], _ detail: (RouteDecision.Option) -> String) -> String {
        options.map { "\($0.account.id) (\(detail($0)))" }.joined(separator: " < ")
    }

    /// One draw in proportion to the weights; the others follow by weight, then priority.
    func weighted(_ options: [RouteDecision.Option], steps: inout [String]) -> [RouteDecision.Option] {
        let total = options.reduce(0) { $0 + max(0, $1.weight) }
        let shares = options.map { "\($0.account.id) \($0.weight)" }.joined(separator: ", ")
        guard total > 0 else {
            steps.append("weighted: no candidate left with a weight above 0 (\(shares)); by priority")
            return options
        }
        var ticket = Int(random.below(UInt64(total)))
        var pick = 0
        for (index, candidate) in options.enumerated() {
            let weight = max(0, candidate.weight)
            if ticket < weight { pick = index; break }
            ticket -= weight
        }
        let first = options[pick]
        let rest = options.enumerated().filter { $0.offset != pick }.map(\.element)
            .sorted { $0.weight > $1.weight }  // stable: ties keep priority order
        let percent = (first.weight * 1000 / total + 5) / 10
        steps.append("weighted split \(shares) of \(total): this payment drew \(first.account.id) (\(percent)% of volume)")
        return [first] + rest
    }

    /// The best smoothed success rate over the window first; with the exploration share, one of
    /// the others instead.
    func successRate(_ options: [RouteDecision.Option], now: Timestamp, steps: inout [String]) throws -> [RouteDecision.Option] {
        let since = now.adding(milliseconds: -successWindowMilliseconds)
        var rates: [String: Double] = [:]
        var texts: [String] = []
        for candidate in options {
            let outcomes = try context.store.paymentHistory.outcomes(account: candidate.account.id, since: since)
            // why: Laplace smoothing, so an account with no recent traffic is neither best nor worst by accident.
            let rate = (Double(outcomes.succeeded) + 1) / (Double(outcomes.measured) + 2)
            rates[candidate.account.id] = rate
            texts.append("\(candidate.account.id) \(outcomes.succeeded)/\(outcomes.measured) ok (\(Int((rate * 100).rounded()))%)")
        }
        let ranked = options.sorted { rates[$0.account.id]! > rates[$1.account.id]! }  // stable on ties
        steps.append("success rate over the last \(successWindowMilliseconds / 60_000) min: \(texts.joined(separator: ", "))")
        guard ranked.count > 1, random.chance(explorationShare) else { return ranked }
        let pick = 1 + Int(random.below(UInt64(ranked.count - 1)))
        steps.append("exploring: \(ranked[pick].account.id) takes this payment (\(Int(explorationShare * 100))% of traffic stays on the others)")
        return [ranked[pick]] + ranked.enumerated().filter { $0.offset != pick }.map(\.element)
    }
}
