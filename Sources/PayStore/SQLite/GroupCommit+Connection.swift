import CSQLite3

/// The steps of a group-committed batch on the shared writer's connection (`GroupCommitWriter`).
extension Connection {
    /// Opens the batch's transaction (`BEGIN IMMEDIATE`), with no commit hooks yet.
    func beginBatch() throws(SQLiteError) -> Int64 {
        try execute("BEGIN IMMEDIATE")
        commitHooks = []
        return sqlite3_total_changes64(handle)
    }

    /// Runs one member's `body` in a savepoint of the open batch: a throw rolls back that member
    /// only (unless SQLite ended the whole transaction, see `isInTransaction`). Returns the
    /// `afterCommit` hooks the member registered, taken out of the connection: the member runs
    /// them itself once the batch is durable.
    func runBatchMember<T>(_ body: () throws -> T) throws -> (value: T, hooks: [() -> Void]) {
        precondition(isInTransaction, "a batch member runs inside the batch's transaction")
        commitHooks = []
        let value = try inTransaction(.immediate, body)
        let hooks = commitHooks
        commitHooks = []
        return (value, hooks)
    }

    /// Commits the batch (counting it in `committedWrites` when it changed a row), or rolls it
    /// back when the commit fails; a batch with no member is rolled back (it holds nothing).
    func finishBatch(changesBefore: Int64, keep: Bool) throws(SQLiteError) {
        commitHooks = []
        guard keep else {
            if isInTransaction { try execute("ROLLBACK") }
            return
        }
        do {
            try execute("COMMIT")
        } catch {
            // why: a failed COMMIT (a deferred constraint, a full disk) may leave the transaction open.
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
        if sqlite3_total_changes64(handle) != changesBefore { committedWrites += 1 }
    }

    /// The records waiting for this connection's next transaction, taken out of it: a store in
    /// group mode writes them inside its write on the shared writer's connection.
    func takeDeferredWrites() -> [(Connection) throws -> Void] {
        let writes = deferredWrites
        deferredWrites = []
        return writes
    }
}
