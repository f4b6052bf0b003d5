extension Schema {
    /// Version 19: reconciliation (issue 16).
    ///
    /// `reconciliation_runs`: one row per run of (channel account, bill date); running a date again
    /// adds a version (`UNIQUE (account_id, bill_date, version)`) and keeps the earlier ones.
    /// `reconciliation_items`: the mismatches a run found, both sides' fields side by side, and how
    /// each was resolved (OPEN → RESOLVED by a guarded update). `reconciliation_pool`: records seen
    /// on one side only, waiting for a later bill; one row per account, kind, side and key.
    /// `refunds_created` serves "the refunds of an account made in a time range" (the attempts'
    /// `payment_attempts_account_created` serves theirs). Two event alert rules for the mismatches.
    static let v19 = Migration(version: 19, name: "reconciliation", sql: """
    CREATE TABLE reconciliation_runs (
        id                INTEGER PRIMARY KEY,
        account_id        TEXT NOT NULL REFERENCES channel_accounts(id),
        channel           TEXT NOT NULL,
        bill_date         TEXT NOT NULL,
        version           INTEGER NOT NULL CHECK (version > 0),
        status            TEXT NOT NULL,
        currency          TEXT,
        bill_file         TEXT,
        bill_lines        INTEGER NOT NULL DEFAULT 0,
        bill_payments     INTEGER NOT NULL DEFAULT 0,
        bill_paid_minor   INTEGER NOT NULL DEFAULT 0,
        bill_refunds      INTEGER NOT NULL DEFAULT 0,
        bill_refunded_minor INTEGER NOT NULL DEFAULT 0,
        bill_fees_minor   INTEGER NOT NULL DEFAULT 0,
        center_payments   INTEGER NOT NULL DEFAULT 0,
        center_paid_minor INTEGER NOT NULL DEFAULT 0,
        center_refunds    INTEGER NOT NULL DEFAULT 0,
        center_refunded_minor INTEGER NOT NULL DEFAULT 0,
        expected_fees_minor INTEGER NOT NULL DEFAULT 0,
        matched           INTEGER NOT NULL DEFAULT 0,
        matched_minor     INTEGER NOT NULL DEFAULT 0,
        mismatches        INTEGER NOT NULL DEFAULT 0,
        mismatched_minor  INTEGER NOT NULL DEFAULT 0,
        held              INTEGER NOT NULL DEFAULT 0,
        released          INTEGER NOT NULL DEFAULT 0,
        error             TEXT,
        started_by        TEXT NOT NULL,
        started_at        INTEGER NOT NULL,
        finished_at       INTEGER NOT NULL,
        UNIQUE (account_id, bill_date, version)
    );
    CREATE INDEX reconciliation_runs_date ON reconciliation_runs (bill_date, account_id);

    CREATE TABLE reconciliation_items (
        id                    INTEGER PRIMARY KEY,
        run_id                INTEGER NOT NULL REFERENCES reconciliation_runs(id),
        type                  TEXT NOT NULL,
        kind                  TEXT NOT NULL,
        match_key             TEXT NOT NULL,
        order_id              INTEGER REFERENCES orders(id),
        attempt_id            INTEGER REFERENCES payment_attempts(id),
        refund_id             INTEGER REFERENCES refunds(id),
        center_serial         TEXT,
        center_status         TEXT,
        center_amount_minor   INTEGER,
        center_currency       TEXT,
        center_fee_minor      INTEGER,
        center_time           INTEGER,
        channel_serial        TEXT,
        channel_center_serial TEXT,
        channel_outcome       TEXT,
        channel_amount_minor  INTEGER,
        channel_currency      TEXT,
        channel_fee_minor     INTEGER,
        channel_time          INTEGER,
        bill_line             INTEGER,
        note                  TEXT NOT NULL DEFAULT '',
        state                 TEXT NOT NULL,
        resolution            TEXT,
        reason                TEXT,
        resolved_by           TEXT,
        approved_by           TEXT,
        resolved_at           INTEGER,
        outcome               TEXT
    );
    CREATE INDEX reconciliation_items_run ON reconciliation_items (run_id, id);
    CREATE INDEX reconciliation_items_key ON reconciliation_items (match_key, type);
    CREATE INDEX reconciliation_items_attempt ON reconciliation_items (attempt_id);

    CREATE TABLE reconciliation_pool (
        id              INTEGER PRIMARY KEY,
        account_id      TEXT NOT NULL REFERENCES channel_accounts(id),
        kind            TEXT NOT NULL,
        side            TEXT NOT NULL,
        match_key       TEXT NOT NULL,
        center_serial   TEXT,
        channel_serial  TEXT,
        attempt_id      INTEGER REFERENCES payment_attempts(id),
        refund_id       INTEGER REFERENCES refunds(id),
        outcome         TEXT,
        amount_minor    INTEGER NOT NULL,
        currency        TEXT NOT NULL,
        fee_minor       INTEGER NOT NULL DEFAULT 0,
        time            INTEGER NOT NULL,
        bill_line       INTEGER,
        first_date      TEXT NOT NULL,
        state           TEXT NOT NULL,
        closed_date     TEXT,
        UNIQUE (account_id, kind, side, match_key)
    );
    CREATE INDEX reconciliation_pool_state ON reconciliation_pool (account_id, state, first_date);

    CREATE INDEX refunds_created ON refunds (created_at, attempt_id);

    INSERT INTO alert_rules (name, kind, expression, for_ms, keep_firing_ms, severity, summary, built_in, created_by, created_at) VALUES
    ('reconciliation.mismatch', 'event', '', 0, 86400000, 'warning', 'a reconciliation run found mismatches between a bill and the center', 1, 'paydesk', 0),
    ('reconciliation.failed', 'event', '', 0, 86400000, 'critical', 'a reconciliation run failed: the bill was missing, malformed or did not add up', 1, 'paydesk', 0);
    """)
}
