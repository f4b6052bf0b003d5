extension Schema {
    /// Version 12: the order browser's saved views, one set per operator, a name once per operator;
    /// and attempts by (status, order), so `status:unknown` finds the few orders with an UNKNOWN
    /// attempt by a covering index search even when ANALYZE saw nearly every attempt SUCCEEDED
    /// (`payment_attempts_due` then looks no better than a scan to the planner).
    static let v12 = Migration(version: 12, name: "saved views", sql: """
    CREATE TABLE saved_views (
        operator   TEXT NOT NULL,
        name       TEXT NOT NULL,
        query      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (operator, name)
    ) WITHOUT ROWID;

    CREATE INDEX payment_attempts_status_order ON payment_attempts (status, order_id);
    """)
}
