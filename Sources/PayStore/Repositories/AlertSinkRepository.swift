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
    /// Tokens held when last refilled, in `AlertSinkRepository.partsPerToken`ths of a token.
    public let tokenParts: Int64
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

    /// A bucket counts tokens in 60,000ths: a rate of N tokens a minute then adds exactly N parts
    /// a millisecond, so refills are whole numbers and no fraction is lost between two calls.
    public static let partsPerToken: Int64 = 60_000

    /// Adds a sink with a full bucket. A name taken already is a unique violation (the caller
    /// looks first; the constraint settles a race).
    @discardableResult
    public func insert(name: String, kind: AlertSinkKind, target: String, secret: String, minSeverity: AlertSeverity,
                       capacity: Int64, refillPerMinute: Int64, createdBy: String, at now: Timestamp) throws -> Int64 {
        try db.execute("""
            INSERT INTO alert_sinks (name, kind, target, secret, min_severity, capacity, refill_per_minute, tokens,
                                     refilled_at, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [name, kind.rawValue, target, secret, minSeverity.rawValue, capacity, refillPerMinute, capacity * Self.partsPerToken,
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
    /// Refill: `elapsed ms × refill_per_minute` parts, capped at the capacity; a clock that went
    /// back credits nothing.
    public func takeToken(_ id: Int64, at now: Timestamp) throws -> Bool {
        let credit = "(CASE WHEN ? > refilled_at THEN (? - refilled_at) * refill_per_minute ELSE 0 END)"
        let full = "capacity * \(Self.partsPerToken)"
        let refilled = "(CASE WHEN tokens + \(credit) >= \(full) THEN \(full) ELSE tokens + \(credit) END)"
        // why counted: SET reads `refilled` (4 parameters) and `now` once more; WHERE reads `refilled` again.
        let before = StatementArguments(repeating: now.milliseconds, count: 5)
        let after = StatementArguments(repeating: now.milliseconds, count: 4)
        return try db.execute("""
            UPDATE alert_sinks
            SET tokens = \(refilled) - \(Self.partsPerToken),
                refilled_at = CASE WHEN ? > refilled_at THEN ? ELSE refilled_at END,
                sent = sent + 1
            WHERE id = ? AND enabled = ? AND \(refilled) >= \(Self.partsPerToken)
            """, before + [now.milliseconds] + [id, true] + after) == 1
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
                               refillPerMinute: row.int64("refill_per_minute"), tokenParts: row.int64("tokens"),
                               refilledAt: Timestamp(milliseconds: row.int64("refilled_at")), sent: row.int64("sent"),
                               dropped: row.int64("dropped"), enabled: row.bool("enabled"), createdBy: row.string("created_by"),
                               createdAt: Timestamp(milliseconds: row.int64("created_at")))
    }
}

extension Store {
    public var alertSinks: AlertSinkRepository { AlertSinkRepository(db: db) }
}
