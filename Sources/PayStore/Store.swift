import PayCore

/// An open PayDesk store: one connection, migrated to the newest schema, and the repositories
/// over it. Not `Sendable`; each process or isolation domain opens its own.
///
/// In group-commit mode (`open(path:create:groupCommit:)`) the store keeps its own connection
/// for reads, and `write` runs on the shared `GroupCommitWriter`'s connection instead: inside a
/// write, `db` (and so every repository made from it) is that connection.
public final class Store {
    private let connection: Connection
    public let path: String
    /// The shared writer this store's writes go through, or nil (every write its own commit).
    public let groupCommit: GroupCommitWriter?
    /// The shared writer's connection while a write of this store runs on it.
    private var writing: Connection?

    /// The connection to use now: the shared writer's inside a group-committed write, else this
    /// store's own.
    public var db: Connection { writing ?? connection }

    private init(db: Connection, path: String, groupCommit: GroupCommitWriter?) {
        self.connection = db
        self.path = path
        self.groupCommit = groupCommit
    }

    /// Opens the store at `path`, creating it when `create` is set, and migrates it.
    ///
    /// Throws `notFound` when the file is missing and `create` is off, and `invalidInput` for a
    /// file that is not a PayDesk store or was written by a newer PayDesk. Without `create` an
    /// empty file (zero bytes, or an SQLite file without a PayDesk schema) is refused too and
    /// nothing is written to it: only `paydesk init` and the console's first run make a store.
    ///
    /// With `groupCommit` (a writer opened on the same `path`) the store's writes share durable
    /// commits with the other stores using that writer.
    public static func open(path: String, create: Bool = false, groupCommit: GroupCommitWriter? = nil) throws(PayError) -> Store {
        if let groupCommit, groupCommit.path != path {
            throw PayError.invalidInput("store '\(path)': the group commit writer is for '\(groupCommit.path)'")
        }
        if !create {
            guard FileSystem.exists(path) else {
                throw PayError.notFound("store '\(path)' does not exist; create it with `paydesk init --db \(path)`")
            }
            // why: SQLite takes a zero-byte file for an empty database, and opening it in WAL mode
            // would write a header into it (also when a WAL file lies beside it).
            guard FileSystem.size(path) > 0 else {
                throw PayError.invalidInput("store '\(path)': not a PayDesk store (the file is empty); create a store with `paydesk init --db \(path)`")
            }
        }
        do {
            let db = try Connection(path: path, create: create, synchronous: .full)
            if !create, try Migrator.currentVersion(db) == 0 {
                throw PayError.invalidInput("store '\(path)': not a PayDesk store (no PayDesk schema in it); create a store with `paydesk init --db \(path)`")
            }
            try Schema.migrator.migrate(db, label: "store")
            return Store(db: db, path: path, groupCommit: groupCommit)
        } catch let error as PayError {
            throw error
        } catch let error as SQLiteError where error.isNotADatabase {
            throw PayError.invalidInput("store '\(path)': not a PayDesk store (the file is not an SQLite database)")
        } catch let error as SQLiteError where error.isAccessDenied {
            throw cannotOpen(path, error)
        } catch {
            throw PayError.internal("store '\(path)': \(error)")
        }
    }

