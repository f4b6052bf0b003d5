import PayCore

/// The `operators` table. Every change is a guarded update checked by the rows it changed.
public struct OperatorRepository {
    let db: Connection

    public init(_ store: Store) { db = store.db }

    init(db: Connection) { self.db = db }

    static let columns = """
    name, role, password_hash, password_salt, password_iterations, failed_logins, locked_until,
    refund_limit_minor, refund_limit_currency, disabled, created_at, updated_at
    """

    public func find(_ name: String) throws -> (account: OperatorAccount, password: PasswordHash?)? {
        guard let row = try db.row("SELECT \(Self.columns) FROM operators WHERE name = ?", [name]) else { return nil }
        return try Self.decode(row)
    }

    /// Every operator, by name.
    public func all() throws -> [OperatorAccount] {
        try db.rows("SELECT \(Self.columns) FROM operators ORDER BY name").map { try Self.decode($0).account }
    }

    public func insert(name: String, role: Role, password: PasswordHash, refundLimit: Money?, at now: Timestamp) throws {
        try db.execute("""
            INSERT INTO operators (name, role, password_hash, password_salt, password_iterations,
                                   refund_limit_minor, refund_limit_currency, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [name, role.rawValue, password.hash, password.salt, Int64(password.iterations),
                  refundLimit?.minorUnits, refundLimit?.currency.code, now.milliseconds, now.milliseconds])
    }

    /// Sets a new password and clears failed logins and a failure lockout (not an admin's lock).
    public func setPassword(_ name: String, _ password: PasswordHash, at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE operators SET password_hash = ?, password_salt = ?, password_iterations = ?,
                   failed_logins = 0, locked_until = NULL, updated_at = ?
            WHERE name = ?
            """, [password.hash, password.salt, Int64(password.iterations), now.milliseconds, name]) == 1
    }

    /// Locks (`disabled = true`) or unlocks; unlocking also clears failed logins and a lockout.
    /// False when the operator was already in that state.
    public func setDisabled(_ name: String, _ disabled: Bool, at now: Timestamp) throws -> Bool {
        if disabled {
            return try db.execute("UPDATE operators SET disabled = 1, updated_at = ? WHERE name = ? AND disabled = 0",
                                  [now.milliseconds, name]) == 1
        }
        return try db.execute("""
            UPDATE operators SET disabled = 0, failed_logins = 0, locked_until = NULL, updated_at = ?
            WHERE name = ? AND (disabled = 1 OR failed_logins > 0 OR locked_until IS NOT NULL)
            """, [now.milliseconds, name]) == 1
    }

    public func setRefundLimit(_ name: String, _ limit: Money?, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE operators SET refund_limit_minor = ?, refund_limit_currency = ?, updated_at = ? WHERE name = ?",
                       [limit?.minorUnits, limit?.currency.code, now.milliseconds, name]) == 1
    }

    /// Reserves one password guess before the password is checked, counting it as a failure until
    /// a good login clears the count: one guarded update that tests and increments at once, so
    /// processes racing on one account never check more than `threshold` guesses per lock period.
    /// The guess that reaches `threshold` also locks the account until `lockUntil` (it is still
    /// checked). A lockout that has run out starts a new count. Returns the guesses counted with
    /// this one and the lock it set, or nil when the account is locked or disabled (nothing
    /// changed, no guess may be checked).
    public func reserveGuess(_ name: String, at now: Timestamp, threshold: Int, lockUntil: Timestamp) throws -> (guesses: Int, lockedUntil: Timestamp?)? {
        // why: every SET expression reads the row as it was; the WHERE clause leaves only an
        // account without a lock in force, so a lock still recorded here has run out.
        let changed = try db.execute("""
            UPDATE operators SET
                failed_logins = CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END,
                locked_until = CASE WHEN (CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END) >= ?
                                    THEN ? ELSE NULL END,
                updated_at = ?
            WHERE name = ? AND disabled = 0 AND (locked_until IS NULL OR locked_until <= ?)
            """, [Int64(threshold), lockUntil.milliseconds, now.milliseconds, name, now.milliseconds])
        guard changed == 1 else { return nil }
        let guesses = Int(try db.scalarInt("SELECT failed_logins FROM operators WHERE name = ?", [name]) ?? 0)
        return (guesses, guesses >= threshold ? lockUntil : nil)
    }

    /// Records a good login made with a reserved guess: clears the count and the lock that guess
    /// may have set. False when, since the guess was reserved, an administrator locked the account
    /// or its password changed (the login then fails).
    public func recordSuccess(_ name: String, passwordHash: [UInt8], at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE operators SET failed_logins = 0, locked_until = NULL, updated_at = ?
            WHERE name = ? AND password_hash = ? AND disabled = 0
            """, [now.milliseconds, name, passwordHash]) == 1
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
