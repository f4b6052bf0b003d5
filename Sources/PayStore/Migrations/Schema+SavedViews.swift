extension Schema {
    /// Version 12: the order browser's saved views, one set per operator, a name once per operator.
    static let v12 = Migration(version: 12, name: "saved views", sql: """
    CREATE TABLE saved_views (
        operator   TEXT NOT NULL,
        name       TEXT NOT NULL,
        query      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (operator, name)
    ) WITHOUT ROWID;
    """)
}
