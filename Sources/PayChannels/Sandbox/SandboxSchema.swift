import PayStore

/// The sandbox PSPs' own database, beside the store (`<store>.sandbox.db`): the channels' keys,
/// their ledger of payments and refunds, the callbacks they send, the SMS outbox, and the
/// switches (`outage`, `latency`). Nothing here is the center's: the center never reads it.
enum SandboxSchema {
    static let migrator = Migrator(migrations: [v1, v3], applicationID: Migrator.sandboxApplicationID, kind: "PayDesk sandbox file")

    static let v1 = Migration(version: 1, name: "sandbox", sql: """
    CREATE TABLE sandbox_accounts (
        account         TEXT PRIMARY KEY,
        channel         TEXT NOT NULL,
        fee_rate_bps    INTEGER NOT NULL DEFAULT 0,
        fee_fixed_minor INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sandbox_keys (
        account TEXT NOT NULL,
        name    TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (account, name)
    );
    CREATE TABLE sandbox_settings (
        channel TEXT NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        name    TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (channel, account, name)
    );
    CREATE TABLE sandbox_payments (
        id             INTEGER PRIMARY KEY,
        channel        TEXT NOT NULL,
        account        TEXT NOT NULL,
        trade_no       TEXT NOT NULL UNIQUE,
        out_trade_no   TEXT NOT NULL,
        amount_minor   INTEGER NOT NULL,
        currency       TEXT NOT NULL,
        mode           TEXT NOT NULL,
        payer          TEXT,
        subject        TEXT NOT NULL DEFAULT '',
        status         TEXT NOT NULL,
        failure_code   TEXT,
        fee_minor      INTEGER NOT NULL DEFAULT 0,
        refunded_minor INTEGER NOT NULL DEFAULT 0,
        created_at     INTEGER NOT NULL,
        paid_at        INTEGER,
        due_at         INTEGER,
        UNIQUE (channel, account, out_trade_no)
    );
    CREATE INDEX sandbox_payments_due ON sandbox_payments (status, due_at);
    CREATE INDEX sandbox_payments_paid ON sandbox_payments (channel, account, paid_at);
    CREATE TABLE sandbox_refunds (
        id            INTEGER PRIMARY KEY,
        channel       TEXT NOT NULL,
        account       TEXT NOT NULL,
        refund_id     TEXT NOT NULL UNIQUE,
        out_refund_no TEXT NOT NULL,
        trade_no      TEXT NOT NULL REFERENCES sandbox_payments(trade_no),
        amount_minor  INTEGER NOT NULL,
        currency      TEXT NOT NULL,
        fee_minor     INTEGER NOT NULL DEFAULT 0,
        status        TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        settled_at    INTEGER,
        due_at        INTEGER,
        UNIQUE (channel, account, out_refund_no)
    );
    CREATE INDEX sandbox_refunds_due ON sandbox_refunds (status, due_at);
    CREATE TABLE sandbox_callbacks (
        id           INTEGER PRIMARY KEY,
        channel      TEXT NOT NULL,
        account      TEXT NOT NULL,
        order_no     TEXT NOT NULL,
        kind         TEXT NOT NULL,
        headers      TEXT NOT NULL,
        body         BLOB NOT NULL,
        due_at       INTEGER NOT NULL,
        delivered_at INTEGER
    );
    CREATE INDEX sandbox_callbacks_due ON sandbox_callbacks (delivered_at, due_at);
    CREATE INDEX sandbox_callbacks_order ON sandbox_callbacks (order_no);
    CREATE TABLE sandbox_card_tokens (
        token      TEXT PRIMARY KEY,
        account    TEXT NOT NULL,
        first6     TEXT NOT NULL,
        last4      TEXT NOT NULL,
        brand      TEXT NOT NULL,
        exp_month  INTEGER NOT NULL,
        exp_year   INTEGER NOT NULL,
        profile    TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE sandbox_wallets (
        customer      TEXT NOT NULL,
        currency      TEXT NOT NULL,
        balance_minor INTEGER NOT NULL,
        PRIMARY KEY (customer, currency)
    );
    CREATE TABLE sandbox_sms (
        id      INTEGER PRIMARY KEY,
        to_number TEXT NOT NULL,
        text    TEXT NOT NULL,
        sent_at INTEGER NOT NULL
    );
    """)

    /// Bill faults (issue 16), armed by `paydesk sandbox bill-fault`: a trade left off the bills, a
    /// trade whose callbacks are lost. (Version 2 is the SDK work's; the lead renumbers if it has none.)
    static let v3 = Migration(version: 3, name: "bill faults", sql: """
    CREATE TABLE sandbox_bill_faults (
        account    TEXT NOT NULL,
        serial     TEXT NOT NULL,
        kind       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account, serial, kind)
    );
    """)
}
