import PayCore

/// How one channel account fared over a window: the inputs of the success-rate strategy.
public struct AccountOutcomes: Hashable, Sendable {
    public var succeeded: Int64 = 0
    /// FAILED with kind SYSTEM: the account's own failures.
    public var systemFailures: Int64 = 0
    /// FAILED with kind DECLINED: the customer's; not held against the account.
    public var declined: Int64 = 0
    public init() {}

    /// Attempts that say something about the account.
    public var measured: Int64 { succeeded + systemFailures }
}

/// The aggregate queries routing and risk ask of past payment attempts. Each is one statement:
/// an account's on `payment_attempts (account_id, created_at)`; a customer's on the hourly
/// rollups (`customer_risk_hours`, schema 22) for the window's whole hours plus at most an hour
/// of the customer's attempts at its edge, so a window costs its hours, never the whole history.
public struct PaymentHistoryRepository {
    let db: Connection

    /// An account's outcomes since `since`.
    public func outcomes(account: String, since: Timestamp) throws -> AccountOutcomes {
        var outcomes = AccountOutcomes()
        for row in try db.rows("""
            SELECT status, failure_kind, count(*) AS n FROM payment_attempts
            WHERE account_id = ? AND created_at >= ? GROUP BY status, failure_kind
            """, [account, since.milliseconds]) {
            let n = row.int64("n")
            switch (row.string("status"), row.optionalString("failure_kind")) {
            case (AttemptStatus.succeeded.rawValue, _): outcomes.succeeded += n
            case (AttemptStatus.failed.rawValue, FailureKind.system.rawValue?): outcomes.systemFailures += n
            case (AttemptStatus.failed.rawValue, FailureKind.declined.rawValue?): outcomes.declined += n
            default: break
            }
        }
        return outcomes
    }

    /// How many payment attempts the customer made since `since` (any outcome).
    public func attemptCount(customer: String, since: Timestamp) throws -> Int64 {
        let (hour, edge) = Self.window(since)
        return try db.scalarInt("""
            SELECT coalesce((SELECT sum(attempts) FROM customer_risk_hours WHERE customer_id = ?1 AND hour >= ?2), 0)
                 + (SELECT count(*) FROM payment_attempts WHERE customer_id = ?1 AND created_at >= ?3 AND created_at < ?4)
            """, [customer, hour, since.milliseconds, edge]) ?? 0
    }

    /// The customer's attempts since `since` in `currency` that did not fail or close: money paid
    /// or on its way.
    public func amountSum(customer: String, since: Timestamp, currency: Currency) throws -> Int64 {
        let (hour, edge) = Self.window(since)
        return try db.scalarInt("""
            SELECT coalesce((SELECT sum(live_minor) FROM customer_risk_hours WHERE customer_id = ?1 AND hour >= ?2 AND currency = ?3), 0)
                 + (SELECT coalesce(sum(amount_minor), 0) FROM payment_attempts
                    WHERE customer_id = ?1 AND created_at >= ?4 AND created_at < ?5 AND currency = ?3 AND status <> ?6 AND status <> ?7)
            """, [customer, hour, currency.code, since.milliseconds, edge,
                  AttemptStatus.failed.rawValue, AttemptStatus.closed.rawValue]) ?? 0
    }

    /// The customer's attempts since `since` that the channel declined.
    public func declineCount(customer: String, since: Timestamp) throws -> Int64 {
        let (hour, edge) = Self.window(since)
        return try db.scalarInt("""
            SELECT coalesce((SELECT sum(declines) FROM customer_risk_hours WHERE customer_id = ?1 AND hour >= ?2), 0)
                 + (SELECT count(*) FROM payment_attempts
                    WHERE customer_id = ?1 AND created_at >= ?3 AND created_at < ?4 AND status = ?5 AND failure_kind = ?6)
            """, [customer, hour, since.milliseconds, edge, AttemptStatus.failed.rawValue, FailureKind.declined.rawValue]) ?? 0
    }

    /// The milliseconds of an hour: the rollups' bucket (`customer_risk_hours.hour = created_at / 3600000`).
    public static let hourMilliseconds: Int64 = 3_600_000

    /// A window from `since` on, split where the rollups take over: the first whole hour at or
    /// after `since` (read from `customer_risk_hours`), and the edge before it, up to that hour's
    /// first millisecond (read from the attempts themselves: at most an hour of them).
    static func window(_ since: Timestamp) -> (hour: Int64, edge: Int64) {
        let ms = max(0, since.milliseconds)
        let hour = (ms + hourMilliseconds - 1) / hourMilliseconds
        return (hour, hour * hourMilliseconds)
    }

    /// Customers' hours whose rollups (`customer_risk_hours`) disagree with the attempts they sum
    /// (`paydesk check`'s oracle and the tests'): each as "customer hour currency: what differs".
    public func rollupMismatches(limit: Int = 20) throws -> [String] {
        try db.rows("""
            SELECT coalesce(a.customer_id, r.customer_id) AS customer, coalesce(a.hour, r.hour) AS hour,
                   coalesce(a.currency, r.currency) AS currency,
                   coalesce(a.attempts, 0) AS attempts, coalesce(r.attempts, 0) AS rolled_attempts,
                   coalesce(a.live_minor, 0) AS live_minor, coalesce(r.live_minor, 0) AS rolled_live_minor,
                   coalesce(a.declines, 0) AS declines, coalesce(r.declines, 0) AS rolled_declines
            FROM (SELECT customer_id, created_at / ?1 AS hour, currency, count(*) AS attempts,
                         sum(CASE WHEN status IN (?2, ?3) THEN 0 ELSE amount_minor END) AS live_minor,
                         sum(CASE WHEN status = ?2 AND failure_kind IS ?4 THEN 1 ELSE 0 END) AS declines
                  FROM payment_attempts WHERE customer_id IS NOT NULL GROUP BY customer_id, created_at / ?1, currency) a
            FULL OUTER JOIN customer_risk_hours r ON r.customer_id = a.customer_id AND r.hour = a.hour AND r.currency = a.currency
            WHERE coalesce(a.attempts, 0) <> coalesce(r.attempts, 0) OR coalesce(a.live_minor, 0) <> coalesce(r.live_minor, 0)
               OR coalesce(a.declines, 0) <> coalesce(r.declines, 0)
            LIMIT ?5
            """, [Self.hourMilliseconds, AttemptStatus.failed.rawValue, AttemptStatus.closed.rawValue, FailureKind.declined.rawValue, limit]).map { row in
            "customer \(row.string("customer")) hour \(row.int64("hour")) \(row.string("currency")): attempts \(row.int64("attempts")) (rolled up \(row.int64("rolled_attempts"))), "
                + "live \(row.int64("live_minor")) (\(row.int64("rolled_live_minor"))), declines \(row.int64("declines")) (\(row.int64("rolled_declines")))"
        }
    }
}
