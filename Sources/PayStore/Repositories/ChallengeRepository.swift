import PayCore

/// A one-time-code challenge as stored: the code only as a salted SHA-256 hash.
public struct ChallengeRecord: Hashable, Sendable {
    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for the code.
        case pending = "PENDING"
        /// The right code came in time; the payment may go on.
        case passed = "PASSED"
        /// The tries ran out.
        case failed = "FAILED"
        /// The code was not given within its validity.
        case expired = "EXPIRED"
    }

    public let id: String
    public let recipient: String
    public let customerId: String?
    /// What the challenge guards (a payment serial, "retail/R10001"): for the timeline.
    public let reference: String?
    public let codeSalt: [UInt8]
    public let codeHash: [UInt8]
    public let status: Status
    public let tries: Int
    public let maxTries: Int
    public let createdAt: Timestamp
    public let expiresAt: Timestamp

    public init(id: String, recipient: String, customerId: String?, reference: String?, codeSalt: [UInt8], codeHash: [UInt8],
                status: Status, tries: Int, maxTries: Int, createdAt: Timestamp, expiresAt: Timestamp) {
        self.id = id
        self.recipient = recipient
        self.customerId = customerId
        self.reference = reference
        self.codeSalt = codeSalt
        self.codeHash = codeHash
        self.status = status
        self.tries = tries
        self.maxTries = maxTries
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// One-time-code challenges, with guarded status and try-count updates.
public struct ChallengeRepository {
    let db: Connection

    public func insert(_ challenge: ChallengeRecord) throws {
        try db.execute("""
            INSERT INTO risk_challenges (id, recipient, customer_id, reference, code_salt, code_hash, status, tries, max_tries,
                                         created_at, expires_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [challenge.id, challenge.recipient, challenge.customerId, challenge.reference, challenge.codeSalt,
                  challenge.codeHash, challenge.status.rawValue, challenge.tries, challenge.maxTries,
                  challenge.createdAt.milliseconds, challenge.expiresAt.milliseconds, challenge.createdAt.milliseconds])
    }

    public func find(_ id: String) throws -> ChallengeRecord? {
        try db.row("SELECT * FROM risk_challenges WHERE id = ?", [id]).map(Self.decode)
    }

    /// The newest challenge for `reference` whatever its state (a spent or failed one answers a
    /// late code with why it no longer counts).
    public func latest(reference: String) throws -> ChallengeRecord? {
        try db.row("SELECT * FROM risk_challenges WHERE reference = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                   [reference]).map(Self.decode)
    }

    /// Counts one try made when `tries` were made before, moving to `status`; false when another
    /// process counted a try or settled the challenge first.
    public func recordTry(_ id: String, triesBefore: Int, status: ChallengeRecord.Status, at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE risk_challenges SET tries = tries + 1, status = ?, updated_at = ?
            WHERE id = ? AND status = ? AND tries = ?
            """, [status.rawValue, now.milliseconds, id, ChallengeRecord.Status.pending.rawValue, triesBefore]) == 1
    }

    /// Marks a pending challenge expired; false when it was settled first.
    public func expire(_ id: String, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE risk_challenges SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                       [ChallengeRecord.Status.expired.rawValue, now.milliseconds, id, ChallengeRecord.Status.pending.rawValue]) == 1
    }

    static func decode(_ row: Row) throws -> ChallengeRecord {
        guard let status = ChallengeRecord.Status(rawValue: row.string("status")) else {
            throw PayError.internal("challenge \(row.string("id")): unknown status '\(row.string("status"))'")
        }
        return ChallengeRecord(id: row.string("id"), recipient: row.string("recipient"), customerId: row.optionalString("customer_id"),
                               reference: row.optionalString("reference"), codeSalt: row.blob("code_salt"),
                               codeHash: row.blob("code_hash"), status: status, tries: row.int("tries"),
                               maxTries: row.int("max_tries"), createdAt: Timestamp(milliseconds: row.int64("created_at")),
                               expiresAt: Timestamp(milliseconds: row.int64("expires_at")))
    }
}
