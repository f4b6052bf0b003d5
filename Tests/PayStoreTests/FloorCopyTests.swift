import Testing
@testable import PayStore
import TestSupport

/// The copy `paydesk bench pay` replays its floor on.
@Suite("The bench's floor copy")
struct FloorCopyTests {
    @Test("a copy of a store in use holds what its write-ahead log holds, not only its main file")
    func copyHoldsTheLog() throws {
        let dir = TemporaryDirectory()
        let db = try Connection(path: dir.path("store.db"))
        // why: as a store another process has open — its commits wait in the log, not yet in the file.
        try db.execute("PRAGMA wal_autocheckpoint = 0")
        try db.execute("CREATE TABLE t (v INTEGER NOT NULL)")
        for value in 0..<100 {
            _ = try db.inTransaction { try db.execute("INSERT INTO t (v) VALUES (?)", [value]) }
        }
        try CommitProbe.copyAsItIs(dir.path("store.db"), to: dir.path("floor.db"))
        let copy = try Connection(path: dir.path("floor.db"), create: false)
        #expect(try copy.scalarInt("SELECT count(*) FROM t") == 100)
        #expect(try copy.scalarInt("SELECT sum(v) FROM t") == 4_950)
    }
}
