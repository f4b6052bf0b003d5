import PayCore

/// Where the automatic refund of one duplicate payment stands.
public struct DuplicateRefundState: Sendable, Hashable {
    public let attemptId: Int64
    /// Failed automatic refunds counted so far (the back-off's exponent).
    public let failures: Int64
    /// Not tried again before this.
    public let nextAt: Timestamp?
    /// The newest automatic refund whose failure is already counted.
    public let countedRefundId: Int64?

    public init(attemptId: Int64, failures: Int64, nextAt: Timestamp?, countedRefundId: Int64?) {
        self.attemptId = attemptId
        self.failures = failures
        self.nextAt = nextAt
        self.countedRefundId = countedRefundId
    }
}

extension PaymentAttemptRepository {
    /// Duplicate payments whose automatic refund is due by `now`: succeeded, not held, with no
    /// refund in flight or done, soonest due first.
    public func duplicatesDue(at now: Timestamp, limit: Int) throws -> [DuplicateRefundState] {
        try db.rows("""
            SELECT a.id AS id, a.duplicate_failures AS failures, a.duplicate_next_at AS next_at, a.duplicate_counted_refund AS counted
            FROM payment_attempts a
            WHERE a.duplicate = 1 AND a.status = ? AND a.duplicate_hold = 0 AND coalesce(a.duplicate_next_at, 0) <= ?
              AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.attempt_id = a.id AND r.status <> ?)
            ORDER BY coalesce(a.duplicate_next_at, 0), a.id
            LIMIT ?
            """, [AttemptStatus.succeeded.rawValue, now.milliseconds, RefundStatus.failed.rawValue, Int64(limit)]).map(Self.duplicateState)
    }

    /// Where the automatic refund of a duplicate payment stands (nil: no such attempt).
    public func duplicateRefundState(_ id: Int64) throws -> DuplicateRefundState? {
        try db.row("""
            SELECT id, duplicate_failures AS failures, duplicate_next_at AS next_at, duplicate_counted_refund AS counted
            FROM payment_attempts WHERE id = ?
            """, [id]).map(Self.duplicateState)
    }

    /// Counts one more failure of a duplicate payment's automatic refund (`refundId`, when the
    /// failure was a refund, not a refused call) and sets when to try again; guarded by the count
    /// read, so a failure is counted once even by two processes. False: someone counted first.
    public func countDuplicateRefundFailure(_ state: DuplicateRefundState, refundId: Int64?, nextAt: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE payment_attempts SET duplicate_failures = ?, duplicate_next_at = ?,
                                        duplicate_counted_refund = coalesce(?, duplicate_counted_refund)
            WHERE id = ? AND duplicate_failures = ?
            """, [state.failures + 1, nextAt.milliseconds, refundId, state.attemptId, state.failures]) == 1
    }

    static func duplicateState(_ row: Row) -> DuplicateRefundState {
        DuplicateRefundState(attemptId: row.int64("id"), failures: row.int64("failures"),
                             nextAt: row.optionalInt64("next_at").map { Timestamp(milliseconds: $0) },
                             countedRefundId: row.optionalInt64("counted"))
    }
}

extension RefundRepository {
    /// The newest automatic refund of an attempt that failed, with when it failed.
    public func latestFailedAutomatic(attemptId: Int64) throws -> (id: Int64, failedAt: Timestamp)? {
        try db.row("""
            SELECT id, updated_at FROM refunds WHERE attempt_id = ? AND automatic = ? AND status = ? ORDER BY id DESC LIMIT 1
            """, [attemptId, true, RefundStatus.failed.rawValue]).map { ($0.int64("id"), Timestamp(milliseconds: $0.int64("updated_at"))) }
    }
}
