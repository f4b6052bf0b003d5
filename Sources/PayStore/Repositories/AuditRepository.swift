import PayCore

/// One row of `audit_log` as stored, its role and outcome as written. `AuditLog` (PayServices)
/// computes and checks the chain; here the fields are only kept and read back.
public struct AuditRecord: Sendable, Hashable {
    public let id: Int64
    public let at: Timestamp
    public let actor: String
    public let actorRole: String?
    public let action: String
    public let target: String?
    public let outcome: String
    public let origin: String
    public let detail: String?
    public let prevHash: String
    public let hash: String

    public init(id: Int64, at: Timestamp, actor: String, actorRole: String?, action: String, target: String?,
                outcome: String, origin: String, detail: String?, prevHash: String, hash: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.actorRole = actorRole
        self.action = action
        self.target = target
        self.outcome = outcome
        self.origin = origin
        self.detail = detail
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// The `audit_log` table: append-only rows with the ids `AuditLog` gives them.
public struct AuditRepository {
    let db: Connection

    static let columns = "id, at, actor, actor_role, action, target, outcome, origin, detail, prev_hash, hash"

    /// The largest id in the log, 0 for an empty one.
    public func maxId() throws -> Int64 {
        try db.scalarInt("SELECT MAX(id) FROM audit_log") ?? 0
    }

    public func insert(_ record: AuditRecord) throws {
        try db.execute("""
            INSERT INTO audit_log (id, at, actor, actor_role, action, target, outcome, origin, detail, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [record.id, record.at.milliseconds, record.actor, record.actorRole, record.action, record.target,
                  record.outcome, record.origin, record.detail, record.prevHash, record.hash])
    }

    /// The newest `limit` rows, newest first.
    public func newest(limit: Int) throws -> [AuditRecord] {
        try db.rows("SELECT \(Self.columns) FROM audit_log ORDER BY id DESC LIMIT ?", [limit]).map(Self.decode)
    }

    /// The rows about `target`, oldest first.
    public func forTarget(_ target: String, limit: Int) throws -> [AuditRecord] {
        try db.rows("SELECT \(Self.columns) FROM audit_log WHERE target = ? ORDER BY id LIMIT ?", [target, limit]).map(Self.decode)
    }

    /// Up to `limit` rows after id `after`, in id order: the log read in batches.
    public func after(_ after: Int64, limit: Int) throws -> [AuditRecord] {
        try db.rows("SELECT \(Self.columns) FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", [after, limit]).map(Self.decode)
    }

    /// The smallest id of a row whose hash is `hash`.
    public func firstId(withHash hash: String) throws -> Int64? {
        try db.scalarInt("SELECT id FROM audit_log WHERE hash = ? ORDER BY id LIMIT 1", [hash])
    }

    static func decode(_ row: Row) -> AuditRecord {
        AuditRecord(id: row.int64("id"), at: Timestamp(milliseconds: row.int64("at")), actor: row.string("actor"),
                    actorRole: row.optionalString("actor_role"), action: row.string("action"),
                    target: row.optionalString("target"), outcome: row.string("outcome"), origin: row.string("origin"),
                    detail: row.optionalString("detail"), prevHash: row.string("prev_hash"), hash: row.string("hash"))
    }
}
