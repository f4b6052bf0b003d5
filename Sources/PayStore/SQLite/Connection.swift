#if canImport(Glibc)
import Glibc
#endif
import CSQLite3

/// One SQLite connection. Not `Sendable`: a connection belongs to one isolation domain (the
/// console's main actor, or the worker); another domain opens its own.
public final class Connection {
    let handle: OpaquePointer
    public let path: String
    private var cache: [String: Statement] = [:]
    /// Statement texts built from a shape, by name and shape (`text(_:shape:build:)`).
    private var shapedTexts: [ShapedText: String] = [:]
    /// Transactions committed on this connection that changed at least one row: the durable
    /// commits (`bench pay` reports them per payment). A transaction that wrote nothing costs no fsync.
    public internal(set) var committedWrites = 0
    /// Statements run with `execute(_:_:)`, `rows` and `row` since the connection opened (not
    /// BEGIN / COMMIT): how tests check that a screen's work costs the queries it should.
    public private(set) var statementsRun = 0
    /// Records every statement run on this connection while set (transaction control included):
    /// `paydesk bench` counts and replays a payment's store work with it.
    public var trace: StatementTrace?
    /// Work to do once the open transaction commits (dropped when it rolls back); see `afterCommit`.
    var commitHooks: [() -> Void] = []
    /// Rows to write in the next transaction on this connection; see `writeWithNextTransaction`.
    var deferredWrites: [(Connection) throws -> Void] = []

    /// How durable a commit must be. The store keeps money: `full`. The sandbox may relax.
    public enum Synchronous: String, Sendable { case off = "OFF", normal = "NORMAL", full = "FULL" }

    /// Opens (creating when asked) the database at `path` in WAL mode with foreign keys on and a
    /// busy timeout, so several processes can share it.
    public init(path: String, create: Bool = true, synchronous: Synchronous = .full,
                busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(extendedCode: code, message: "cannot open '\(path)': \(message)")
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        Connection.installBusyHandler(db, timeoutMilliseconds: busyTimeoutMilliseconds)
        // why: reading the schema first makes a file that is not a database fail here, clearly.
        // A throw from here on runs deinit (the object is fully initialised), which closes the handle.
        _ = try scalarInt("PRAGMA schema_version")
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = \(synchronous.rawValue)")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Waits for another writer the way a busy payment center wants: short sleeps first (a write
    /// transaction here lasts well under a millisecond), longer ones later, giving up after the
    /// timeout. why: SQLite's own `busy_timeout` sleeps in steps that grow to 100 ms, so a handful
    /// of processes writing at once spend most of their time asleep behind a lock long since free.
    static func installBusyHandler(_ db: OpaquePointer, timeoutMilliseconds: Int32) {
        let budget = UnsafeMutableRawPointer(bitPattern: Int(timeoutMilliseconds) << 1 | 1)
        sqlite3_busy_handler(db, { context, tries in
            let timeoutMs = Int(bitPattern: context) >> 1
            // 200 µs for the first 50 tries (10 ms), then 2 ms each.
            let waitedMs = tries < 50 ? Int(tries) / 5 : 10 + (Int(tries) - 50) * 2
            if waitedMs >= timeoutMs { return 0 }
            usleep(tries < 50 ? 200 : 2_000)
            return 1
        }, budget)
    }

    private struct ShapedText: Hashable {
        let name: String
        let shape: [Int]
    }

    /// The text `build` makes for `shape`, built the first time this connection asks for it: for
    /// a statement whose text depends only on how many of something there are (windows, lists,
    /// values — each value a placeholder, never in the text), so a caller that asks it often
    /// does not build the whole text again (a risk decision's is about 2.5 KB).
    public func text(_ name: String, shape: [Int], build: () -> String) -> String {
        let key = ShapedText(name: name, shape: shape)
        if let text = shapedTexts[key] { return text }
        let text = build()
        shapedTexts[key] = text
        return text
    }

    /// A prepared statement from the cache, keyed by its SQL text.
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = cache[sql] { return statement }
        let statement = try Statement(connection: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// Runs SQL that may hold several statements and takes no arguments (schema, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        trace?.record(sql, [])
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Runs one statement with arguments; returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ arguments: StatementArguments) throws(SQLiteError) -> Int {
        let statement = try cachedStatement(sql)
        statementsRun += 1
        let values = arguments.databaseValues
        trace?.record(sql, values)
        try statement.bind(values)
        try statement.execute()
        return Int(sqlite3_changes(handle))
    }

    /// Every row of a query.
    public func rows(_ sql: String, _ arguments: StatementArguments = []) throws(SQLiteError) -> [Row] {
        let statement = try cachedStatement(sql)
        statementsRun += 1
        let values = arguments.databaseValues
        trace?.record(sql, values)
        try statement.bind(values)
        return try statement.rows()
    }

    /// Each row of a query, handed to `body` as it is read (none kept). The statement is prepared
    /// for this scan alone, so `body` may run other queries, even this one.
    public func forEachRow(_ sql: String, _ arguments: StatementArguments = [], _ body: (Row) throws -> Void) throws {
        let statement = try Statement(connection: self, sql: sql)
        statementsRun += 1
        let values = arguments.databaseValues
        trace?.record(sql, values)
        try statement.bind(values)
        try statement.forEachRow(body)
    }

    /// The first row of a query, or nil.
    public func row(_ sql: String, _ arguments: StatementArguments = []) throws(SQLiteError) -> Row? {
        let statement = try cachedStatement(sql)
        statementsRun += 1
        let values = arguments.databaseValues
        trace?.record(sql, values)
        try statement.bind(values)
        return try statement.firstRow()
    }

    /// The first column of the first row as an integer, or nil when there is no row or it is NULL.
    public func scalarInt(_ sql: String, _ arguments: StatementArguments = []) throws(SQLiteError) -> Int64? {
        guard let row = try row(sql, arguments) else { return nil }
        if case .integer(let v) = row[0] { return v }
        return nil
    }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    func error(code: Int32, sql: String? = nil, arguments: [DatabaseValue] = []) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        return SQLiteError(extendedCode: extended != 0 ? extended : code,
                           message: String(cString: sqlite3_errmsg(handle)), sql: sql, arguments: arguments)
    }
}

