import Testing
import Foundation
import PayCore
@testable import PayStore
import TestSupport

@Suite("Migrations and opening a store")
struct MigrationTests {
    @Test("an empty file migrates to the newest version, and a second open changes nothing")
    func migratesFromEmptyThenIsUpToDate() throws {
        let dir = TemporaryDirectory()
        let db = try Connection(path: dir.path("s.db"))
        let applied = try Schema.migrator.migrate(db, label: "store")
        #expect(applied == Schema.migrator.migrations.map(\.version))
        #expect(try Migrator.currentVersion(db) == Schema.migrator.latestVersion)
        #expect(try Schema.migrator.migrate(db, label: "store").isEmpty)
        #expect(try db.scalarInt("PRAGMA application_id") == Migrator.applicationID)
        #expect(try db.row("PRAGMA journal_mode")?.string("journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try db.scalarInt("PRAGMA synchronous") == 2, "FULL")
    }

    @Test("a store written by a newer PayDesk is refused, not touched")
    func refusesNewerSchema() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("s.db")
        _ = try Store.open(path: path, create: true)
        let db = try Connection(path: path)
        try db.execute("PRAGMA user_version = 999")
        #expect { try Store.open(path: path) } throws: { error in
            (error as? PayError)?.message.contains("schema version 999 is newer than this paydesk knows") == true
        }
        #expect(try Migrator.currentVersion(db) == 999)
    }

    @Test("another program's database and a file that is not a database are refused clearly")
    func refusesForeignFiles() throws {
        let dir = TemporaryDirectory()
        let foreign = dir.path("other.db")
        let db = try Connection(path: foreign)
        try db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        #expect { try Store.open(path: foreign) } throws: { error in
            (error as? PayError)?.message.contains("not a PayDesk store") == true
        }
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'orders'") == 0, "nothing was created")

        let text = dir.path("notes.txt")
        try Data(String(repeating: "hello paydesk\n", count: 200).utf8).write(to: URL(fileURLWithPath: text))
        #expect { try Store.open(path: text) } throws: { error in
            (error as? PayError)?.message == "store '\(text)': not a PayDesk store (the file is not an SQLite database)"
        }
        #expect { try Store.open(path: dir.path("missing.db")) } throws: { error in (error as? PayError)?.kind == .notFound }
    }

    @Test("an empty file is not a store: refused without create, and nothing is written into it")
    func refusesEmptyFiles() throws {
        let dir = TemporaryDirectory()
        let empty = dir.path("empty.db")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect { try Store.open(path: empty) } throws: { error in
            (error as? PayError)?.kind == .invalidInput
                && (error as? PayError)?.message == "store '\(empty)': not a PayDesk store (the file is empty); create a store with `paydesk init --db \(empty)`"
        }
        #expect(FileSystem.size(empty) == 0)
        #expect(!FileSystem.exists(empty + "-wal"))

        // An SQLite file without a PayDesk schema (say a store whose init never ran) likewise.
        let blank = dir.path("blank.db")
        do { let db = try Connection(path: blank); try db.execute("PRAGMA user_version = 0") }
        #expect { try Store.open(path: blank) } throws: { error in
            (error as? PayError)?.message.contains("not a PayDesk store (no PayDesk schema in it)") == true
        }
        #expect(try Migrator.currentVersion(Connection(path: blank)) == 0)
        // Creating is still what `create` is for.
        _ = try Store.open(path: empty, create: true)
        #expect(try Migrator.currentVersion(Connection(path: empty)) == Schema.migrator.latestVersion)
    }
}

@Suite("Transactions")
struct TransactionTests {
    @Test("a transaction commits what its body wrote")
    func commits() throws {
        let t = try TestStore()
        _ = try t.order("A1")
        #expect(try t.store.orders.count() == 1)
    }

    @Test("a throw inside a transaction rolls back everything it wrote")
    func rollsBack() throws {
        let t = try TestStore()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try t.store.db.inTransaction {
                let draft = OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo("A1"),
                                       amount: Money(minorUnits: 100, currency: .CNY),
                                       items: [try LineItem(name: "x", quantity: 1, unitPrice: Money(minorUnits: 100, currency: .CNY))])
                _ = try t.store.orders.create(draft, serial: t.serials.next(.order), at: t.now, operator: nil)
                throw Boom()
            }
        }
        #expect(try t.store.orders.count() == 0)
        #expect(try t.store.db.scalarInt("SELECT count(*) FROM order_items") == 0)
        #expect(!t.store.db.isInTransaction)
    }

    @Test("a failing nested transaction rolls back only its own part")
    func nestedSavepoint() throws {
        let t = try TestStore()
        struct Boom: Error {}
        try t.store.db.inTransaction {
            try t.store.meta.set("outer", "kept")
            try? t.store.db.inTransaction {
                try t.store.meta.set("inner", "dropped")
                throw Boom()
            }
        }
        #expect(try t.store.meta.value("outer") == "kept")
        #expect(try t.store.meta.value("inner") == nil)
    }

    @Test("work registered for after the commit runs once it committed, and never for what was rolled back")
    func afterCommitHooks() throws {
        let t = try TestStore()
        struct Boom: Error {}
        nonisolated(unsafe) var ran: [String] = []
        // why nonisolated(unsafe): the hooks run synchronously on this thread, inside inTransaction.
        try t.store.db.inTransaction {
            try t.store.meta.set("a", "1")
            t.store.db.afterCommit { ran.append("outer") }
            try? t.store.db.inTransaction {
                t.store.db.afterCommit { ran.append("failed savepoint") }
                throw Boom()
            }
            try t.store.db.inTransaction { t.store.db.afterCommit { ran.append("savepoint") } }
            #expect(ran.isEmpty, "nothing runs before the commit")
        }
        #expect(ran == ["outer", "savepoint"])
        ran = []
        _ = try? t.store.db.inTransaction {
            t.store.db.afterCommit { ran.append("rolled back") }
            throw Boom()
        }
        try t.store.db.inTransaction { try t.store.meta.set("b", "2") }
        #expect(ran.isEmpty)
        t.store.db.afterCommit { ran.append("no transaction") }
        #expect(ran == ["no transaction"])
    }

    @Test("a constraint failure carries the extended code, the SQL and the arguments")
    func errorsCarryContext() throws {
        let t = try TestStore()
        do {
            try t.store.db.execute("INSERT INTO business_lines (code, name, default_currency, created_at) VALUES (?, ?, ?, ?)",
                                   ["retail", "again", "CNY", 1])
            Issue.record("a duplicate primary key was accepted")
        } catch {
            #expect(error.isUniqueViolation)
            #expect(error.sql?.contains("INSERT INTO business_lines") == true)
            #expect(error.arguments.contains(.text("retail")))
        }
    }
}
