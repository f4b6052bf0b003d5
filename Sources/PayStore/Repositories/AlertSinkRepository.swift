import PayCore

/// One alert sink as stored, secret included (only the deliverer and the creator see it).
public struct AlertSinkRecord: Sendable, Hashable {
    public let id: Int64
    public let name: String
    public let kind: AlertSinkKind
    /// An http(s) URL (webhook, DingTalk) or a phone number (SMS).
    public let target: String
    public let secret: String
    public let minSeverity: AlertSeverity
    /// The bucket's size: the most notices sent in a burst.
    public let capacity: Int64
    /// Tokens added per minute.
    public let refillPerMinute: Int64
    /// Tokens held when last refilled, in thousandths of a token.
    public let milliTokens: Int64
    public let refilledAt: Timestamp
    /// Notices that took a token (queued for delivery) and notices dropped for want of one.
    public let sent: Int64
    public let dropped: Int64
    public let enabled: Bool
    public let createdBy: String
    public let createdAt: Timestamp
}

/// The alert sinks and their token buckets (schema 16).
public struct AlertSinkRepository {
    let db: Connection

    /// Adds a sink with a full bucket. A name taken already is a unique violation (the caller
    /// looks first; the constraint settles a race).
    @discardableResult
    public func insert(name: String, kind: AlertSinkKind, target: String, secret: String, minSeverity: AlertSeverity,
                       capacity: Int64, refillPerMinute: Int64, createdBy: String, at now: Timestamp) throws -> Int64 {
        try db.execute("""
            INSERT INTO alert_sinks (name, kind, target, secret, min_severity, capacity, refill_per_minute, tokens,
                                     refilled_at, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [name, kind.rawValue, target, secret, minSeverity.rawValue, capacity, refillPerMinute, capacity * 1000,
                  now.milliseconds, createdBy, now.milliseconds])
        return db.lastInsertRowID
    }

    public func all() throws -> [AlertSinkRecord] {
        try db.rows("SELECT * FROM alert_sinks ORDER BY name").map(Self.decode)
    }

    public func enabled() throws -> [AlertSinkRecord] {
        try db.rows("SELECT * FROM alert_sinks WHERE enabled = ? ORDER BY id", [true]).map(Self.decode)
    }

    public func find(name: String) throws -> AlertSinkRecord? {
        try db.row("SELECT * FROM alert_sinks WHERE name = ?", [name]).map(Self.decode)
    }

    public func find(id: Int64) throws -> AlertSinkRecord? {
        try db.row("SELECT * FROM alert_sinks WHERE id = ?", [id]).map(Self.decode)
    }

    /// Takes one token from the sink's bucket, refilling it first for the time passed, in ONE
    /// guarded UPDATE: the refill and the spend are computed by the database from the row as it
    /// is when the update runs, and the update happens only when the refilled bucket holds a whole
    /// token. Two processes racing on one bucket therefore never spend more than it holds, and
    /// no read-modify-write window exists. True when a token was taken (and `sent` counted).
    ///
    /// Refill: `elapsed ms × refill_per_minute / 60` milli-tokens, capped at the capacity.
    /// `refilled_at` moves to now only when something was credited (or the bucket is full), so
    /// frequent calls lose at most one milli-token of refill each, never the whole interval.
    public func takeToken(_ id: Int64, at now: Timestamp) throws -> Bool {
        let credit = "(CASE WHEN ? > refilled_at THEN (? - refilled_at) * refill_per_minute / 60 ELSE 0 END)"
        let refilled = "(CASE WHEN tokens + \(credit) >= capacity * 1000 THEN capacity * 1000 ELSE tokens + \(credit) END)"
        // why counted: SET reads `credit` four times and `now` once more, WHERE reads `refilled` (4).
        let now7 = StatementArguments(repeating: now.milliseconds, count: 7)
        let now4 = StatementArguments(repeating: now.milliseconds, count: 4)
        return try db.execute("""
            UPDATE alert_sinks
            SET tokens = \(refilled) - 1000,
                refilled_at = CASE WHEN \(credit) > 0 OR tokens >= capacity * 1000 THEN ? ELSE refilled_at END,
                sent = sent + 1
            WHERE id = ? AND enabled = ? AND \(refilled) >= 1000
            """, now7 + [id, true] + now4) == 1
    }

    /// Counts a notice dropped because the bucket was empty.
    public func countDropped(_ id: Int64) throws {
        _ = try db.execute("UPDATE alert_sinks SET dropped = dropped + 1 WHERE id = ?", [id])
    }

    /// Turns a sink on or off; false when it already was.
    public func setEnabled(name: String, _ enabled: Bool) throws -> Bool {
        try db.execute("UPDATE alert_sinks SET enabled = ? WHERE name = ? AND enabled = ?", [enabled, name, !enabled]) == 1
    }

    static func decode(_ row: Row) throws -> AlertSinkRecord {
        let kindText = row.string("kind")
        let severityText = row.string("min_severity")
        guard let kind = AlertSinkKind(rawValue: kindText), let severity = AlertSeverity(rawValue: severityText) else {
            throw PayError.internal("alert sink #\(row.int64("id")): unknown kind '\(kindText)' or severity '\(severityText)'")
        }
        return AlertSinkRecord(id: row.int64("id"), name: row.string("name"), kind: kind, target: row.string("target"),
                               secret: row.string("secret"), minSeverity: severity, capacity: row.int64("capacity"),
                               refillPerMinute: row.int64("refill_per_minute"), milliTokens: row.int64("tokens"),
                               refilledAt: Timestamp(milliseconds: row.int64("refilled_at")), sent: row.int64("sent"),
                               dropped: row.int64("dropped"), enabled: row.bool("enabled"), createdBy: row.string("created_by"),
                               createdAt: Timestamp(milliseconds: row.int64("created_at")))
    }
}

extension Store {
    public var alertSinks: AlertSinkRepository { AlertSinkRepository(db: db) }
}
