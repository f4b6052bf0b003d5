/// The store's schema, one migration per version. Never edit a migration that has shipped: add one.
/// Versions only increase; a module's migration may skip numbers reserved for another module
/// (2: routing and risk, 3: channels, 4: operators and audit, 5: payment core, 6: attempt owner,
/// 7: channel callbacks, 10: one payment in flight per order, 11: expiry index, 12: saved views,
/// 13: order timeline, 14: metrics rollups, 15: alert rules and silences, 16: alert sinks,
/// 17: API secrets and signature nonces, 18: onboarding, 19: reconciliation, 20: till refunds by items,
/// 22: risk rollups and payment-path indexes, 23: line secrets sealed, 24: route, line and breaker versions).
///
/// Times are INTEGER Unix milliseconds UTC; money is INTEGER minor units beside a TEXT currency.
/// SQL stays portable (no SQLite-only functions) so a PostgreSQL backend can follow.
public enum Schema {
    public static let migrator = Migrator(migrations: [v1, v2, v4, v5, v6, v7, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v22, v23, v24])

    static let v1 = Migration(version: 1, name: "foundation", sql: """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    CREATE TABLE business_lines (
        code               TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        layout             TEXT NOT NULL DEFAULT 'retail',
        default_currency   TEXT NOT NULL,
        allowed_methods    TEXT NOT NULL DEFAULT '',
        notify_url         TEXT NOT NULL DEFAULT '',
        notify_secret      TEXT NOT NULL DEFAULT '',
        created_at         INTEGER NOT NULL
    );

    CREATE TABLE merchants (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        business_line TEXT REFERENCES business_lines(code),
        created_at    INTEGER NOT NULL
    );

    CREATE TABLE channel_accounts (
        id              TEXT PRIMARY KEY,
        channel         TEXT NOT NULL,
        merchant_id     TEXT REFERENCES merchants(id),
        name            TEXT NOT NULL,
        currencies      TEXT NOT NULL,
        fee_rate_bps    INTEGER NOT NULL DEFAULT 0,
        fee_fixed_minor INTEGER NOT NULL DEFAULT 0,
        enabled         INTEGER NOT NULL DEFAULT 1,
        config          TEXT NOT NULL DEFAULT '{}',
        created_at      INTEGER NOT NULL
    );
    CREATE INDEX channel_accounts_channel ON channel_accounts (channel);

    CREATE TABLE orders (
        id             INTEGER PRIMARY KEY,
        serial         TEXT NOT NULL UNIQUE,
        business_line  TEXT NOT NULL REFERENCES business_lines(code),
        order_no       TEXT NOT NULL,
        amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
        currency       TEXT NOT NULL,
        customer_id    TEXT,
        attributes     TEXT NOT NULL DEFAULT '{}',
        status         TEXT NOT NULL,
        channel        TEXT,
        paid_minor     INTEGER NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
        refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
        operator       TEXT,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        UNIQUE (business_line, order_no)
    );
    CREATE INDEX orders_created ON orders (created_at, id);
    CREATE INDEX orders_status_created ON orders (status, created_at, id);
    CREATE INDEX orders_business_created ON orders (business_line, created_at, id);
    CREATE INDEX orders_channel_created ON orders (channel, created_at, id);
    CREATE INDEX orders_order_no ON orders (order_no);
    CREATE INDEX orders_customer_created ON orders (customer_id, created_at);
    CREATE INDEX orders_operator_created ON orders (operator, created_at, id);
    CREATE INDEX orders_open_expiry ON orders (expires_at) WHERE status IN ('CREATED', 'PAYING');

    CREATE TABLE order_items (
        order_id         INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        position         INTEGER NOT NULL,
        name             TEXT NOT NULL,
        quantity         INTEGER NOT NULL CHECK (quantity > 0),
        unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
        PRIMARY KEY (order_id, position)
    ) WITHOUT ROWID;

    CREATE TABLE sub_orders (
        order_id         INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        position         INTEGER NOT NULL,
        merchant_account TEXT NOT NULL,
        amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
        PRIMARY KEY (order_id, position)
    ) WITHOUT ROWID;

    CREATE TABLE payment_attempts (
        id              INTEGER PRIMARY KEY,
        serial          TEXT NOT NULL UNIQUE,
        order_id        INTEGER NOT NULL REFERENCES orders(id),
        method          TEXT NOT NULL,
        mode            TEXT NOT NULL DEFAULT '',
        channel         TEXT NOT NULL,
        account_id      TEXT NOT NULL,
        amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
        currency        TEXT NOT NULL,
        status          TEXT NOT NULL,
        channel_serial  TEXT,
        failure_kind    TEXT,
        failure_code    TEXT,
        failure_message TEXT,
        customer_id     TEXT,
        card_token      TEXT,
        card_bin        TEXT,
        card_last4      TEXT,
        duplicate       INTEGER NOT NULL DEFAULT 0,
        next_check_at   INTEGER,
        check_count     INTEGER NOT NULL DEFAULT 0,
        operator        TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX payment_attempts_channel_serial ON payment_attempts (channel, channel_serial);
    CREATE INDEX payment_attempts_channel_serial_any ON payment_attempts (channel_serial) WHERE channel_serial IS NOT NULL;
    CREATE INDEX payment_attempts_order ON payment_attempts (order_id);
    CREATE INDEX payment_attempts_due ON payment_attempts (status, next_check_at);
    CREATE INDEX payment_attempts_customer_created ON payment_attempts (customer_id, created_at);
    CREATE INDEX payment_attempts_account_created ON payment_attempts (account_id, created_at);

    CREATE TABLE refunds (
        id                    INTEGER PRIMARY KEY,
        serial                TEXT NOT NULL UNIQUE,
        attempt_id            INTEGER NOT NULL REFERENCES payment_attempts(id),
        order_id              INTEGER NOT NULL REFERENCES orders(id),
        refund_no             TEXT,
        amount_minor          INTEGER NOT NULL CHECK (amount_minor > 0),
        currency              TEXT NOT NULL,
        status                TEXT NOT NULL,
        channel_refund_serial TEXT,
        reason                TEXT,
        failure_message       TEXT,
        automatic             INTEGER NOT NULL DEFAULT 0,
        held                  INTEGER NOT NULL DEFAULT 0,
        operator              TEXT,
        next_check_at         INTEGER,
        check_count           INTEGER NOT NULL DEFAULT 0,
        created_at            INTEGER NOT NULL,
        updated_at            INTEGER NOT NULL
    );
    CREATE INDEX refunds_attempt ON refunds (attempt_id);
    CREATE INDEX refunds_order ON refunds (order_id);
    CREATE INDEX refunds_channel_serial ON refunds (channel_refund_serial) WHERE channel_refund_serial IS NOT NULL;
    CREATE UNIQUE INDEX refunds_order_refund_no ON refunds (order_id, refund_no);
    CREATE INDEX refunds_refund_no ON refunds (refund_no) WHERE refund_no IS NOT NULL;
    CREATE INDEX refunds_due ON refunds (status, next_check_at);

    CREATE TABLE channel_callbacks (
        id          INTEGER PRIMARY KEY,
        channel     TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        headers     TEXT NOT NULL,
        body        BLOB NOT NULL,
        verdict     TEXT NOT NULL,
        reason      TEXT,
        order_id    INTEGER REFERENCES orders(id),
        attempt_id  INTEGER REFERENCES payment_attempts(id),
        refund_id   INTEGER REFERENCES refunds(id)
    );
    CREATE INDEX channel_callbacks_order ON channel_callbacks (order_id, received_at);

    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        topic           TEXT NOT NULL,
        order_id        INTEGER REFERENCES orders(id),
        payload         TEXT NOT NULL,
        status          TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        delivered_at    INTEGER
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_order ON outbox (order_id);

    CREATE TABLE outbox_deliveries (
        id           INTEGER PRIMARY KEY,
        outbox_id    INTEGER NOT NULL REFERENCES outbox(id),
        attempted_at INTEGER NOT NULL,
        http_status  INTEGER,
        error        TEXT,
        duration_ms  INTEGER
    );
    CREATE INDEX outbox_deliveries_outbox ON outbox_deliveries (outbox_id);

    CREATE TABLE idempotency_keys (
        scope        TEXT NOT NULL,
        key          TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        state        TEXT NOT NULL,
        response     TEXT,
        exit_code    INTEGER,
        owner        TEXT,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

    CREATE TABLE operators (
        name                TEXT PRIMARY KEY,
        role                TEXT NOT NULL,
        password_hash       BLOB,
        password_salt       BLOB,
        password_iterations INTEGER,
        failed_logins       INTEGER NOT NULL DEFAULT 0,
        locked_until        INTEGER,
        refund_limit_minor  INTEGER,
        disabled            INTEGER NOT NULL DEFAULT 0,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL
    );

    CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT,
        outcome   TEXT NOT NULL,
        origin    TEXT NOT NULL,
        detail    TEXT,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );

    CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    """)
}
