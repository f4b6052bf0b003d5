import Foundation
import Synchronization
import Testing
import PayCore
@testable import PayStore
import TestSupport

/// Stores sharing one writer (`paydesk serve`'s lanes): writes of several stores ride in one
/// durable commit, each still answered on its own.
@Suite("Group commit")
struct GroupCommitTests {
    /// A store file with one business line, and a shared writer over it.
    final class Shared: @unchecked Sendable {
        // why @unchecked: immutable after init; the writer is Sendable, the directory only removes itself.
        let base: TestStore
        let path: String
        let writer: GroupCommitWriter

        init() throws {
            base = try TestStore()
            path = base.path
            writer = try GroupCommitWriter(path: path)
        }

        func lane() throws -> Store { try Store.open(path: path, groupCommit: writer) }

        /// The order numbers a fresh connection finds in the file: what is durable.
        func ordersOnDisk() throws -> [String] {
            let db = try Connection(path: path, create: false)
            return try db.rows("SELECT order_no FROM orders ORDER BY order_no").map { $0.string("order_no") }
        }
    }

    static func create(_ no: String, in store: Store) throws {
        let draft = OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo(no),
                               amount: Money(minorUnits: 1_000, currency: .CNY))
        _ = try store.orders.create(draft, serial: SerialGenerator(clock: SystemClock()).next(.order),
                                    at: Timestamp(milliseconds: 1_790_000_000_000), operator: "t")
    }

    /// Runs `first` on a thread of its own as a write that holds the shared connection until a
    /// second write (`second`, on another thread) waits for it, so both land in one batch.
    /// Returns each write's error text, or "ok".
    static func oneBatch(_ shared: Shared, first: @escaping @Sendable (Store) throws -> Void,
                         second: @escaping @Sendable (Store) throws -> Void) -> (first: String, second: String) {
        let results = Texts(["?", "?"])
        let inside = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            results.record(0) {
                let store = try shared.lane()
                try store.write {
                    inside.signal()
                    while shared.writer.waitingWriters == 0 { usleep(1_000) }
                    try first(store)
                }
            }
            done.signal()
        }
        inside.wait()
        Thread.detachNewThread {
            results.record(1) {
                let store = try shared.lane()
                try store.write { try second(store) }
            }
            done.signal()
        }
        done.wait()
        done.wait()
        let both = results.all
        return (both[0], both[1])
    }

    /// Texts written from several threads.
    final class Texts: Sendable {
        let texts: Mutex<[String]>
        init(_ texts: [String]) { self.texts = Mutex(texts) }
        var all: [String] { texts.withLock { $0 } }
        func append(_ text: String) { texts.withLock { $0.append(text) } }
        func record(_ index: Int, _ body: () throws -> Void) {
            do {
                try body()
                texts.withLock { $0[index] = "ok" }
            } catch {
                texts.withLock { $0[index] = "\(error)" }
            }
        }
    }

    @Test("two stores' writes in one batch: one durable commit, both in the file after reopening")
    func twoWritesOneCommit() throws {
        let shared = try Shared()
        let before = shared.writer.committedBatches
        let results = Self.oneBatch(shared, first: { try Self.create("A-1", in: $0) }, second: { try Self.create("B-1", in: $0) })
        #expect(results == ("ok", "ok"))
        #expect(shared.writer.committedBatches == before + 1, "one commit carried both writes")
        #expect(try shared.ordersOnDisk() == ["A-1", "B-1"])
    }

    @Test("a write that throws in a batch rolls back only itself; the other's write is kept")
    func failingWriteAlone() throws {
        let shared = try Shared()
        let results = Self.oneBatch(shared, first: { store in
            try Self.create("A-2", in: store)
            throw PayError.conflict("first refuses")
        }, second: { try Self.create("B-2", in: $0) })
        #expect(results.first.contains("first refuses"))
        #expect(results.second == "ok")
        #expect(try shared.ordersOnDisk() == ["B-2"])

        let again = Self.oneBatch(shared, first: { try Self.create("A-3", in: $0) }, second: { store in
            try Self.create("B-3", in: store)
            throw PayError.conflict("second refuses")
        })
        #expect(again.first == "ok" && again.second.contains("second refuses"))
        #expect(try shared.ordersOnDisk() == ["A-3", "B-2"])
    }

    @Test("a batch whose COMMIT fails fails every write in it, keeps nothing, and the writer goes on")
    func failedCommitFailsAll() throws {
        let shared = try Shared()
        // why a deferred foreign key: it is checked at COMMIT only, so the batch fails there.
        try shared.base.store.db.execute("""
            CREATE TABLE gc_parent (id INTEGER PRIMARY KEY);
            CREATE TABLE gc_child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let results = Self.oneBatch(shared, first: { try Self.create("A-4", in: $0) }, second: { store in
            try store.db.execute("INSERT INTO gc_child (parent) VALUES (?)", [999])
        })
        #expect(results.first.contains("group commit failed"), "\(results)")
        #expect(results.second.contains("group commit failed"), "\(results)")
        #expect(try shared.ordersOnDisk().isEmpty)

        let store = try shared.lane()
        try store.write { try Self.create("C-4", in: store) }
        #expect(try shared.ordersOnDisk() == ["C-4"])
    }

    @Test("group mode keeps write's meaning: nested writes join, deferred records ride, hooks run only after a commit")
    func writeContract() throws {
        let shared = try Shared()
        let store = try shared.lane()
        #expect(store.groupCommit === shared.writer)
        try store.write { try store.db.execute("CREATE TABLE log (v TEXT)") }

        #expect(throws: PayError.self) {
            try store.write {
                try store.write { try Self.create("N-1", in: store) }
                throw PayError.conflict("outer refuses")
            }
        }
        #expect(try shared.ordersOnDisk().isEmpty, "the nested write went with the outer one")

        store.db.writeWithNextTransaction { [unowned store] in try store.db.execute("INSERT INTO log (v) VALUES ('call')") }
        // A repository made outside the write (on the store's own connection) counts through the writer's.
        store.metrics.countWithNextTransaction("group.test", label: "t", at: Timestamp(milliseconds: 1_790_000_000_000))
        let ran = Texts([])
        try store.write {
            try Self.create("N-2", in: store)
            store.db.afterCommit { ran.append("kept") }
            #expect(ran.all.isEmpty, "a hook waits for the commit")
        }
        #expect(ran.all == ["kept"])
        let db = try Connection(path: shared.path, create: false)
        #expect(try db.scalarInt("SELECT count(*) FROM log") == 1, "the deferred record rode in the write")
        #expect(try db.scalarInt("SELECT sum(count) FROM metric_events_minute WHERE event = 'group.test'") == 1)
        #expect(try shared.ordersOnDisk() == ["N-2"])

        _ = try? store.write {
            store.db.afterCommit { ran.append("dropped") }
            throw PayError.conflict("refused")
        }
        #expect(ran.all == ["kept"], "a rolled-back write's hook never runs")

        // Reads outside a write see the store's own connection: never another store's open batch.
        #expect(store.db !== shared.writer.connection)
    }

    @Test("a writer for another file is refused")
    func otherFileRefused() throws {
        let shared = try Shared()
        let other = try TestStore()
        #expect(throws: PayError.self) { try Store.open(path: other.path, groupCommit: shared.writer) }
    }
}
