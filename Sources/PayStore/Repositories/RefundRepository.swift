import PayCore

/// Refunds, with guarded status updates and the "never above the attempt's amount" check.
public struct RefundRepository {
    let db: Connection

    /// The sum of an attempt's refunds that have not failed (succeeded, processing or unknown):
    /// the money already promised back.
    public func committedMinor(attemptId: Int64) throws -> Int64 {
        try db.scalarInt("SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE attempt_id = ? AND status <> ?",
                         [attemptId, RefundStatus.failed.rawValue]) ?? 0
    }

    /// The sum of the refunds of an order that `operatorName` made and that have not failed, in
    /// `currency`: what a refund limit is measured against. Read it in the write transaction that
    /// inserts the next refund, so a concurrent refund cannot slip past the limit in between.
    public func committedMinor(orderId: Int64, operatorName: String, currency: Currency) throws -> Int64 {
        try db.scalarInt("""
            SELECT coalesce(sum(amount_minor), 0) FROM refunds
            WHERE order_id = ? AND operator = ? AND currency = ? AND status <> ?
            """, [orderId, operatorName, currency.code, RefundStatus.failed.rawValue]) ?? 0
    }

    /// Inserts a PROCESSING refund after checking, in the same write transaction, that the
    /// attempt's refunds not failed stay within its amount. Call inside `BEGIN IMMEDIATE`, so two
    /// processes cannot both pass the check.
    @discardableResult
    public func insert(serial: Serial, attempt: PaymentAttempt, refundNo: String?, amount: Money, reason: String?,
                       automatic: Bool = false, operatorName: String? = nil, at now: Timestamp) throws -> Refund {
        guard db.isInTransaction else { throw PayError.internal("refund insert outside a write transaction") }
        guard attempt.status == .succeeded else {
            throw PayError.conflict("payment \(attempt.serial) is \(attempt.status.rawValue); only a succeeded payment can be refunded")
        }
        guard amount.currency == attempt.amount.currency else {
            throw PayError.invalidInput("refund amount in \(amount.currency), payment in \(attempt.amount.currency)")
        }
        guard amount.isPositive else { throw PayError.invalidInput("refund amount: must be above zero") }
        if let refundNo, let existing = try db.row("SELECT serial, status FROM refunds WHERE order_id = ? AND refund_no = ?",
                                                   [attempt.orderId, refundNo]) {
            throw PayError.conflict("refund no '\(refundNo)' is already refund \(existing.string("serial")) (\(existing.string("status"))) of this order; nothing was done")
        }
        let committed = try committedMinor(attemptId: attempt.id)
        let refundable = attempt.amount.minorUnits - committed
        guard amount.minorUnits <= refundable else {
            let left = Money(minorUnits: refundable, currency: amount.currency)
            throw PayError.conflict("refund \(amount.decimalString) \(amount.currency) is above what payment \(attempt.serial) has left to refund (\(left.decimalString))")
        }
        try db.execute("""
            INSERT INTO refunds (serial, attempt_id, order_id, refund_no, amount_minor, currency, status, reason, automatic,
                                 operator, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [serial.rawValue, attempt.id, attempt.orderId, refundNo, amount.minorUnits, amount.currency.code,
                  RefundStatus.processing.rawValue, reason, automatic, operatorName, now.milliseconds, now.milliseconds])
        guard let refund = try find(id: db.lastInsertRowID) else { throw PayError.internal("refund vanished after insert") }
        return refund
    }

    public func find(id: Int64) throws -> Refund? {
        try db.row("SELECT * FROM refunds WHERE id = ?", [id]).map(Self.decode)
    }

    public func find(serial: Serial) throws -> Refund? {
        try db.row("SELECT * FROM refunds WHERE serial = ?", [serial.rawValue]).map(Self.decode)
    }

    public func forOrder(_ orderId: Int64) throws -> [Refund] {
        try db.rows("SELECT * FROM refunds WHERE order_id = ? ORDER BY id", [orderId]).map(Self.decode)
    }

    /// Moves the refund from `from` to `to` only if it is still in `from`. False: lost the race.
    public func transition(_ id: Int64, from: RefundStatus, to: RefundStatus, channelRefundSerial: String? = nil,
                           failureMessage: String? = nil, nextCheckAt: Timestamp? = nil, at now: Timestamp) throws -> Bool {
        try from.checkMove(to: to, subject: "refund \(id)")
        let changed = try db.execute("""
            UPDATE refunds SET status = ?, channel_refund_serial = coalesce(?, channel_refund_serial),
                               failure_message = coalesce(?, failure_message), next_check_at = ?, updated_at = ?
            WHERE id = ? AND status = ?
            """, [to.rawValue, channelRefundSerial, failureMessage, nextCheckAt?.milliseconds, now.milliseconds,
                  id, from.rawValue]) == 1
        // why here: every path that fails a refund (its answer, a callback, a query) comes through
        // this update, so the items it covered are always given back for another refund.
        if changed && to == .failed { try RefundLineRepository(db: db).release(refundId: id) }
        return changed
    }

    /// Open refunds whose next look is due, and PROCESSING refunds with no look set that nobody has
    /// touched since `abandonedBefore` (their process died between writing them and the answer).
    public func dueForCheck(at now: Timestamp, abandonedBefore: Timestamp, limit: Int) throws -> [Refund] {
        try db.rows("""
            SELECT * FROM refunds WHERE id IN (
                SELECT id FROM refunds WHERE status IN (?, ?) AND next_check_at <= ?
                UNION
                SELECT id FROM refunds WHERE status = ? AND next_check_at IS NULL AND updated_at <= ?)
            ORDER BY id LIMIT ?
            """, [RefundStatus.unknown.rawValue, RefundStatus.processing.rawValue, now.milliseconds,
                  RefundStatus.processing.rawValue, abandonedBefore.milliseconds, limit]).map(Self.decode)
    }

    /// Sets when the janitor looks at an open refund next, and counts the look, if it is still in
    /// `status`; `touching` also moves its `updated_at`.
    @discardableResult
    public func scheduleCheck(_ id: Int64, status: RefundStatus, at next: Timestamp, touching now: Timestamp? = nil) throws -> Bool {
        if let now {
            return try db.execute("UPDATE refunds SET next_check_at = ?, check_count = check_count + 1, updated_at = ? WHERE id = ? AND status = ?",
                                  [next.milliseconds, now.milliseconds, id, status.rawValue]) == 1
        }
        return try db.execute("UPDATE refunds SET next_check_at = ?, check_count = check_count + 1 WHERE id = ? AND status = ?",
                              [next.milliseconds, id, status.rawValue]) == 1
    }

    /// Records the channel's refund serial when none is known yet (a known one is never replaced).
    public func setChannelRefundSerial(_ id: Int64, _ serial: String) throws {
        try db.execute("UPDATE refunds SET channel_refund_serial = ? WHERE id = ? AND channel_refund_serial IS NULL", [serial, id])
    }

    /// The order of the refund that a channel's refund serial names.
    public func orderId(channelRefundSerial serial: String) throws -> Int64? {
        try db.row("SELECT order_id FROM refunds WHERE channel_refund_serial = ? LIMIT 1", [serial])?.int64("order_id")
    }

    static func decode(_ row: Row) throws -> Refund {
        let currency = try Currency.parse(row.string("currency"))
        return Refund(
            id: row.int64("id"),
            serial: Serial(stored: row.string("serial")),
            attemptId: row.int64("attempt_id"),
            orderId: row.int64("order_id"),
            refundNo: row.optionalString("refund_no"),
            amount: Money(minorUnits: row.int64("amount_minor"), currency: currency),
            status: try RefundStatus.parse(row.string("status")),
            channelRefundSerial: row.optionalString("channel_refund_serial"),
            reason: row.optionalString("reason"),
            createdAt: Timestamp(milliseconds: row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: row.int64("updated_at")))
    }
}
