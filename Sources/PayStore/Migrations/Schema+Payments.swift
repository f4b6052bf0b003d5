extension Schema {
    /// Version 5, the payment core: alerts raised by the worker, janitor and callback checks
    /// (throttled by (rule, key): one open alert per pair, later firings counted on it), and the
    /// duplicate-payment refund's back-off and hold on each attempt.
    static let v5 = Migration(version: 5, name: "alerts", sql: """
    CREATE TABLE alerts (
        id           INTEGER PRIMARY KEY,
        rule         TEXT NOT NULL,
        key          TEXT NOT NULL,
        severity     TEXT NOT NULL,
        state        TEXT NOT NULL,
        message      TEXT NOT NULL,
        count        INTEGER NOT NULL DEFAULT 1,
        first_at     INTEGER NOT NULL,
        last_at      INTEGER NOT NULL,
        acked_by     TEXT,
        acked_at     INTEGER,
        resolved_at  INTEGER
    );
    CREATE INDEX alerts_rule_key ON alerts (rule, key, state);
    CREATE INDEX alerts_state ON alerts (state, last_at);

    ALTER TABLE payment_attempts ADD COLUMN duplicate_failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE payment_attempts ADD COLUMN duplicate_next_at INTEGER;
    ALTER TABLE payment_attempts ADD COLUMN duplicate_hold INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX payment_attempts_duplicate ON payment_attempts (duplicate, status);

    -- why: notifications are not back-filled for orders paid before a line had a notify URL;
    -- `paydesk check` asks only about orders paid since.
    ALTER TABLE business_lines ADD COLUMN notify_since INTEGER;
    """)
}
