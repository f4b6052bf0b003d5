import Testing
import PayCore
@testable import PayStore
import TestSupport

/// Records that ride in the next transaction instead of a durable commit of their own (the
/// timeline's channel calls).
@Suite("Writes deferred to the next transaction")
struct DeferredWriteTests {
    @Test("a deferred row is written by the next transaction, in it, and by a flush when none comes")
    func deferredRows() throws {
        let dir = TemporaryDirectory()
        let db = try Connection(path: dir.path("d.db"))
        try db.execute("CREATE TABLE log (v TEXT)")
        try db.execute("CREATE TABLE data (v TEXT)")
        func count(_ table: String) throws -> Int64 { try db.scalarInt("SELECT count(*) FROM \(table)") ?? -1 }

        let commitsBefore = db.committedWrites
        db.writeWithNextTransaction { try db.execute("INSERT INTO log (v) VALUES ('call 1')") }
        #expect(try count("log") == 0, "nothing written outside a transaction")
        #expect(db.hasDeferredWrites)
        try db.inTransaction { try db.execute("INSERT INTO data (v) VALUES ('result')") }
        #expect(try count("log") == 1 && count("data") == 1)
        #expect(db.committedWrites == commitsBefore + 1, "one commit carried both")

        db.writeWithNextTransaction { try db.execute("INSERT INTO log (v) VALUES ('call 2')") }
        #expect(throws: (any Error).self) { try db.inTransaction { throw PayError.internal("rolled back") } }
        #expect(try count("log") == 1, "a rolled-back transaction carries nothing")
        try db.flushDeferredWrites()
        #expect(try count("log") == 2)
        #expect(!db.hasDeferredWrites)

        db.writeWithNextTransaction { try db.execute("INSERT INTO no_such_table (v) VALUES (1)") }
        try db.inTransaction { try db.execute("INSERT INTO data (v) VALUES ('still')") }
        #expect(try count("data") == 2, "a failing record never fails the transaction carrying it")
    }
}
