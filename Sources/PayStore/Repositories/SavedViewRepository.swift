import PayCore

/// The order browser's saved views: a filter line an operator named, per operator.
public struct SavedViewRepository {
    let db: Connection

    /// The operator's views, by name.
    public func all(operator name: String) throws -> [(name: String, query: String)] {
        try db.rows("SELECT name, query FROM saved_views WHERE operator = ? ORDER BY name", [name]).map {
            ($0.string("name"), $0.string("query"))
        }
    }

    /// Saves the view, replacing the query of a view of the same name. Returns true when it was new.
    @discardableResult
    public func save(operator owner: String, name: String, query: String, at now: Timestamp) throws -> Bool {
        let existed = try db.row("SELECT 1 FROM saved_views WHERE operator = ? AND name = ?", [owner, name]) != nil
        // why: an upsert, so two processes saving the same name at once both succeed, the later query kept.
        try db.execute("""
            INSERT INTO saved_views (operator, name, query, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (operator, name) DO UPDATE SET query = excluded.query, updated_at = excluded.updated_at
            """, [owner, name, query, now.milliseconds, now.milliseconds])
        return !existed
    }

    /// Deletes the view; false when the operator has none of that name.
    public func delete(operator owner: String, name: String) throws -> Bool {
        try db.execute("DELETE FROM saved_views WHERE operator = ? AND name = ?", [owner, name]) == 1
    }
}

extension Store {
    public var savedViews: SavedViewRepository { SavedViewRepository(db: db) }
}
