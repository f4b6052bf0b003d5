import PayCore

/// What a stored idempotency key says about a new request carrying it.
public enum IdempotencyClaim: Sendable, Equatable {
    /// First time: the caller holds the key and must `complete` it.
    case proceed
    /// The same request finished before: replay its stored answer, failures included.
    case replay(response: String, exitCode: Int32)
}

/// Where a stored idempotency key stands.
public enum IdempotencyState: String, Sendable, CaseIterable {
    /// Claimed; the request is running (or died running).
    case inFlight = "IN_FLIGHT"
    /// Finished; its answer is stored for replay.
    case done = "DONE"
}

/// Idempotency keys per scope ("order.create", "pay", "refund"), kept at least 24 hours.
///
/// `claim` runs in the caller's `BEGIN IMMEDIATE` transaction: a key is either new (stored as
/// IN_FLIGHT with the request's canonical text), done (replayed when the request matches), or
/// refused as a conflict — other parameters, or the first request still in flight elsewhere.
public struct IdempotencyRepository {
    let db: Connection

    public static let retention: Int64 = 24 * 3_600_000

    /// `takeOver` is asked, inside the claim's transaction, about a key of the same request still
    /// IN_FLIGHT under another owner: true hands the key to `owner` (the first holder died and
    /// running the request again cannot move money twice) and the caller proceeds.
    public func claim(scope: String, key: IdempotencyKey, request: String, owner: String, at now: Timestamp,
                      takeOver: (_ holder: String?) throws -> Bool = { _ in false }) throws -> IdempotencyClaim {
        try db.execute("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at < ?",
                       [scope, key.rawValue, now.milliseconds])
        if let row = try db.row("SELECT request_hash, state, response, exit_code, owner FROM idempotency_keys WHERE scope = ? AND key = ?",
                                [scope, key.rawValue]) {
            guard row.string("request_hash") == request else {
                throw PayError.conflict("idempotency key '\(key)' was used for a different \(scope) request; nothing was done")
                    .failing(.idempotencyKeyReused, subject: key.rawValue)
            }
            guard row.string("state") == IdempotencyState.done.rawValue else {
                let holder = row.optionalString("owner")
                if try takeOver(holder),
                   try db.execute("""
                       UPDATE idempotency_keys SET owner = ?, created_at = ?, expires_at = ?
                       WHERE scope = ? AND key = ? AND state = ? AND owner IS ?
                       """, [owner, now.milliseconds, now.milliseconds + Self.retention, scope, key.rawValue,
                             IdempotencyState.inFlight.rawValue, holder]) == 1 {
                    return .proceed
                }
                throw PayError.conflict("idempotency key '\(key)': the first \(scope) request is still in flight; nothing was done")
                    .failing(.idempotencyKeyInUse, subject: key.rawValue)
            }
            return .replay(response: row.string("response"), exitCode: Int32(row.int64("exit_code")))
        }
        try db.execute("""
            INSERT INTO idempotency_keys (scope, key, request_hash, state, owner, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [scope, key.rawValue, request, IdempotencyState.inFlight.rawValue, owner, now.milliseconds,
                  now.milliseconds + Self.retention])
        return .proceed
    }

    /// Stores the answer to replay. Only the owner's IN_FLIGHT row moves to DONE.
    /// With `owner`, only while that owner still holds it (a key taken over is not completed twice).
    public func complete(scope: String, key: IdempotencyKey, response: String, exitCode: Int32, owner: String? = nil,
                         at now: Timestamp) throws {
        try db.execute("""
            UPDATE idempotency_keys SET state = ?7, response = ?1, exit_code = ?2, expires_at = ?3
            WHERE scope = ?4 AND key = ?5 AND state = ?8 AND (?6 IS NULL OR owner = ?6)
            """, [response, exitCode, now.milliseconds + Self.retention, scope, key.rawValue, owner,
                  IdempotencyState.done.rawValue, IdempotencyState.inFlight.rawValue])
    }

    /// Forgets an IN_FLIGHT key whose request failed before it could change anything (invalid
    /// input found after the claim), so a corrected retry is not refused.
    public func release(scope: String, key: IdempotencyKey, owner: String? = nil) throws {
        try db.execute("DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND state = ?4 AND (?3 IS NULL OR owner = ?3)",
                       [scope, key.rawValue, owner, IdempotencyState.inFlight.rawValue])
    }
}

/// Leases: only the holder of a named lease runs a kind of background job.
public struct LeaseRepository {
    let db: Connection

    /// Takes or renews `name` for `holder` until `now + ttl`; true when `holder` has it now.
    /// A lease held by another and not yet expired is left alone.
    public func acquire(_ name: String, holder: String, ttlMilliseconds: Int64, at now: Timestamp) throws -> Bool {
        try db.execute("""
            INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at < ?
            """, [name, holder, now.milliseconds + ttlMilliseconds, now.milliseconds])
        return try db.row("SELECT holder FROM leases WHERE name = ?", [name])?.string("holder") == holder
    }

    /// Gives the lease up early (a clean shutdown), so another process need not wait for expiry.
    public func release(_ name: String, holder: String) throws {
        try db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder])
    }

    public func holder(_ name: String, at now: Timestamp) throws -> String? {
        try db.row("SELECT holder FROM leases WHERE name = ? AND expires_at >= ?", [name, now.milliseconds])?.optionalString("holder")
    }
}
