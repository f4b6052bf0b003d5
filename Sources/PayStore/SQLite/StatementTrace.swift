import CSQLite3

/// Every statement a connection runs while a trace is attached to it (`Connection.trace`), with
/// its arguments, transaction control included — what a piece of service code costs the store,
/// counted and kept so `paydesk bench` can replay the very same work with no service code around
/// it (its floor). Not `Sendable`: it belongs to its connection's isolation domain.
public final class StatementTrace {
    /// One statement as it ran.
    public struct Entry: Sendable {
        public let sql: String
        public let arguments: [DatabaseValue]

        /// `BEGIN IMMEDIATE`: a write transaction (a durable commit when it changes a row).
        public var beginsWrite: Bool { sql == "BEGIN IMMEDIATE" }
        /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE.
        public var isTransactionControl: Bool {
            sql.hasPrefix("BEGIN") || sql == "COMMIT" || sql == "ROLLBACK" || sql.hasPrefix("SAVEPOINT")
                || sql.hasPrefix("RELEASE") || sql.hasPrefix("ROLLBACK TO")
        }
    }

    /// The statements recorded so far (none when `keeps` is off: then only counted).
    public private(set) var entries: [Entry] = []
    /// Statements run since the trace was attached, transaction control included.
    public private(set) var count = 0
    /// Write transactions begun (`BEGIN IMMEDIATE`).
    public private(set) var writeTransactions = 0
    /// Whether to keep the entries (for a replay) or only count them.
    public let keeps: Bool

    public init(keeps: Bool = true) { self.keeps = keeps }

    func record(_ sql: String, _ arguments: [DatabaseValue]) {
        count += 1
        if sql == "BEGIN IMMEDIATE" { writeTransactions += 1 }
        if keeps { entries.append(Entry(sql: sql, arguments: arguments)) }
    }

    /// Forgets what was recorded and counted.
    public func reset() {
        entries.removeAll(keepingCapacity: true)
        count = 0
        writeTransactions = 0
    }

    /// Runs `entries` on `db` as they were recorded — each statement prepared once (the
    /// connection's cache), bound, stepped to its end, rows read and dropped — and nothing else.
    /// A statement that fails (a replay interleaved differently from the recording may find a row
    /// gone) rolls its transaction back and the replay goes on at the next BEGIN; returns how many
    /// statements failed so.
    @discardableResult
    public static func replay(_ entries: [Entry], on db: Connection) -> Int {
        var failures = 0
        var skipping = false
        for entry in entries {
            if skipping {
                guard entry.sql.hasPrefix("BEGIN") else { continue }
                skipping = false
            }
            do {
                let statement = try db.cachedStatement(entry.sql)
                try statement.bind(entry.arguments)
                try statement.drain()
            } catch {
                failures += 1
                if db.isInTransaction {
                    if let rollback = try? db.cachedStatement("ROLLBACK") { try? rollback.drain() }
                    skipping = true
                }
            }
        }
        return failures
    }
}

extension Statement {
    /// Steps the statement to its end, reading each row's columns the way `rows()` would and
    /// keeping none (a replay's reads cost what the service's did).
    func drain() throws(SQLiteError) {
        defer { sqlite3_reset(handle) }
        let columns = sqlite3_column_count(handle)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw connectionError(code) }
            for i in 0..<columns {
                switch sqlite3_column_type(handle, i) {
                case SQLITE_INTEGER: _ = sqlite3_column_int64(handle, i)
                case SQLITE_FLOAT: _ = sqlite3_column_double(handle, i)
                case SQLITE_TEXT: _ = sqlite3_column_text(handle, i).map { String(cString: $0) }
                case SQLITE_BLOB: _ = sqlite3_column_blob(handle, i)
                default: break
                }
            }
        }
    }
}
