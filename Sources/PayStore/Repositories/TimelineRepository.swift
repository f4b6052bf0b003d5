import PayCore

/// A status an order, payment attempt or refund took (`order_events`, written by schema 13's triggers).
public struct OrderEventRecord: Sendable, Hashable {
    public enum Entity: String, Sendable { case order, payment, refund }
    public let id: Int64
    public let entity: Entity
    public let entityId: Int64
    /// Nil when the row was created in `toStatus`.
    public let fromStatus: String?
    public let toStatus: String
    public let at: Timestamp
}

/// A callback received about the order, without its body.
public struct CallbackSummary: Sendable, Hashable {
    public let id: Int64
    public let channel: String
    public let receivedAt: Timestamp
    public let verdict: String
    public let reason: String?
    public let attemptId: Int64?
    public let refundId: Int64?
    public let repeats: Int64
}

/// A raw callback as kept.
public struct CallbackRecord: Sendable, Hashable {
    public let id: Int64
    public let channel: String
    public let receivedAt: Timestamp
    public let headers: String
    public let body: [UInt8]
    public let bodySize: Int64?
    public let verdict: String
    public let reason: String?
    public let orderId: Int64?
}

/// One attempt to deliver a merchant notification of the order.
public struct DeliveryRecord: Sendable, Hashable {
    public let outboxId: Int64
    public let topic: String
    public let at: Timestamp
    public let httpStatus: Int?
    public let error: String?
    public let durationMilliseconds: Int64?
}

/// What the janitor keeps on a payment attempt beside its status.
public struct AttemptCheck: Sendable, Hashable {
    public let id: Int64
    /// "barcode", "pay-code", "card", "account".
    public let mode: String
    public let nextCheckAt: Timestamp?
    public let checkCount: Int64
    /// The operator who took the payment.
    public let operatorName: String?
}

/// The reads behind the order timeline: each one query on an index by order (or target / key).
public struct TimelineRepository {
    let db: Connection

    public func events(orderId: Int64) throws -> [OrderEventRecord] {
        try db.rows("SELECT * FROM order_events WHERE order_id = ? ORDER BY at, id", [orderId]).compactMap { row in
            guard let entity = OrderEventRecord.Entity(rawValue: row.string("entity")) else { return nil }
            return OrderEventRecord(id: row.int64("id"), entity: entity, entityId: row.int64("entity_id"),
                                    fromStatus: row.optionalString("from_status"), toStatus: row.string("to_status"),
                                    at: Timestamp(milliseconds: row.int64("at")))
        }
    }

    public func checks(orderId: Int64) throws -> [AttemptCheck] {
        try db.rows("SELECT id, mode, next_check_at, check_count, operator FROM payment_attempts WHERE order_id = ? ORDER BY id", [orderId]).map { row in
            AttemptCheck(id: row.int64("id"), mode: row.string("mode"), nextCheckAt: row.optionalInt64("next_check_at").map { Timestamp(milliseconds: $0) },
                         checkCount: row.int64("check_count"), operatorName: row.optionalString("operator"))
        }
    }

    /// The one-time-code challenges risk issued for the order (their reference is the order's serial).
    public func challenges(reference: String) throws -> [ChallengeRecord] {
        try db.rows("SELECT * FROM risk_challenges WHERE reference = ? ORDER BY created_at, rowid", [reference]).map(ChallengeRepository.decode)
    }

    public func callbacks(orderId: Int64) throws -> [CallbackSummary] {
        try db.rows("""
            SELECT id, channel, received_at, verdict, reason, attempt_id, refund_id, repeats FROM channel_callbacks
            WHERE order_id = ? ORDER BY received_at, id
            """, [orderId]).map { row in
            CallbackSummary(id: row.int64("id"), channel: row.string("channel"), receivedAt: Timestamp(milliseconds: row.int64("received_at")),
                            verdict: row.string("verdict"), reason: row.optionalString("reason"), attemptId: row.optionalInt64("attempt_id"),
                            refundId: row.optionalInt64("refund_id"), repeats: row.int64("repeats"))
        }
    }

    public func callback(id: Int64) throws -> CallbackRecord? {
        try db.row("SELECT * FROM channel_callbacks WHERE id = ?", [id]).map { row in
            CallbackRecord(id: row.int64("id"), channel: row.string("channel"), receivedAt: Timestamp(milliseconds: row.int64("received_at")),
                           headers: row.string("headers"), body: row.blob("body"), bodySize: row.optionalInt64("body_size"),
                           verdict: row.string("verdict"), reason: row.optionalString("reason"), orderId: row.optionalInt64("order_id"))
        }
    }

    /// Every delivery attempt of the order's notifications, oldest first.
    public func deliveries(orderId: Int64) throws -> [DeliveryRecord] {
        try db.rows("""
            SELECT d.outbox_id AS outbox_id, o.topic AS topic, d.attempted_at AS attempted_at, d.http_status AS http_status,
                   d.error AS error, d.duration_ms AS duration_ms
            FROM outbox o JOIN outbox_deliveries d ON d.outbox_id = o.id
            WHERE o.order_id = ? ORDER BY d.attempted_at, d.id
            """, [orderId]).map { row in
            DeliveryRecord(outboxId: row.int64("outbox_id"), topic: row.string("topic"), at: Timestamp(milliseconds: row.int64("attempted_at")),
                           httpStatus: row.optionalInt64("http_status").map(Int.init), error: row.optionalString("error"),
                           durationMilliseconds: row.optionalInt64("duration_ms"))
        }
    }

    /// The audit entries whose target is one of `targets`, oldest first.
    public func audit(targets: [String]) throws -> [AuditRecord] {
        guard !targets.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: targets.count).joined(separator: ", ")
        return try db.rows("SELECT \(AuditRepository.columns) FROM audit_log WHERE target IN (\(marks)) ORDER BY id", targets)
            .map(AuditRepository.decode)
    }

    /// The alerts raised under one of `keys` ("order:12", "attempt:40", "refund:7", "outbox:9").
    public func alerts(keys: [String]) throws -> [AlertRow] {
        guard !keys.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        return try db.rows("SELECT * FROM alerts WHERE key IN (\(marks)) ORDER BY first_at, id", keys).map(AlertRow.init)
    }
}
