import PayCore

/// A raised alert as the panel shows it.
public struct AlertRecord: Sendable, Hashable {
    public let id: Int64
    public let rule: String
    public let key: String
    public let severity: String
    public let state: String
    public let message: String
    public let count: Int64
    public let firstAt: Timestamp
    public let lastAt: Timestamp
    public let ackedBy: String?
}

/// Alerts with throttling: one open alert per (rule, key); a firing while one is open (FIRING or
/// ACKNOWLEDGED) only counts on it, so a failing job never raises a storm.
public struct AlertRepository {
    let db: Connection

    public enum State {
        public static let firing = "FIRING"
        public static let acknowledged = "ACKNOWLEDGED"
        public static let resolved = "RESOLVED"
    }

    /// Raises or counts the alert; returns its id and whether it was new.
    @discardableResult
    public func fire(rule: String, key: String, severity: String, message: String, at now: Timestamp) throws -> (id: Int64, new: Bool) {
        // why: alert text quotes reasons and channel messages; card data in them is never kept.
        let message = CardNumberMask.mask(message)
        if let row = try db.row("SELECT id FROM alerts WHERE rule = ? AND key = ? AND state <> ? ORDER BY id DESC LIMIT 1",
                                [rule, key, State.resolved]) {
            let id = row.int64("id")
            try db.execute("UPDATE alerts SET count = count + 1, last_at = ?, message = ? WHERE id = ?", [now.milliseconds, message, id])
            return (id, false)
        }
        try db.execute("""
            INSERT INTO alerts (rule, key, severity, state, message, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [rule, key, severity, State.firing, message, now.milliseconds, now.milliseconds])
        return (db.lastInsertRowID, true)
    }

    /// Resolves the open alert of (rule, key), if any, when its condition has cleared.
    public func resolve(rule: String, key: String, at now: Timestamp) throws {
        try db.execute("UPDATE alerts SET state = ?, resolved_at = ? WHERE rule = ? AND key = ? AND state <> ?",
                       [State.resolved, now.milliseconds, rule, key, State.resolved])
    }

    public func acknowledge(_ id: Int64, by actor: String, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE alerts SET state = ?, acked_by = ?, acked_at = ? WHERE id = ? AND state = ?",
                       [State.acknowledged, actor, now.milliseconds, id, State.firing]) == 1
    }

    /// How many alerts are in `state` (the status bar's count).
    public func count(state: String) throws -> Int {
        Int(try db.scalarInt("SELECT count(*) FROM alerts WHERE state = ?", [state]) ?? 0)
    }

    public func list(state: String?, limit: Int = 200) throws -> [AlertRecord] {
        let rows = try state.map { try db.rows("SELECT * FROM alerts WHERE state = ? ORDER BY last_at DESC LIMIT ?", [$0, limit]) }
            ?? db.rows("SELECT * FROM alerts ORDER BY last_at DESC LIMIT ?", [limit])
        return rows.map { row in
            AlertRecord(id: row.int64("id"), rule: row.string("rule"), key: row.string("key"), severity: row.string("severity"),
                        state: row.string("state"), message: row.string("message"), count: row.int64("count"),
                        firstAt: Timestamp(milliseconds: row.int64("first_at")), lastAt: Timestamp(milliseconds: row.int64("last_at")),
                        ackedBy: row.optionalString("acked_by"))
        }
    }
}
