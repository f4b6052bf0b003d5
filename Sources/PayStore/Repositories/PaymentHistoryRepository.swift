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

/// The aggregate queries routing and risk ask of past payment attempts. Each is one query on an
/// index of `payment_attempts` ((account_id, created_at) or (customer_id, created_at)).
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
        try db.scalarInt("SELECT count(*) FROM payment_attempts WHERE customer_id = ? AND created_at >= ?",
                         [customer, since.milliseconds]) ?? 0
    }

    /// The customer's attempts since `since` in `currency` that did not fail or close: money paid
    /// or on its way.
    public func amountSum(customer: String, since: Timestamp, currency: Currency) throws -> Int64 {
        try db.scalarInt("""
            SELECT coalesce(sum(amount_minor), 0) FROM payment_attempts
            WHERE customer_id = ? AND created_at >= ? AND currency = ? AND status <> ? AND status <> ?
            """, [customer, since.milliseconds, currency.code, AttemptStatus.failed.rawValue, AttemptStatus.closed.rawValue]) ?? 0
    }

    /// The customer's attempts since `since` that the channel declined.
    public func declineCount(customer: String, since: Timestamp) throws -> Int64 {
        try db.scalarInt("""
            SELECT count(*) FROM payment_attempts
            WHERE customer_id = ? AND created_at >= ? AND status = ? AND failure_kind = ?
            """, [customer, since.milliseconds, AttemptStatus.failed.rawValue, FailureKind.declined.rawValue]) ?? 0
    }
}