    /// Why SQLite could not open or write the store at `path`, in words: a path that cannot be a
    /// store (a missing folder, a folder), or what this user lacks — the file's read (and write)
    /// permission, or the folder's: SQLite keeps the store's `-wal` and `-shm` files beside it and
    /// creates them on open, to read as much as to write.
    static func cannotOpen(_ path: String, _ error: SQLiteError) -> PayError {
        let folder = FileSystem.folder(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if !FileSystem.isFolder(folder) {
            return PayError.invalidInput("store '\(path)': its folder '\(folder)' does not exist")
        }
        if FileSystem.isFolder(path) {
            return PayError.invalidInput("store '\(path)': a folder, not a store file")
        }
        let lacking = if FileSystem.exists(path) && !FileSystem.readable(path) {
            "this user may not read the file"
        } else if !FileSystem.writable(folder) {
            "this user may not create files in its folder '\(folder)', where SQLite keeps '\(name)-wal' and '\(name)-shm' (also to read)"
        } else if !FileSystem.writable(path) {
            "this user may not write the file"
        } else {
            "SQLite may not open it"
        }
        return PayError.notPermitted("store '\(path)': \(lacking); run as the store's owner or give this user access (SQLite: \(error.message))")
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, translating store failures into `PayError`.
    /// Returns once the transaction is durable; throws when it did not commit. A write inside a
    /// write joins it (a savepoint). In group-commit mode the transaction is a savepoint of the
    /// shared writer's batch, and the batch's commit is the durable one (see `GroupCommitWriter`).
    @discardableResult
    public func write<T>(_ body: () throws -> T) throws(PayError) -> T {
        do {
            // why the own connection's transaction: a write inside a `snapshot` joins it, as ever.
            if let groupCommit, writing == nil, !connection.isInTransaction {
                return try groupWrite(groupCommit, body)
            }
            return try db.inTransaction(.immediate, body)
        } catch let error as PayError {
            throw error
        } catch {
            throw PayError.internal("store: \(error)")
        }
    }

    private func groupWrite<T>(_ writer: GroupCommitWriter, _ body: () throws -> T) throws -> T {
        let (value, hooks) = try writer.write {
            writing = writer.connection
            defer { writing = nil }
            let value = try body()
            // why here: records deferred to "the next transaction" on this store ride in this one.
            for record in connection.takeDeferredWrites() { try? record(writer.connection) }
            return value
        }
        for hook in hooks { hook() }
        return value
    }

    /// Writes the records waiting for the next transaction (`Connection.writeWithNextTransaction`)
    /// now, in a write of their own.
    public func flushDeferredWrites() throws(PayError) {
        guard connection.hasDeferredWrites else { return }
        try write {}
    }

    /// Runs a read, translating store failures into `PayError`.
    public func read<T>(_ body: () throws -> T) throws(PayError) -> T {
        do {
            return try body()
        } catch let error as PayError {
            throw error
        } catch {
            throw PayError.internal("store: \(error)")
        }
    }

    /// Runs reads in one (deferred) transaction, so they all see one state of the store.
    public func snapshot<T>(_ body: () throws -> T) throws(PayError) -> T {
        try read { try db.inTransaction(.deferred, body) }
    }

    public var meta: MetaRepository { MetaRepository(db: db) }
    public var businessLines: BusinessLineRepository { BusinessLineRepository(db: db) }
    public var merchants: MerchantRepository { MerchantRepository(db: db) }
    public var channelAccounts: ChannelAccountRepository { ChannelAccountRepository(db: db) }
    public var orders: OrderRepository { OrderRepository(db: db) }
    public var attempts: PaymentAttemptRepository { PaymentAttemptRepository(db: db) }
    public var refunds: RefundRepository { RefundRepository(db: db) }
    public var refundLines: RefundLineRepository { RefundLineRepository(db: db) }
    public var idempotency: IdempotencyRepository { IdempotencyRepository(db: db) }
    public var leases: LeaseRepository { LeaseRepository(db: db) }
    public var outbox: OutboxRepository { OutboxRepository(db: db) }
    public var alerts: AlertRepository { AlertRepository(db: db) }
    public var callbacks: ChannelCallbackRepository { ChannelCallbackRepository(db: db) }
    public var invariants: InvariantRepository { InvariantRepository(db: db) }
    public var operators: OperatorRepository { OperatorRepository(db: db) }
    public var audit: AuditRepository { AuditRepository(db: db) }
    public var bulkSeed: BulkSeedRepository { BulkSeedRepository(db: db) }

    /// The clock this store runs on: the stored one for a `--simulated-clock` store, else the
    /// system clock. Read again whenever a long-running process starts a new round of work.
    public func clock() throws(PayError) -> any PayClock {
        try read { try meta.clock() }
    }
}
