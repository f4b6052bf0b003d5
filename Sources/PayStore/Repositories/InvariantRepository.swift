import PayCore

/// The queries behind `paydesk check`: each returns the rows that break one money invariant.
/// Every status is bound from its enum; the checker decides what to report and how.
public struct InvariantRepository {
    let db: Connection

    /// A payment whose refunds that did not fail add up to more than it.
    public struct RefundExcess: Sendable, Hashable {
        public let paymentSerial: String
        public let amountMinor: Int64
        public let refundedMinor: Int64
    }

    /// An order whose paid amount is not the sum of its succeeded payments that are no duplicates.
    public struct PaidMismatch: Sendable, Hashable {
        public let orderNo: String
        public let paidMinor: Int64
        public let succeededMinor: Int64
    }

    /// An order whose status disagrees with its amounts.
    public struct StatusMismatch: Sendable, Hashable {
        public let orderNo: String
        public let status: String
    }

    /// What the store engine's own check of the file says: `["ok"]` for an intact file, else
    /// one line a problem. (SQLite's `PRAGMA integrity_check`; another backend answers its own way.)
    public func integrity() throws -> [String] {
        try db.rows("PRAGMA integrity_check").map { $0.string("integrity_check") }
    }

    /// The serials of the payments in `status`.
    public func attemptSerials(in status: AttemptStatus) throws -> [String] {
        try db.rows("SELECT serial FROM payment_attempts WHERE status = ?", [status.rawValue]).map { $0.string("serial") }
    }

    /// Payments refunded beyond their amount, counting every refund that did not fail.
    public func refundsBeyondPayments() throws -> [RefundExcess] {
        try db.rows("""
            SELECT a.serial AS serial, a.amount_minor AS amount, sum(r.amount_minor) AS refunded
            FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
            WHERE r.status <> ? GROUP BY a.id HAVING sum(r.amount_minor) > a.amount_minor
            """, [RefundStatus.failed.rawValue]).map {
            RefundExcess(paymentSerial: $0.string("serial"), amountMinor: $0.int64("amount"), refundedMinor: $0.int64("refunded"))
        }
    }

    /// Orders whose paid amount is not what their succeeded, non-duplicate payments add up to.
    public func paidAmountsDisagreeing() throws -> [PaidMismatch] {
        try db.rows("""
            SELECT o.order_no AS no, o.paid_minor AS paid,
                   (SELECT coalesce(sum(amount_minor), 0) FROM payment_attempts
                    WHERE order_id = o.id AND status = ?1 AND duplicate = 0) AS succeeded
            FROM orders o
            WHERE o.paid_minor <> (SELECT coalesce(sum(amount_minor), 0) FROM payment_attempts
                                   WHERE order_id = o.id AND status = ?1 AND duplicate = 0)
            """, [AttemptStatus.succeeded.rawValue]).map {
            PaidMismatch(orderNo: $0.string("no"), paidMinor: $0.int64("paid"), succeededMinor: $0.int64("succeeded"))
        }
    }

    /// Orders whose status disagrees with their amounts: paid in full but not by the order's
    /// amount, unpaid with money on it, refunded beyond what was paid, REFUNDED but not in full,
    /// or PAID with something refunded.
    public func statusesDisagreeingWithAmounts() throws -> [StatusMismatch] {
        let paidInFull = BoundList([OrderStatus.paid, .partiallyRefunded, .refunded])
        let unpaid = BoundList([OrderStatus.created, .paying, .closed])
        return try db.rows("""
            SELECT order_no AS no, status FROM orders
            WHERE (status IN (\(paidInFull.sql)) AND paid_minor <> amount_minor)
               OR (status IN (\(unpaid.sql)) AND paid_minor <> 0)
               OR refunded_minor > paid_minor
               OR (status = ? AND refunded_minor <> paid_minor)
               OR (status = ? AND refunded_minor <> 0)
            """, paidInFull.arguments + unpaid.arguments + [OrderStatus.refunded.rawValue, OrderStatus.paid.rawValue]).map {
            StatusMismatch(orderNo: $0.string("no"), status: $0.string("status"))
        }
    }

    /// The order numbers of orders whose refunded amount is not what their succeeded refunds of
    /// non-duplicate payments add up to.
    public func refundedAmountsDisagreeing() throws -> [String] {
        try db.rows("""
            SELECT o.order_no AS no FROM orders o
            WHERE o.refunded_minor <> (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r
                                       JOIN payment_attempts a ON a.id = r.attempt_id
                                       WHERE r.order_id = o.id AND r.status = ? AND a.duplicate = 0)
            """, [RefundStatus.succeeded.rawValue]).map { $0.string("no") }
    }

    /// The order numbers of PAID orders of a line with a notify URL, paid since the line has had
    /// it, that have no outbox row of `topic`.
    public func paidOrdersWithoutNotification(topic: String) throws -> [String] {
        try db.rows("""
            SELECT o.order_no AS no FROM orders o JOIN business_lines b ON b.code = o.business_line
            WHERE b.notify_url <> '' AND o.status = ? AND o.updated_at >= coalesce(b.notify_since, 0)
              AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.order_id = o.id AND x.topic = ?)
            """, [OrderStatus.paid.rawValue, topic]).map { $0.string("no") }
    }

    /// A payment as the center holds it, for the comparison with the channel's ledger.
    public struct LedgerPayment: Sendable, Hashable {
        public let serial: String
        public let orderNo: String
        public let channel: String
        public let account: String
        public let amount: Money
        public let status: AttemptStatus
        public let duplicate: Bool
    }

    /// A refund as the center holds it, for the comparison with the channel's ledger.
    public struct LedgerRefund: Sendable, Hashable {
        public let serial: String
        public let paymentSerial: String
        public let channel: String
        public let account: String
        public let amount: Money
        public let status: RefundStatus
    }

    /// Every payment attempt, oldest first.
    public func ledgerPayments() throws -> [LedgerPayment] {
        try db.rows("""
            SELECT a.serial AS serial, o.order_no AS order_no, a.channel AS channel, a.account_id AS account,
                   a.amount_minor AS amount_minor, a.currency AS currency, a.status AS status, a.duplicate AS duplicate
            FROM payment_attempts a JOIN orders o ON o.id = a.order_id ORDER BY a.id
            """).map { row in
            LedgerPayment(serial: row.string("serial"), orderNo: row.string("order_no"), channel: row.string("channel"),
                          account: row.string("account"),
                          amount: Money(minorUnits: row.int64("amount_minor"), currency: Currency(code: row.string("currency")) ?? .CNY),
                          status: AttemptStatus(rawValue: row.string("status")) ?? .initial, duplicate: row.int64("duplicate") != 0)
        }
    }

    /// Every refund, with the payment it refunds, oldest first.
    public func ledgerRefunds() throws -> [LedgerRefund] {
        try db.rows("""
            SELECT r.serial AS serial, a.serial AS payment_serial, a.channel AS channel, a.account_id AS account,
                   r.amount_minor AS amount_minor, r.currency AS currency, r.status AS status
            FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id ORDER BY r.id
            """).map { row in
            LedgerRefund(serial: row.string("serial"), paymentSerial: row.string("payment_serial"), channel: row.string("channel"),
                         account: row.string("account"),
                         amount: Money(minorUnits: row.int64("amount_minor"), currency: Currency(code: row.string("currency")) ?? .CNY),
                         status: RefundStatus(rawValue: row.string("status")) ?? .processing)
        }
    }
}
