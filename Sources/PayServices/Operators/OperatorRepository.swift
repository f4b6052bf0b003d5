import PayCore
import PayStore

/// The `operators` table. Every change is a guarded update checked by the rows it changed.
struct OperatorRepository {
    let db: Connection

    init(_ store: Store) { db = store.db }

    static let columns = """
    name, role, password_hash, password_salt, password_iterations, failed_logins, locked_until,
    refund_limit_minor, refund_limit_currency, disabled, created_at, updated_at
    """

    func find(_ name: String) throws -> (account: OperatorAccount, password: PasswordHash?)? {
        guard let row = try db.row("SELECT \(Self.columns) FROM operators WHERE name = ?", [name]) else { return nil }
        return try Self.decode(row)
    }

    /// Every operator, by name.
    func all() throws -> [OperatorAccount] {
        try db.rows("SELECT \(Self.columns) FROM operators ORDER BY name").map { try Self.decode($0).account }
    }

    func insert(name: String, role: Role, password: PasswordHash, refundLimit: Money?, at now: Timestamp) throws {
        try db.execute("""
            INSERT INTO operators (name, role, password_hash, password_salt, password_iterations,
                                   refund_limit_minor, refund_limit_currency, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [name, role.rawValue, password.hash, password.salt, Int64(password.iterations),
                  refundLimit?.minorUnits, refundLimit?.currency.code, now.milliseconds, now.milliseconds])
    }

    /// Sets a new password and clears failed logins and a failure lockout (not an admin's lock).
    func setPassword(_ name: String, _ password: PasswordHash, at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE operators SET password_hash = ?, password_salt = ?, password_iterations = ?,
                   failed_logins = 0, locked_until = NULL, updated_at = ?
            WHERE name = ?
            """, [password.hash, password.salt, Int64(password.iterations), now.milliseconds, name]) == 1
    }

    /// Locks (`disabled = true`) or unlocks; unlocking also clears failed logins and a lockout.
    /// False when the operator was already in that state.
    func setDisabled(_ name: String, _ disabled: Bool, at now: Timestamp) throws -> Bool {
        if disabled {
            return try db.execute("UPDATE operators SET disabled = 1, updated_at = ? WHERE name = ? AND disabled = 0",
                                  [now.milliseconds, name]) == 1
        }
        return try db.execute("""
            UPDATE operators SET disabled = 0, failed_logins = 0, locked_until = NULL, updated_at = ?
            WHERE name = ? AND (disabled = 1 OR failed_logins > 0 OR locked_until IS NOT NULL)
            """, [now.milliseconds, name]) == 1
    }

    func setRefundLimit(_ name: String, _ limit: Money?, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE operators SET refund_limit_minor = ?, refund_limit_currency = ?, updated_at = ? WHERE name = ?",
                       [limit?.minorUnits, limit?.currency.code, now.milliseconds, name]) == 1
    }

    /// Counts one failed login; at `threshold` failures locks until `lockUntil` and starts the count
    /// again. Returns the failures counted so far and the lock set, if any. An account already
    /// locked out or disabled is not counted.
    func recordFailure(_ name: String, at now: Timestamp, threshold: Int, lockUntil: Timestamp) throws -> (failures: Int, lockedUntil: Timestamp?) {
        let changed = try db.execute("""
            UPDATE operators SET failed_logins = failed_logins + 1, updated_at = ?
            WHERE name = ? AND disabled = 0 AND (locked_until IS NULL OR locked_until <= ?)
            """, [now.milliseconds, name, now.milliseconds])
        guard changed == 1 else { return (0, nil) }
        let failures = Int(try db.scalarInt("SELECT failed_logins FROM operators WHERE name = ?", [name]) ?? 0)
        guard failures >= threshold else { return (failures, nil) }
        try db.execute("UPDATE operators SET failed_logins = 0, locked_until = ?, updated_at = ? WHERE name = ? AND failed_logins >= ?",
                       [lockUntil.milliseconds, now.milliseconds, name, Int64(threshold)])
        return (failures, lockUntil)
    }

    /// Records a good login: clears failures and an expired lockout. False when, since the password
    /// was checked, the account was locked or its password changed (the login then fails).
    func recordSuccess(_ name: String, passwordHash: [UInt8], at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE operators SET failed_logins = 0, locked_until = NULL, updated_at = ?
            WHERE name = ? AND password_hash = ? AND disabled = 0 AND (locked_until IS NULL OR locked_until <= ?)
            """, [now.milliseconds, name, passwordHash, now.milliseconds]) == 1
    }

    static func decode(_ row: Row) throws -> (account: OperatorAccount, password: PasswordHash?) {
        let role = try Role.parse(row.string("role"), field: "operator '\(row.string("name"))' role")
        var limit: Money?
        if let minor = row.optionalInt64("refund_limit_minor") {
            let code = row.optionalString("refund_limit_currency") ?? Currency.CNY.code
            limit = Money(minorUnits: minor, currency: try Currency.parse(code, field: "operator '\(row.string("name"))' refund limit currency"))
        }
        let iterations = row.optionalInt64("password_iterations").map(Int.init)
        let account = OperatorAccount(
            name: row.string("name"), role: role, refundLimit: limit, failedLogins: row.int("failed_logins"),
            lockedUntil: row.optionalInt64("locked_until").map(Timestamp.init(milliseconds:)),
            disabled: row.bool("disabled"), passwordIterations: iterations,
            createdAt: Timestamp(milliseconds: row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: row.int64("updated_at")))
        var password: PasswordHash?
        if let hash = row.optionalBlob("password_hash"), let salt = row.optionalBlob("password_salt"), let iterations,
           !hash.isEmpty, !salt.isEmpty {
            password = PasswordHash(hash: hash, salt: salt, iterations: iterations)
        }
        return (account, password)
    }
}
