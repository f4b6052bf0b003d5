import PayCore

/// One row of `alert_rules`.
public struct AlertRuleRow: Sendable, Hashable {
    public let name: String
    /// `expression` or `event`.
    public let kind: String
    public let expression: String
    public let forMilliseconds: Int64
    public let keepFiringForMilliseconds: Int64
    public let severity: String
    /// `AlertLabels.fingerprint` text.
    public let labels: String
    public let summary: String
    public let enabled: Bool
    public let builtIn: Bool
    public let createdBy: String
    public let createdAt: Timestamp

    public init(name: String, kind: String, expression: String, forMilliseconds: Int64, keepFiringForMilliseconds: Int64,
                severity: String, labels: String, summary: String, enabled: Bool, builtIn: Bool, createdBy: String, createdAt: Timestamp) {
        self.name = name
        self.kind = kind
        self.expression = expression
        self.forMilliseconds = forMilliseconds
        self.keepFiringForMilliseconds = keepFiringForMilliseconds
        self.severity = severity
        self.labels = labels
        self.summary = summary
        self.enabled = enabled
        self.builtIn = builtIn
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    init(_ row: Row) {
        self.init(name: row.string("name"), kind: row.string("kind"), expression: row.string("expression"),
                  forMilliseconds: row.int64("for_ms"), keepFiringForMilliseconds: row.int64("keep_firing_ms"),
                  severity: row.string("severity"), labels: row.string("labels"), summary: row.string("summary"),
                  enabled: row.bool("enabled"), builtIn: row.bool("built_in"), createdBy: row.string("created_by"),
                  createdAt: Timestamp(milliseconds: row.int64("created_at")))
    }
}

/// Alert rules as data (the built-in ones are seeded by schema version 15).
public struct AlertRuleRepository {
    let db: Connection

    public func all() throws -> [AlertRuleRow] {
        try db.rows("SELECT * FROM alert_rules ORDER BY kind DESC, name").map(AlertRuleRow.init)
    }

    public func find(_ name: String) throws -> AlertRuleRow? {
        try db.row("SELECT * FROM alert_rules WHERE name = ?", [name]).map(AlertRuleRow.init)
    }

    /// Adds a rule; false when one of that name exists.
    public func insert(_ rule: AlertRuleRow) throws -> Bool {
        try db.execute("""
            INSERT INTO alert_rules (name, kind, expression, for_ms, keep_firing_ms, severity, labels, summary, enabled, built_in,
                                     created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, [rule.name, rule.kind, rule.expression, rule.forMilliseconds, rule.keepFiringForMilliseconds, rule.severity,
                  rule.labels, rule.summary, rule.enabled, rule.builtIn, rule.createdBy, rule.createdAt.milliseconds]) == 1
    }

    /// Enables or disables a rule; false when it is already so (or does not exist).
    public func setEnabled(_ name: String, _ enabled: Bool) throws -> Bool {
        try db.execute("UPDATE alert_rules SET enabled = ? WHERE name = ? AND enabled = ?", [enabled, name, !enabled]) == 1
    }
}

/// One row of `alert_silences`.
public struct SilenceRow: Sendable, Hashable {
    public let id: Int64
    /// The matchers as `AlertLabels.fingerprint` text.
    public let matchers: String
    public let reason: String
    public let createdBy: String
    public let createdAt: Timestamp
    public let expiresAt: Timestamp
    public let endedAt: Timestamp?

    init(_ row: Row) {
        id = row.int64("id")
        matchers = row.string("matchers")
        reason = row.string("reason")
        createdBy = row.string("created_by")
        createdAt = Timestamp(milliseconds: row.int64("created_at"))
        expiresAt = Timestamp(milliseconds: row.int64("expires_at"))
        endedAt = row.optionalInt64("ended_at").map(Timestamp.init(milliseconds:))
    }

    /// In force at `now`: not ended and not expired.
    public func isActive(at now: Timestamp) -> Bool { endedAt == nil && now < expiresAt }
}

/// Silences: matchers, reason, creator, expiry; ended early by a guarded update.
public struct SilenceRepository {
    let db: Connection

    public func insert(matchers: String, reason: String, createdBy: String, at now: Timestamp, expiresAt: Timestamp) throws -> Int64 {
        try db.execute("INSERT INTO alert_silences (matchers, reason, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                       [matchers, reason, createdBy, now.milliseconds, expiresAt.milliseconds])
        return db.lastInsertRowID
    }

    public func find(_ id: Int64) throws -> SilenceRow? {
        try db.row("SELECT * FROM alert_silences WHERE id = ?", [id]).map(SilenceRow.init)
    }

    /// Silences in force at `now`, oldest first.
    public func active(at now: Timestamp) throws -> [SilenceRow] {
        try db.rows("SELECT * FROM alert_silences WHERE ended_at IS NULL AND expires_at > ? ORDER BY id", [now.milliseconds])
            .map(SilenceRow.init)
    }

    /// Every silence, newest first (the most recent 500).
    public func all() throws -> [SilenceRow] {
        try db.rows("SELECT * FROM alert_silences ORDER BY id DESC LIMIT 500").map(SilenceRow.init)
    }

    /// Ends a silence in force; false when it had ended or expired already.
    public func end(_ id: Int64, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE alert_silences SET ended_at = ? WHERE id = ? AND ended_at IS NULL AND expires_at > ?",
                       [now.milliseconds, id, now.milliseconds]) == 1
    }
}

extension Store {
    public var alertRules: AlertRuleRepository { AlertRuleRepository(db: db) }
    public var silences: SilenceRepository { SilenceRepository(db: db) }
}
