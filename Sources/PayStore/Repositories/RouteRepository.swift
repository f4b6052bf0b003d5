import PayCore

/// Routing rules and their candidate channel accounts.
public struct RouteRepository {
    let db: Connection

    /// Inserts a rule with its candidates; returns it with its id. A duplicate name, an unknown
    /// account, a range without a currency or an empty candidate list is refused.
    @discardableResult
    public func insert(_ rule: RouteRule, at now: Timestamp) throws -> RouteRule {
        guard !rule.candidates.isEmpty else { throw PayError.invalidInput("route '\(rule.name)': no candidate accounts") }
        if (rule.minMinor != nil || rule.maxMinor != nil) && rule.currency == nil {
            throw PayError.invalidInput("route '\(rule.name)': an amount range needs a currency")
        }
        if try db.row("SELECT 1 FROM route_rules WHERE name = ?", [rule.name]) != nil {
            throw PayError.conflict("route '\(rule.name)': a rule of that name exists")
        }
        for candidate in rule.candidates where try db.row("SELECT 1 FROM channel_accounts WHERE id = ?", [candidate.accountId]) == nil {
            throw PayError.invalidInput("route '\(rule.name)': channel account '\(candidate.accountId)' does not exist")
        }
        try db.execute("""
            INSERT INTO route_rules (name, business_line, method, currency, min_minor, max_minor, strategy, position, enabled, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [rule.name, rule.businessLine?.rawValue, rule.method.rawValue, rule.currency?.code, rule.minMinor, rule.maxMinor,
                  rule.strategy.rawValue, rule.position, rule.enabled, now.milliseconds])
        let id = db.lastInsertRowID
        for candidate in rule.candidates {
            try db.execute("""
                INSERT INTO route_candidates (rule_id, account_id, priority, weight, fee_rate_bps, fee_fixed_minor)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [id, candidate.accountId, candidate.priority, candidate.weight, candidate.feeRateBps, candidate.feeFixedMinor])
        }
        guard let stored = try find(id: id) else { throw PayError.internal("route rule vanished after insert") }
        return stored
    }

    /// Every rule in the order they are tried.
    public func all() throws -> [RouteRule] {
        try decode(db.rows("SELECT * FROM route_rules ORDER BY position, id"))
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

    func decode(_ rows: [Row]) throws -> [RouteRule] {
        try rows.map { row in
            let id = row.int64("id")
            let candidates = try db.rows("""
                SELECT account_id, priority, weight, fee_rate_bps, fee_fixed_minor FROM route_candidates
                WHERE rule_id = ? ORDER BY priority, account_id
                """, [id]).map { c in
                RouteRule.Candidate(accountId: c.string("account_id"), priority: c.int("priority"), weight: c.int("weight"),
                                    feeRateBps: c.optionalInt64("fee_rate_bps"), feeFixedMinor: c.optionalInt64("fee_fixed_minor"))
            }
            return RouteRule(
                id: id, name: row.string("name"),
                businessLine: try row.optionalString("business_line").map { text throws(PayError) in try BusinessLineCode(text) },
                method: try PaymentMethod.parse(row.string("method")),
                currency: try row.optionalString("currency").map { text throws(PayError) in try Currency.parse(text) },
                minMinor: row.optionalInt64("min_minor"), maxMinor: row.optionalInt64("max_minor"),
                strategy: try RouteRule.Strategy.parse(row.string("strategy")),
                position: row.int("position"), enabled: row.bool("enabled"), candidates: candidates)
        }
    }
}
