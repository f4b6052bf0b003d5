import Foundation
import PayCore

/// One write connection shared by the stores of one process (`paydesk serve`'s lanes), so
/// concurrent writes share durable commits: group commit.
///
/// Each write runs on the shared connection in a SAVEPOINT of the open batch transaction (the
/// first write of a batch opens it with `BEGIN IMMEDIATE`); a write that throws rolls back only
/// its own savepoint. When a write is done and no other write is waiting for the connection (or
/// the batch holds `maxBatch` writes) it commits the batch, and every write of the batch returns
/// only once that COMMIT is durable; a failed COMMIT (or anything that ends the transaction)
/// fails every write of the batch. With one writer at a time each batch holds one write: the
/// commit pattern of a store without group commit.
///
/// What the batching never does: decide anything. Every state change stays a guarded update
/// checked by rows changed, run on the one connection in the order the writes got it; a write
/// reads what earlier writes of its batch wrote (their fate is its fate: they commit together).
public final class GroupCommitWriter: @unchecked Sendable {
    // why @unchecked Sendable: the connection (not Sendable) is used only by the one thread that
    // holds the turn (`busy`, taken and given back under `condition`), so it is never used by two
    // threads at once, and the lock hands it over with a happens-before edge; every other mutable
    // field is read and written only with `condition` locked. `changesBefore` belongs to the turn
    // holder like the connection. Callers' closures run on their own thread and never escape.
    public let path: String
    /// The most writes one batch holds before it commits even with writers waiting.
    public let maxBatch: Int
    let connection: Connection
    private let condition = NSCondition()
    private var waiting = 0
    private var busy = false
    private var batchOpen = false
    /// The number of the open (or next) batch; batches finish in order.
    private var batch: UInt64 = 1
    private var finished: UInt64 = 0
    private var members = 0
    private var changesBefore: Int64 = 0
    private var failures: [UInt64: (message: String, remaining: Int)] = [:]
    private var durableCommits = 0

    /// Opens the shared writer's connection to the (already migrated) store at `path`.
    public init(path: String, maxBatch: Int = 64) throws(PayError) {
        guard maxBatch >= 1 else { throw PayError.invalidInput("group commit: maxBatch \(maxBatch) must be at least 1") }
        self.path = path
        self.maxBatch = maxBatch
        do {
            connection = try Connection(path: path, create: false, synchronous: .full)
        } catch {
            throw PayError.internal("store '\(path)': cannot open the group commit writer: \(error)")
        }
    }

    /// Batches committed that changed at least one row: the durable commits of every store using
    /// this writer (`bench pay` reports them per payment).
    public var committedBatches: Int {
        condition.lock()
        defer { condition.unlock() }
        return durableCommits
    }

    /// Writes waiting for the connection right now (tests use it to line up a batch).
    public var waitingWriters: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting
    }

    /// Runs `body` as one write of a batch on the shared connection and returns once the batch
    /// holding it is durable, with the `afterCommit` hooks it registered (the caller runs them).
    /// Throws `body`'s error (only its savepoint rolled back), or a `PayError.internal` when the
    /// batch it joined did not commit.
    func write<T>(_ body: () throws -> T) throws -> (value: T, hooks: [() -> Void]) {
        condition.lock()
        waiting += 1
        while busy { condition.wait() }
        waiting -= 1
        busy = true
        let opening = !batchOpen
        condition.unlock()

        if opening {
            do {
                if connection.isInTransaction { try connection.execute("ROLLBACK") }
                changesBefore = try connection.beginBatch()
            } catch {
                condition.lock()
                busy = false
                condition.broadcast()
                condition.unlock()
                throw error
            }
        }
        var result: Result<(value: T, hooks: [() -> Void]), any Error>
        do { result = .success(try connection.runBatchMember(body)) } catch { result = .failure(error) }
        let alive = connection.isInTransaction

        condition.lock()
        var mine: UInt64?
        if !alive {
            // why: SQLite ended the whole transaction (an I/O error, a trigger's RAISE(ROLLBACK)):
            // what the batch's earlier writes wrote is gone, so they fail with this one.
            if members > 0 { failures[batch] = ("the batch's transaction was rolled back by a failing write: \(result.errorText)", members) }
            if case .success = result { result = .failure(PayError.internal("group commit: the write ended the batch's transaction")) }
            endBatch()
        } else {
            batchOpen = true
            if case .success = result {
                members += 1
                mine = batch
            }
            if waiting == 0 || members >= maxBatch { commitBatch() }
        }
        busy = false
        condition.broadcast()
        if let mine {
            while finished < mine { condition.wait() }
            if var failure = failures[mine] {
                failure.remaining -= 1
                failures[mine] = failure.remaining == 0 ? nil : failure
                condition.unlock()
                throw PayError.internal("store: nothing of this write was kept: the group commit failed: \(failure.message)")
            }
        }
        condition.unlock()
        return try result.get()
    }

    /// Commits the open batch. Called with `condition` locked and the turn held; unlocks while
    /// the COMMIT runs (writers arriving meanwhile queue for the next batch).
    private func commitBatch() {
        let count = members
        let number = batch
        let before = changesBefore
        condition.unlock()
        var failure: String?
        do { try connection.finishBatch(changesBefore: before, keep: count > 0) } catch { failure = "\(error)" }
        let commits = connection.committedWrites
        condition.lock()
        durableCommits = commits
        if let failure, count > 0 { failures[number] = (failure, count) }
        endBatch()
    }

    private func endBatch() {
        finished = batch
        batch += 1
        members = 0
        batchOpen = false
    }
}

private extension Result {
    var errorText: String {
        switch self {
        case .success: "no error"
        case .failure(let error): "\(error)"
        }
    }
}
