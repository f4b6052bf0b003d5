extension Schema {
    /// Version 11: the expiry job's look-up binds its statuses like every other query, and SQLite
    /// uses a partial index only when the query's own WHERE names the index's literals, so the
    /// partial `orders_open_expiry` gives way to a full index on (status, expires_at).
    static let v11 = Migration(version: 11, name: "expiry index by status", sql: """
    CREATE INDEX orders_status_expiry ON orders (status, expires_at);
    DROP INDEX orders_open_expiry;
    """)
}
