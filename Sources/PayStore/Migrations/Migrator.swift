import PayCore

/// One schema version: the SQL that takes a store from `version - 1` to `version`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Brings a store to the newest schema, one migration per `PRAGMA user_version`, each in its own
/// transaction. Refuses a file that belongs to another program or to a newer PayDesk.
public struct Migrator: Sendable {
    /// `PRAGMA application_id` of every PayDesk store: "PAYD".
    public static let applicationID: Int64 = 0x5041_5944
    /// `PRAGMA application_id` of a sandbox PSP file: "PDSB".
    public static let sandboxApplicationID: Int64 = 0x5044_5342

    public let migrations: [Migration]
    /// The `PRAGMA application_id` that marks files of this schema (a store, a sandbox).
    public let applicationID: Int64
    /// What such a file is called in messages ("PayDesk store").
    public let kind: String

    public init(migrations: [Migration], applicationID: Int64 = Migrator.applicationID, kind: String = "PayDesk store") {
        self.applicationID = applicationID
        self.kind = kind
        precondition(zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version }
                     && (migrations.first?.version ?? 1) >= 1, "migrations must be numbered in increasing order from 1")
        self.migrations = migrations
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The store's current schema version (0 for an empty file).
    public static func currentVersion(_ db: Connection) throws(SQLiteError) -> Int {
        Int(try db.scalarInt("PRAGMA user_version") ?? 0)
    }

    /// Checks the file is a PayDesk store this binary understands, then applies what is missing.
    /// Returns the versions applied (empty when up to date).
    @discardableResult
    public func migrate(_ db: Connection, label: String) throws -> [Int] {
        let version = try Migrator.currentVersion(db)
        let appID = try db.scalarInt("PRAGMA application_id") ?? 0
        if version == 0 {
            let tables = try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table'") ?? 0
            if tables > 0 && appID != applicationID {
                throw PayError.invalidInput("\(label) '\(db.path)': not a \(kind) (it holds \(tables) tables of another program)")
            }
        } else if appID != applicationID {
            throw PayError.invalidInput("\(label) '\(db.path)': not a \(kind) (application id \(appID)\(appID == Migrator.sandboxApplicationID ? ": a sandbox file" : ""))")
        }
        if version > latestVersion {
            throw PayError.invalidInput("\(label) '\(db.path)': schema version \(version) is newer than this paydesk knows (\(latestVersion)); use a newer paydesk")
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > version {
            try db.inTransaction(.immediate) {
                // why: another process may have migrated while we waited for the write lock.
                guard try Migrator.currentVersion(db) < migration.version else { return }
                try db.execute(migration.sql)
                try db.execute("PRAGMA application_id = \(applicationID)")
                try db.execute("PRAGMA user_version = \(migration.version)")
                applied.append(migration.version)
            }
        }
        return applied
    }
}
