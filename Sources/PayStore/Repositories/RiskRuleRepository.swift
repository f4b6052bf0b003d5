import PayCore

/// A risk rule as stored: its name, its action and the expression text (parsed by the risk service).
public struct RiskRuleRecord: Hashable, Sendable {
    /// What a matching rule asks for.
    public enum Action: String, Sendable, CaseIterable {
        case allow
        case block
        case challenge

        public static func parse(_ text: String, field: String = "action") throws(PayError) -> Action {
            if let action = Action(rawValue: text.lowercased()) { return action }
            throw PayError.invalidInput("\(field) '\(text)': unknown action (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    public let id: Int64
    public let name: String
    public let action: Action
    public let expression: String
    public let enabled: Bool
    public let createdBy: String?
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    public init(id: Int64, name: String, action: Action, expression: String, enabled: Bool, createdBy: String?,
                createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.name = name
        self.action = action
        self.expression = expression
        self.enabled = enabled
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Risk rules. The caller checks that an expression parses before it is inserted.
public struct RiskRuleRepository {
    let db: Connection

    /// Inserts a rule; a name already taken is a conflict.
    @discardableResult
    public func insert(name: String, action: RiskRuleRecord.Action, expression: String, createdBy: String?,
                       at now: Timestamp) throws -> RiskRuleRecord {
        if try db.row("SELECT 1 FROM risk_rules WHERE name = ?", [name]) != nil {
            throw PayError.conflict("risk rule '\(name)': a rule of that name exists")
        }
        try db.execute("""
            INSERT INTO risk_rules (name, action, expression, enabled, created_by, created_at, updated_at)
            VALUES (?, ?, ?, 1, ?, ?, ?)
            """, [name, action.rawValue, expression, createdBy, now.milliseconds, now.milliseconds])
        guard let stored = try find(name: name) else { throw PayError.internal("risk rule vanished after insert") }
        return stored
    }

    /// Enables or disables a rule: a guarded update from the opposite state. Returns false when
    /// nothing changed (no such rule, or already in that state).
    @discardableResult
    public func setEnabled(name: String, _ enabled: Bool, at now: Timestamp) throws -> Bool {
        // why max(…, updated_at + 1): `fingerprint` must change even when the clock (a simulated one)
        // has not moved since the rule's last change, or a cached rule book keeps the old state.
        try db.execute("""
            UPDATE risk_rules SET enabled = ?, updated_at = max(?, updated_at + 1) WHERE name = ? AND enabled = ?
            """, [enabled, now.milliseconds, name, !enabled]) == 1
    }

    public func find(name: String) throws -> RiskRuleRecord? {
        try db.row("SELECT * FROM risk_rules WHERE name = ?", [name]).map(Self.decode)
    }

    /// Every rule, in the order they were added.
    public func all() throws -> [RiskRuleRecord] {
        try db.rows("SELECT * FROM risk_rules ORDER BY id").map(Self.decode)
    }

    /// A fingerprint that changes whenever a rule is added, changed or removed (for parse caches).
    public func fingerprint() throws -> String {
        guard let row = try db.row("SELECT count(*) AS n, coalesce(max(id), 0) AS top, coalesce(max(updated_at), 0) AS changed FROM risk_rules") else { return "" }
        return "\(row.int64("n"))/\(row.int64("top"))/\(row.int64("changed"))"
    }

    static func decode(_ row: Row) throws -> RiskRuleRecord {
        RiskRuleRecord(id: row.int64("id"), name: row.string("name"),
                       action: try RiskRuleRecord.Action.parse(row.string("action")),
                       expression: row.string("expression"), enabled: row.bool("enabled"),
                       createdBy: row.optionalString("created_by"),
                       createdAt: Timestamp(milliseconds: row.int64("created_at")),
                       updatedAt: Timestamp(milliseconds: row.int64("updated_at")))
    }
}
