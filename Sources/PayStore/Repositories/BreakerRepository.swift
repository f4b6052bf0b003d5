import PayCore

/// The circuit breaker of one channel account as the store keeps it, shared by every process
/// on the store.
public struct BreakerRecord: Hashable, Sendable {
    public enum State: String, Sendable, CaseIterable {
        /// Traffic flows; system errors are counted.
        case closed = "CLOSED"
        /// Skipped until the cool-down is over.
        case open = "OPEN"
        /// One probe payment is let through; its outcome closes or reopens the breaker.
        case halfOpen = "HALF_OPEN"
    }

    public let accountId: String
    public let state: State
    public let consecutiveFailures: Int
    public let openedAt: Timestamp?
    /// While half-open: until when the probe in flight holds the account.
    public let probeUntil: Timestamp?
    public let updatedAt: Timestamp

    public init(accountId: String, state: State, consecutiveFailures: Int, openedAt: Timestamp?, probeUntil: Timestamp?,
                updatedAt: Timestamp) {
        self.accountId = accountId
        self.state = state
        self.consecutiveFailures = consecutiveFailures
        self.openedAt = openedAt
        self.probeUntil = probeUntil
        self.updatedAt = updatedAt
    }

    /// A breaker never written yet: closed with no failures.
    public static func closed(_ accountId: String) -> BreakerRecord {
        BreakerRecord(accountId: accountId, state: .closed, consecutiveFailures: 0, openedAt: nil, probeUntil: nil,
                      updatedAt: Timestamp(milliseconds: 0))
    }
}

/// Circuit breakers per channel account. Every change is one guarded UPDATE (`WHERE state = …`),
/// so processes racing on one account cannot both move it.
public struct BreakerRepository {
    let db: Connection

    public func find(_ accountId: String) throws -> BreakerRecord? {
        try db.row("SELECT * FROM circuit_breakers WHERE account_id = ?", [accountId]).map(Self.decode)
    }

    /// The breaker of the account, closed when none was written yet.
    public func state(_ accountId: String) throws -> BreakerRecord {
        try find(accountId) ?? .closed(accountId)
    }

    public func all() throws -> [BreakerRecord] {
        try db.rows("SELECT * FROM circuit_breakers ORDER BY account_id").map(Self.decode)
    }

    /// Makes sure the account has a breaker row (closed) so the guarded updates have one to guard.
    func ensure(_ accountId: String, at now: Timestamp) throws {
        try db.execute("""
            INSERT INTO circuit_breakers (account_id, state, consecutive_failures, updated_at) VALUES (?, ?, 0, ?)
            ON CONFLICT (account_id) DO NOTHING
            """, [accountId, BreakerRecord.State.closed.rawValue, now.milliseconds])
    }

    /// A success (or a decline: the channel answered): a closed breaker forgets its failures and a
    /// half-open one closes. An open breaker ignores a late answer. Returns the state after.
    @discardableResult
    /// why: a healthy closed breaker is left untouched, so the common case writes nothing and a
    /// payment pays no extra durable commit for it.
    public func recordSuccess(_ accountId: String, at now: Timestamp) throws -> BreakerRecord {
        try ensure(accountId, at: now)
        try noteSuccess(accountId, at: now)
        return try state(accountId)
    }

    /// `recordSuccess` in one statement, returning nothing: a breaker with no row, or closed and
    /// clean, is left as it is and nothing is written (the payment path's case).
    public func noteSuccess(_ accountId: String, at now: Timestamp) throws {
        try db.execute(Self.successSQL, [BreakerRecord.State.closed.rawValue, now.milliseconds, accountId,
                                         BreakerRecord.State.closed.rawValue, BreakerRecord.State.halfOpen.rawValue,
                                         BreakerRecord.State.closed.rawValue])
    }

    static let successSQL = """
        UPDATE circuit_breakers SET state = ?, consecutive_failures = 0, opened_at = NULL, probe_until = NULL, updated_at = ?
        WHERE account_id = ? AND (state = ? OR state = ?)
          AND NOT (state = ? AND consecutive_failures = 0 AND probe_until IS NULL)
        """

    /// A SYSTEM failure: counted while closed and opening the breaker at `threshold` in a row;
    /// a failed probe reopens a half-open breaker. Returns the state after.
    @discardableResult
    public func recordSystemFailure(_ accountId: String, threshold: Int, at now: Timestamp) throws -> BreakerRecord {
        try ensure(accountId, at: now)
        let open = BreakerRecord.State.open.rawValue
        // why: SET expressions read the old row, so `consecutive_failures + 1` is the new count in each CASE.
        try db.execute("""
            UPDATE circuit_breakers
            SET consecutive_failures = consecutive_failures + 1,
                state = CASE WHEN consecutive_failures + 1 >= ? THEN ? ELSE state END,
                opened_at = CASE WHEN consecutive_failures + 1 >= ? THEN ? ELSE opened_at END,
                updated_at = ?
            WHERE account_id = ? AND state = ?
            """, [threshold, open, threshold, now.milliseconds, now.milliseconds, accountId, BreakerRecord.State.closed.rawValue])
        try db.execute("""
            UPDATE circuit_breakers SET state = ?, consecutive_failures = consecutive_failures + 1, opened_at = ?,
                                        probe_until = NULL, updated_at = ?
            WHERE account_id = ? AND state = ?
            """, [open, now.milliseconds, now.milliseconds, accountId, BreakerRecord.State.halfOpen.rawValue])
        return try state(accountId)
    }

    /// Lets one probe through: moves an open breaker whose cool-down ended at or before
    /// `cooledBefore` (or a half-open one whose probe lapsed) to half-open, held until
    /// `probeUntil`. False when another process claimed it first or it is not due.
    public func claimProbe(_ accountId: String, openedAtOrBefore cooledBefore: Timestamp, probeUntil: Timestamp,
                           at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE circuit_breakers SET state = ?, probe_until = ?, updated_at = ?
            WHERE account_id = ? AND ((state = ? AND opened_at <= ?) OR (state = ? AND probe_until <= ?))
            """, [BreakerRecord.State.halfOpen.rawValue, probeUntil.milliseconds, now.milliseconds, accountId,
                  BreakerRecord.State.open.rawValue, cooledBefore.milliseconds,
                  BreakerRecord.State.halfOpen.rawValue, now.milliseconds]) == 1
    }

    static func decode(_ row: Row) throws -> BreakerRecord {
        guard let state = BreakerRecord.State(rawValue: row.string("state")) else {
            throw PayError.internal("circuit breaker of '\(row.string("account_id"))': unknown state '\(row.string("state"))'")
        }
        return BreakerRecord(accountId: row.string("account_id"), state: state,
                             consecutiveFailures: row.int("consecutive_failures"),
                             openedAt: row.optionalInt64("opened_at").map { Timestamp(milliseconds: $0) },
                             probeUntil: row.optionalInt64("probe_until").map { Timestamp(milliseconds: $0) },
                             updatedAt: Timestamp(milliseconds: row.int64("updated_at")))
    }
}