extension Connection {
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN: the kind every write uses, so two processes wait on the
        /// busy timeout instead of failing half-way with a snapshot conflict.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"

        var begin: String {
            switch self {
            case .deferred: "BEGIN DEFERRED"
            case .immediate: "BEGIN IMMEDIATE"
            case .exclusive: "BEGIN EXCLUSIVE"
            }
        }
    }

    /// Runs a transaction control statement (BEGIN, COMMIT, SAVEPOINT …) from the statement
    /// cache: why: `sqlite3_exec` would parse and prepare it again every time, on every write.
    func control(_ sql: String) throws(SQLiteError) {
        trace?.record(sql, [])
        let statement = try cachedStatement(sql)
        try statement.drain()
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Nested calls join the outer transaction through a savepoint.
    public func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction {
            let hooksBefore = commitHooks.count
            try control("SAVEPOINT nested")
            do {
                let result = try body()
                try control("RELEASE nested")
                return result
            } catch {
                try? control("ROLLBACK TO nested")
                try? control("RELEASE nested")
                commitHooks.removeSubrange(min(hooksBefore, commitHooks.count)...)
                throw error
            }
        }
        try control(kind.begin)
        commitHooks = []
        let changesBefore = sqlite3_total_changes64(handle)
        do {
            let result = try body()
            runDeferredWrites()
            try control("COMMIT")
            if sqlite3_total_changes64(handle) != changesBefore { committedWrites += 1 }
            let hooks = commitHooks
            commitHooks = []
            for hook in hooks { hook() }
            return result
        } catch {
            if isInTransaction { try? control("ROLLBACK") }
            commitHooks = []
            throw error
        }
    }

    /// Runs `body` once the transaction open on this connection has committed, in the order
    /// registered; drops it when the transaction (or the savepoint it was registered in) rolls
    /// back. Outside a transaction it runs at once. For records kept outside the database that
    /// must never claim a write that did not happen (the audit log's anchor file).
    public func afterCommit(_ body: @escaping () -> Void) {
        if isInTransaction { commitHooks.append(body) } else { body() }
    }

    /// Writes a record that needs no commit of its own (a log row beside the data, such as a
    /// channel call) inside the next transaction on this connection, just before it commits, so
    /// it costs no extra durable commit; inside an open transaction it is written at once. A
    /// failing write is dropped and never fails the transaction that carries it.
    /// `flushDeferredWrites` writes what is waiting in a transaction of its own.
    public func writeWithNextTransaction(_ body: @escaping () throws -> Void) {
        writeWithNextTransaction { _ in try body() }
    }

    /// `writeWithNextTransaction`, handing `body` the connection the carrying transaction runs
    /// on: this one, or in group-commit mode the shared writer's (`GroupCommitWriter`). A record
    /// that may ride in a group-committed write must write through that connection.
    public func writeWithNextTransaction(_ body: @escaping (Connection) throws -> Void) {
        if isInTransaction { try? body(self) } else { deferredWrites.append(body) }
    }

    /// Whether records wait for the next transaction.
    public var hasDeferredWrites: Bool { !deferredWrites.isEmpty }

    /// Writes the waiting records now, in their own transaction.
    public func flushDeferredWrites() throws {
        guard !deferredWrites.isEmpty else { return }
        try inTransaction(.immediate) {}
    }

    private func runDeferredWrites() {
        guard !deferredWrites.isEmpty else { return }
        let writes = deferredWrites
        deferredWrites = []
        for write in writes { try? write(self) }
    }
}
