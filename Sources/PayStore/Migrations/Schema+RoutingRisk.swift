extension Schema {
    /// Version 2: routing rules and their candidates, the circuit breaker per channel account, risk
    /// rules and named lists, one-time-code challenges, and the sandbox SMS outbox they are sent
    /// through.
    static let v2 = Migration(version: 2, name: "routing and risk", sql: """
    CREATE TABLE route_rules (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        business_line TEXT REFERENCES business_lines(code),
        method        TEXT NOT NULL,
        currency      TEXT,
        min_minor     INTEGER,
        max_minor     INTEGER,
        strategy      TEXT NOT NULL,
        position      INTEGER NOT NULL,
        enabled       INTEGER NOT NULL DEFAULT 1,
        created_at    INTEGER NOT NULL,
        CHECK (min_minor IS NULL OR max_minor IS NULL OR min_minor <= max_minor),
        CHECK ((min_minor IS NULL AND max_minor IS NULL) OR currency IS NOT NULL)
    );
    CREATE INDEX route_rules_method ON route_rules (method, position, id);

    CREATE TABLE route_candidates (
        rule_id         INTEGER NOT NULL REFERENCES route_rules(id) ON DELETE CASCADE,
        account_id      TEXT NOT NULL REFERENCES channel_accounts(id),
        priority        INTEGER NOT NULL,
        weight          INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
        fee_rate_bps    INTEGER CHECK (fee_rate_bps IS NULL OR fee_rate_bps >= 0),
        fee_fixed_minor INTEGER CHECK (fee_fixed_minor IS NULL OR fee_fixed_minor >= 0),
        PRIMARY KEY (rule_id, account_id)
    ) WITHOUT ROWID;

    CREATE TABLE circuit_breakers (
        account_id           TEXT PRIMARY KEY REFERENCES channel_accounts(id),
        state                TEXT NOT NULL,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        opened_at            INTEGER,
        probe_until          INTEGER,
        updated_at           INTEGER NOT NULL
    );

    CREATE TABLE risk_rules (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        action     TEXT NOT NULL,
        expression TEXT NOT NULL,
        enabled    INTEGER NOT NULL DEFAULT 1,
        created_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );

    CREATE TABLE risk_list_entries (
        list       TEXT NOT NULL,
        value      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (list, value)
    ) WITHOUT ROWID;

    CREATE TABLE risk_challenges (
        id          TEXT PRIMARY KEY,
        recipient   TEXT NOT NULL,
        customer_id TEXT,
        reference   TEXT,
        code_salt   BLOB NOT NULL,
        code_hash   BLOB NOT NULL,
        status      TEXT NOT NULL,
        tries       INTEGER NOT NULL DEFAULT 0,
        max_tries   INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE INDEX risk_challenges_reference ON risk_challenges (reference);

    -- why: the risk counters (count, sum, declines per customer over a window) read only these
    -- columns; covering them keeps a counter over 10,000 past payments inside the index.
    CREATE INDEX payment_attempts_customer_history
        ON payment_attempts (customer_id, created_at, status, failure_kind, currency, amount_minor);
    """)
}
