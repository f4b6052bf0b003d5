import PayCore

/// Routing rules and their candidate channel accounts.
public struct RouteRepository {
    let db: Connection

    /// Inserts a rule with its candidates; returns it with its id. A duplicate name, an unknown
    /// account, a range without a currency or an empty candidate list is refused.
    @discardableResult
    public func insert(_ rule: RouteRule, at now: Timestamp) throws -> RouteRule {
        try check(rule)
        if try db.row("SELECT 1 FROM route_rules WHERE name = ?", [rule.name]) != nil {
            throw PayError.conflict("route '\(rule.name)': a rule of that name exists")
        }
        try db.execute("""
            INSERT INTO route_rules (name, business_line, method, currency, min_minor, max_minor, strategy, position, enabled, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [rule.name, rule.businessLine?.rawValue, rule.method.rawValue, rule.currency?.code, rule.minMinor, rule.maxMinor,
                  rule.strategy.rawValue, rule.position, rule.enabled, now.milliseconds])
        let id = db.lastInsertRowID
        try insertCandidates(rule.candidates, of: id)
        guard let stored = try find(id: id) else { throw PayError.internal("route rule vanished after insert") }
        return stored
    }

    /// Changes a rule (scope, strategy, position, enabled, candidates; the name stays) from `old`,
    /// as the caller read it, to `new`. A guarded update: when another writer changed the rule
    /// meanwhile nothing is written (conflict). The candidates are replaced as a whole.
    @discardableResult
    public func update(_ old: RouteRule, to new: RouteRule) throws -> RouteRule {
        try check(new)
        let changed = try db.execute("""
            UPDATE route_rules SET business_line = ?, currency = ?, min_minor = ?, max_minor = ?, strategy = ?, position = ?, enabled = ?
            WHERE id = ? AND name = ? AND method = ? AND business_line IS ? AND currency IS ? AND min_minor IS ? AND max_minor IS ?
              AND strategy = ? AND position = ? AND enabled = ?
            """, [new.businessLine?.rawValue, new.currency?.code, new.minMinor, new.maxMinor, new.strategy.rawValue, new.position,
                  new.enabled,
                  old.id, old.name, old.method.rawValue, old.businessLine?.rawValue, old.currency?.code, old.minMinor, old.maxMinor,
                  old.strategy.rawValue, old.position, old.enabled])
        guard changed == 1, try candidates(of: old.id) == old.candidates else {
            throw PayError.conflict("route '\(old.name)': changed by someone else meanwhile; nothing written, look again (`paydesk route list`)")
        }
        try db.execute("DELETE FROM route_candidates WHERE rule_id = ?", [old.id])
        try insertCandidates(new.candidates, of: old.id)
        guard let stored = try find(id: old.id) else { throw PayError.internal("route rule vanished after update") }
        return stored
    }

    /// Removes a rule and its candidates, guarded by the rule's id and name as read: a rule
    /// removed meanwhile is not found.
    public func delete(_ rule: RouteRule) throws {
        try db.execute("DELETE FROM route_candidates WHERE rule_id = ?", [rule.id])
        guard try db.execute("DELETE FROM route_rules WHERE id = ? AND name = ?", [rule.id, rule.name]) == 1 else {
            throw PayError.notFound("route '\(rule.name)': removed by someone else meanwhile")
        }
    }

    /// The rule of that name, or nil.
    public func find(name: String) throws -> RouteRule? {
        try decode(db.rows("SELECT * FROM route_rules WHERE name = ?", [name])).first
    }

    /// The position after the last rule's, leaving room (10) to slot one in between.
    public func nextPosition() throws -> Int {
        Int(try db.scalarInt("SELECT coalesce(max(position), 0) FROM route_rules") ?? 0) + 10
    }

    /// What the store cannot say in a constraint's words: candidates, a range's currency, accounts.
    func check(_ rule: RouteRule) throws {
        guard !rule.candidates.isEmpty else { throw PayError.invalidInput("route '\(rule.name)': no candidate accounts") }
        if (rule.minMinor != nil || rule.maxMinor != nil) && rule.currency == nil {
            throw PayError.invalidInput("route '\(rule.name)': an amount range needs a currency")
        }
        for candidate in rule.candidates where try db.row("SELECT 1 FROM channel_accounts WHERE id = ?", [candidate.accountId]) == nil {
            throw PayError.invalidInput("route '\(rule.name)': channel account '\(candidate.accountId)' does not exist")
        }
    }

    func insertCandidates(_ candidates: [RouteRule.Candidate], of id: Int64) throws {
        for candidate in candidates {
            try db.execute("""
                INSERT INTO route_candidates (rule_id, account_id, priority, weight, fee_rate_bps, fee_fixed_minor)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [id, candidate.accountId, candidate.priority, candidate.weight, candidate.feeRateBps, candidate.feeFixedMinor])
        }
    }

    /// Every rule in the order they are tried.
    public func all() throws -> [RouteRule] {
        try decode(db.rows("SELECT * FROM route_rules ORDER BY position, id"))
    }

    /// Every rule with its candidates, in the order they are tried, in two statements (a
    /// process's cache of the rules, read again only when their version moves).
    public func allWithCandidates() throws -> [RouteRule] {
        var candidates: [Int64: [RouteRule.Candidate]] = [:]
        for c in try db.rows("""
            SELECT rule_id, account_id, priority, weight, fee_rate_bps, fee_fixed_minor FROM route_candidates
            ORDER BY rule_id, priority, account_id
            """) {
            candidates[c.int64("rule_id"), default: []].append(Self.candidate(c))
        }
        return try db.rows("SELECT * FROM route_rules ORDER BY position, id").map { row in
            try Self.rule(row, candidates: candidates[row.int64("id")] ?? [])
        }
    }

    /// The rules for one method, in the order they are tried (one indexed query plus the candidates).
    public func forMethod(_ method: PaymentMethod) throws -> [RouteRule] {
        try decode(db.rows("SELECT * FROM route_rules WHERE method = ? ORDER BY position, id", [method.rawValue]))
    }

    /// The enabled rules that cover a payment, in the order they are tried, at most `limit`: one
    /// query on (method, position) that filters in SQL, so many rules cost one index range.
    public func matching(businessLine: BusinessLineCode, method: PaymentMethod, amount: Money, limit: Int = 8) throws -> [RouteRule] {
        try decode(db.rows("""
            SELECT * FROM route_rules
            WHERE method = ? AND enabled = 1 AND (business_line IS NULL OR business_line = ?) AND (currency IS NULL OR currency = ?)
              AND (min_minor IS NULL OR min_minor <= ?) AND (max_minor IS NULL OR max_minor >= ?)
            ORDER BY position, id LIMIT ?
            """, [method.rawValue, businessLine.rawValue, amount.currency.code, amount.minorUnits, amount.minorUnits, limit]))
    }

    public func find(id: Int64) throws -> RouteRule? {
        try decode(db.rows("SELECT * FROM route_rules WHERE id = ?", [id])).first
    }

    public func count() throws -> Int64 { try db.scalarInt("SELECT count(*) FROM route_rules") ?? 0 }

    func candidates(of id: Int64) throws -> [RouteRule.Candidate] {
        try db.rows("""
            SELECT account_id, priority, weight, fee_rate_bps, fee_fixed_minor FROM route_candidates
            WHERE rule_id = ? ORDER BY priority, account_id
            """, [id]).map(Self.candidate)
    }

    func decode(_ rows: [Row]) throws -> [RouteRule] {
        try rows.map { row in try Self.rule(row, candidates: try candidates(of: row.int64("id"))) }
    }

    static func candidate(_ c: Row) -> RouteRule.Candidate {
        RouteRule.Candidate(accountId: c.string("account_id"), priority: c.int("priority"), weight: c.int("weight"),
                            feeRateBps: c.optionalInt64("fee_rate_bps"), feeFixedMinor: c.optionalInt64("fee_fixed_minor"))
    }

    static func rule(_ row: Row, candidates: [RouteRule.Candidate]) throws -> RouteRule {
        RouteRule(
            id: row.int64("id"), name: row.string("name"),
            businessLine: try row.optionalString("business_line").map { text throws(PayError) in try BusinessLineCode(text) },
            method: try PaymentMethod.parse(row.string("method")),
            currency: try row.optionalString("currency").map { text throws(PayError) in try Currency.parse(text) },
            minMinor: row.optionalInt64("min_minor"), maxMinor: row.optionalInt64("max_minor"),
            strategy: try RouteRule.Strategy.parse(row.string("strategy")),
            position: row.int("position"), enabled: row.bool("enabled"), candidates: candidates)
    }
}
