import PayCore

/// One API secret of a business line as stored (schema 17). Only the authenticator and the
/// rotation that makes it see `secret`; listings show `hint`.
public struct APISecretRecord: Sendable, Hashable {
    public let line: BusinessLineCode
    /// Public name of the secret ("key_" + 12 hex), safe to print and log.
    public let id: String
    /// As stored: sealed (`sealed:v1:…`, schema 23) or, in a store not yet sealed, plaintext.
    public let secret: String
    /// "…" and the secret's last four characters, to tell secrets apart without showing one.
    public let hint: String
    public let createdBy: String
    public let createdAt: Timestamp
    /// nil: the line's current secret; else it verifies until (excluded) this instant.
    public let expiresAt: Timestamp?

    public func isValid(at now: Timestamp) -> Bool { expiresAt.map { now < $0 } ?? true }
}

/// The business lines' API secrets and the nonces of accepted signatures (schema 17).
public struct APISecretRepository {
    let db: Connection

    public init(db: Connection) { self.db = db }

    /// The line's secrets that still verify at `now`, newest first.
    public func valid(_ line: BusinessLineCode, at now: Timestamp) throws -> [APISecretRecord] {
        try db.rows("""
            SELECT * FROM api_secrets WHERE business_line = ? AND (expires_at IS NULL OR expires_at > ?)
            ORDER BY created_at DESC, id DESC
            """, [line.rawValue, now.milliseconds]).map(Self.decode)
    }

    /// Every secret of the line, expired ones included, newest first.
    public func all(_ line: BusinessLineCode) throws -> [APISecretRecord] {
        try db.rows("SELECT * FROM api_secrets WHERE business_line = ? ORDER BY created_at DESC, id DESC",
                    [line.rawValue]).map(Self.decode)
    }

    /// Sets every still-valid secret of the line to expire at `expiry` at the latest (a secret
    /// already expiring sooner keeps its own expiry). Returns how many changed. Guarded: rows
    /// already expired at `now` are left alone.
    @discardableResult
    public func expireValid(_ line: BusinessLineCode, by expiry: Timestamp, at now: Timestamp) throws -> Int {
        try db.execute("""
            UPDATE api_secrets SET expires_at = ?
            WHERE business_line = ? AND (expires_at IS NULL OR (expires_at > ? AND expires_at > ?))
            """, [expiry.milliseconds, line.rawValue, now.milliseconds, expiry.milliseconds])
    }

    /// Adds the line's new current secret. A second current secret of a line is refused by the
    /// partial unique index (the caller expires the old one first, in the same transaction).
    public func insertCurrent(_ line: BusinessLineCode, id: String, secret: String, hint: String, createdBy: String, at now: Timestamp) throws {
        _ = try db.execute("""
            INSERT INTO api_secrets (business_line, id, secret, hint, created_by, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, NULL)
            """, [line.rawValue, id, secret, hint, createdBy, now.milliseconds])
    }

    /// Replaces a stored secret (sealing one kept in plaintext) while it is still `expected`
    /// (a compare-and-set); false when another writer changed it in between.
    public func replaceSecret(_ line: BusinessLineCode, id: String, expected: String, with secret: String) throws -> Bool {
        try db.execute("UPDATE api_secrets SET secret = ? WHERE business_line = ? AND id = ? AND secret = ?",
                       [secret, line.rawValue, id, expected]) == 1
    }

    /// Records an accepted signature; false when the line already has it (a replay), decided by
    /// the primary key at insert time, never by a read first.
    public func recordNonce(_ line: BusinessLineCode, signature: String, expiresAt: Timestamp) throws -> Bool {
        try db.execute("""
            INSERT INTO api_nonces (business_line, signature, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (business_line, signature) DO NOTHING
            """, [line.rawValue, signature, expiresAt.milliseconds]) == 1
    }

    /// Deletes nonces whose signatures can no longer be accepted anyway; returns how many.
    @discardableResult
    public func pruneNonces(before now: Timestamp) throws -> Int {
        try db.execute("DELETE FROM api_nonces WHERE expires_at < ?", [now.milliseconds])
    }

    static func decode(_ row: Row) throws -> APISecretRecord {
        APISecretRecord(line: BusinessLineCode(stored: row.string("business_line")), id: row.string("id"),
                        secret: row.string("secret"), hint: row.string("hint"), createdBy: row.string("created_by"),
                        createdAt: Timestamp(milliseconds: row.int64("created_at")),
                        expiresAt: row.optionalInt64("expires_at").map { Timestamp(milliseconds: $0) })
    }
}

extension Store {
    public var apiSecrets: APISecretRepository { APISecretRepository(db: db) }
}
