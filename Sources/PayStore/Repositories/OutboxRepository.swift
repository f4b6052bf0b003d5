import PayCore

/// One merchant notification waiting to be delivered.
public struct OutboxMessage: Sendable, Hashable {
    public let id: Int64
    public let topic: String
    public let orderId: Int64?
    public let payload: String
    public let status: String
    public let attempts: Int
    public let nextAttemptAt: Timestamp
    public let lastError: String?
    public let createdAt: Timestamp
    public let deliveredAt: Timestamp?
}

/// The outbox of merchant notifications: rows written in the same transaction as the change they
/// announce, delivered later by the worker, every delivery attempt recorded.
public struct OutboxRepository {
    let db: Connection

    public enum Status {
        public static let pending = "PENDING"
        public static let delivered = "DELIVERED"
        public static let failed = "FAILED"
    }

    @discardableResult
    public func enqueue(topic: String, orderId: Int64?, payload: String, at now: Timestamp) throws -> Int64 {
        try db.execute("""
            INSERT INTO outbox (topic, order_id, payload, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [topic, orderId, payload, Status.pending, now.milliseconds, now.milliseconds])
        return db.lastInsertRowID
    }

    /// The topic prefix of the alert sinks' deliveries, which share this outbox.
    public static let alertTopicPrefix = "alert."

    /// Pending messages due at `now`, oldest first.
    public func due(at now: Timestamp, limit: Int) throws -> [OutboxMessage] {
        try db.rows("SELECT * FROM outbox WHERE status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                    [Status.pending, now.milliseconds, limit]).map(Self.decode)
    }

    /// Pending messages due at `now`, oldest first: merchant notifications only, or alert
    /// deliveries only (topics `alert.…`).
    public func due(at now: Timestamp, limit: Int, alertDeliveries: Bool) throws -> [OutboxMessage] {
        try db.rows("""
            SELECT * FROM outbox WHERE status = ? AND next_attempt_at <= ? AND (substr(topic, 1, 6) = ?) = ?
            ORDER BY next_attempt_at, id LIMIT ?
            """, [Status.pending, now.milliseconds, Self.alertTopicPrefix, alertDeliveries, limit]).map(Self.decode)
    }

    public func forOrder(_ orderId: Int64) throws -> [OutboxMessage] {
        try db.rows("SELECT * FROM outbox WHERE order_id = ? ORDER BY id", [orderId]).map(Self.decode)
    }

    public func find(id: Int64) throws -> OutboxMessage? {
        try db.row("SELECT * FROM outbox WHERE id = ?", [id]).map(Self.decode)
    }

    /// Takes a due message for one delivery by moving its next attempt to `until`, guarded on the
    /// attempt count and due time it was read with: of several deliverers that read it, one wins;
    /// the others find it no longer due. A deliverer that dies after claiming leaves it due again
    /// at `until`.
    public func claim(_ message: OutboxMessage, until: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE outbox SET next_attempt_at = ?
            WHERE id = ? AND status = ? AND attempts = ? AND next_attempt_at = ?
            """, [until.milliseconds, message.id, Status.pending, message.attempts, message.nextAttemptAt.milliseconds]) == 1
    }

    /// Records one delivery attempt and moves the message on: delivered, rescheduled, or failed.
    /// Guarded on the attempt count it was read with, so two deliverers cannot both record it.
    @discardableResult
    public func recordAttempt(_ message: OutboxMessage, httpStatus: Int?, error: String?, durationMs: Int64,
                              delivered: Bool, nextAttemptAt: Timestamp?, at now: Timestamp) throws -> Bool {
        try db.execute("INSERT INTO outbox_deliveries (outbox_id, attempted_at, http_status, error, duration_ms) VALUES (?, ?, ?, ?, ?)",
                       [message.id, now.milliseconds, httpStatus, error, durationMs])
        let status = delivered ? Status.delivered : (nextAttemptAt == nil ? Status.failed : Status.pending)
        return try db.execute("""
            UPDATE outbox SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
                              delivered_at = ?
            WHERE id = ? AND status = ? AND attempts = ?
            """, [status, (nextAttemptAt ?? now).milliseconds, delivered ? nil : error, delivered ? now.milliseconds : nil,
                  message.id, Status.pending, message.attempts]) == 1
    }

    /// Sends a delivered or failed message again now (an operator's resend).
    public func resend(_ id: Int64, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE outbox SET status = ?, attempts = 0, next_attempt_at = ?, last_error = NULL WHERE id = ?",
                       [Status.pending, now.milliseconds, id]) == 1
    }

    public func deliveries(_ id: Int64) throws -> [(at: Timestamp, httpStatus: Int?, error: String?)] {
        try db.rows("SELECT attempted_at, http_status, error FROM outbox_deliveries WHERE outbox_id = ? ORDER BY id", [id]).map {
            (Timestamp(milliseconds: $0.int64("attempted_at")), $0.optionalInt64("http_status").map(Int.init), $0.optionalString("error"))
        }
    }

    /// Undelivered merchant notifications: their count and the oldest one's creation time (for
    /// monitoring). Alert deliveries (topics `alert.…`) share the outbox but are not merchant news.
    public func backlog() throws -> (count: Int64, oldest: Timestamp?) {
        let row = try db.row("SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE status = ? AND substr(topic, 1, 6) <> ?",
                             [Status.pending, Self.alertTopicPrefix])
        return (row?.int64("n") ?? 0, row?.optionalInt64("oldest").map { Timestamp(milliseconds: $0) })
    }

    static func decode(_ row: Row) -> OutboxMessage {
        OutboxMessage(id: row.int64("id"), topic: row.string("topic"), orderId: row.optionalInt64("order_id"),
                      payload: row.string("payload"), status: row.string("status"), attempts: row.int("attempts"),
                      nextAttemptAt: Timestamp(milliseconds: row.int64("next_attempt_at")),
                      lastError: row.optionalString("last_error"), createdAt: Timestamp(milliseconds: row.int64("created_at")),
                      deliveredAt: row.optionalInt64("delivered_at").map { Timestamp(milliseconds: $0) })
    }
}
