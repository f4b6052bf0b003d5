import PayCore
import PayStore

/// Adding, changing and removing routing rules (admin: `manageRouting`). Each change is checked
/// for permission first, validated (business line, accounts, range, weights) with nothing written
/// on a refusal, made as a guarded write and recorded in the audit log in the same transaction.
extension RoutingService {
    /// The highest weight a candidate may carry; weights are shares, not amounts.
    public static let maxWeight = 10_000
    /// The highest position a rule may take.
    public static let maxPosition = 1_000_000

    /// The rule of that name; `notFound` naming the known ones otherwise.
    public func rule(named name: String) throws(PayError) -> RouteRule {
        let store = context.store
        return try store.read { try Self.require(name, in: store) }
    }

    /// Adds a rule. `rule.position` 0 puts it after the last rule. A name taken is a conflict.
    @discardableResult
    public func addRule(_ rule: RouteRule) throws(PayError) -> RouteRule {
        try Authorizer.require(.manageRouting, actor: context.actor)
        try Self.checkName(rule.name)
        let store = context.store
        let now = context.now
        return try store.write {
            var placed = rule
            if rule.position == 0 {
                placed = RouteRule(name: rule.name, businessLine: rule.businessLine, method: rule.method, currency: rule.currency,
                                   minMinor: rule.minMinor, maxMinor: rule.maxMinor, strategy: rule.strategy,
                                   position: try store.routes.nextPosition(), enabled: rule.enabled, candidates: rule.candidates)
            }
            try validate(placed, in: store)
            let stored = try store.routes.insert(placed, at: now)
            try AuditLog(context).append(actor: context.actor, action: "route.add", target: "route:\(stored.name)",
                                         detail: Self.summary(stored))
            return stored
        }
    }

    /// Changes the rule `old` (as the caller read it, from `rule(named:)`) to `new`; the name and
    /// method stay. Someone else's change in between is a conflict and nothing is written.
    @discardableResult
    public func updateRule(_ old: RouteRule, to new: RouteRule) throws(PayError) -> RouteRule {
        try Authorizer.require(.manageRouting, actor: context.actor)
        guard new.name == old.name, new.method == old.method else {
            throw PayError.invalidInput("route '\(old.name)': the name and method of a rule stay; remove it and add another")
        }
        let store = context.store
        return try store.write {
            try validate(new, in: store)
            let stored = try store.routes.update(old, to: new)
            try AuditLog(context).append(actor: context.actor, action: "route.set", target: "route:\(stored.name)",
                                         detail: "\(Self.summary(old)) → \(Self.summary(stored))")
            return stored
        }
    }

    /// Removes the rule of that name. Payments it would have routed go to the next rule that covers them.
    @discardableResult
    public func removeRule(named name: String) throws(PayError) -> RouteRule {
        try Authorizer.require(.manageRouting, actor: context.actor)
        let store = context.store
        return try store.write {
            let rule = try Self.require(name, in: store)
            try store.routes.delete(rule)
            try AuditLog(context).append(actor: context.actor, action: "route.remove", target: "route:\(rule.name)",
                                         detail: Self.summary(rule))
            return rule
        }
    }

    // MARK: - Checks

    static func require(_ name: String, in store: Store) throws -> RouteRule {
        if let rule = try store.routes.find(name: name) { return rule }
        let known = try store.routes.all().map(\.name)
        throw PayError.notFound("route '\(name)': no rule of that name (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
    }

    static func checkName(_ name: String) throws(PayError) {
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ".") })
        else {
            throw PayError.invalidInput("route name '\(name)': use 1–64 letters, digits, '-', '_' or '.'").about("name")
        }
    }

    /// What a rule must be before it is written; throws invalid input naming the part at fault.
    func validate(_ rule: RouteRule, in store: Store) throws {
        if let line = rule.businessLine { _ = try store.businessLines.require(line) }
        guard !rule.candidates.isEmpty else {
            throw PayError.invalidInput("route '\(rule.name)': give at least one channel account").about("account")
        }
        let accounts = try store.channelAccounts.all()
        var seen = Set<String>()
        for candidate in rule.candidates {
            guard accounts.contains(where: { $0.id == candidate.accountId }) else {
                let known = accounts.map(\.id)
                throw PayError.invalidInput("channel account '\(candidate.accountId)': unknown (known: \(known.isEmpty ? "none; add one with `paydesk account add`" : known.joined(separator: ", ")))").about("account")
            }
            guard seen.insert(candidate.accountId).inserted else {
                throw PayError.invalidInput("channel account '\(candidate.accountId)': named twice in route '\(rule.name)'").about("account")
            }
            guard (0...Self.maxWeight).contains(candidate.weight) else {
                throw PayError.invalidInput("weight \(candidate.weight) of '\(candidate.accountId)': a whole number from 0 to \(Self.maxWeight)").about("account")
            }
        }
        if rule.strategy == .weighted && rule.candidates.allSatisfy({ $0.weight == 0 }) {
            throw PayError.invalidInput("route '\(rule.name)': a weighted rule needs a candidate with a weight above 0").about("account")
        }
        if (rule.minMinor != nil || rule.maxMinor != nil) && rule.currency == nil {
            throw PayError.invalidInput("route '\(rule.name)': an amount range needs a currency").about("currency")
        }
        if let currency = rule.currency {
            if let min = rule.minMinor, min < 0 {
                throw PayError.invalidInput("minimum \(Money(minorUnits: min, currency: currency).decimalString): not below 0").about("min")
            }
            if let min = rule.minMinor, let max = rule.maxMinor, min > max {
                throw PayError.invalidInput("amount range \(Money(minorUnits: min, currency: currency).decimalString)–\(Money(minorUnits: max, currency: currency).decimalString): the minimum is above the maximum").about("min")
            }
        }
        guard (1...Self.maxPosition).contains(rule.position) else {
            throw PayError.invalidInput("position \(rule.position): a whole number from 1 to \(Self.maxPosition)").about("position")
        }
    }

    /// "card [lowest-fee] business any, method card, … → acquirer-a, acquirer-b×3" for the audit log.
    static func summary(_ rule: RouteRule) -> String {
        let accounts = rule.candidates.map { rule.strategy == .weighted ? "\($0.accountId)×\($0.weight)" : $0.accountId }
        return "[\(rule.strategy.rawValue)] position \(rule.position)\(rule.enabled ? "" : " disabled"), \(rule.scopeDescription) → "
            + accounts.joined(separator: ", ")
    }
}
