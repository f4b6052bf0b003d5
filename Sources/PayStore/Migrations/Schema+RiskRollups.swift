import PayCore

extension Schema {
    /// Version 22: the payment path at the store's limit (issue 18).
    ///
    /// `customer_risk_hours`: per customer, hour (`created_at / 3600000`) and currency, the risk
    /// counters of the customer's payment attempts — how many, the amount of those not FAILED or
    /// CLOSED (money paid or on its way), how many the channel declined — so a risk window reads
    /// at most its hours, not the customer's whole history. Kept by triggers on `payment_attempts`
    /// in the very transaction that inserts or moves an attempt (the settle transaction among
    /// them): no code path can forget it, and no process sees an attempt without its count.
    /// Backfilled from the history here. The update trigger fires only when an attempt's
    /// contribution changes (PROCESSING → SUCCEEDED costs nothing).
    ///
    /// `store_versions`: a version per kind of configuration a process caches (channel accounts,
    /// risk rules), moved by triggers on every change of those tables, whoever makes it; a
    /// payment reads the versions in one statement instead of the accounts and rules themselves.
    ///
    /// `risk_list_entries_value`: the lists holding a value, so a decision asks once per value.
    ///
    /// Partial indexes where a column is mostly empty, so most attempts' inserts and status moves
    /// touch fewer index entries: the customer's history (`customer_id IS NOT NULL`; with the
    /// rollups a window's edge reads at most an hour of it, so it no longer needs to cover the
    /// counters' columns, which made every status move rewrite its entry) and the duplicates
    /// (`duplicate = 1`, the literal the scanner's query repeats).
    static let v22 = Migration(version: 22, name: "risk rollups", sql: """
    CREATE TABLE customer_risk_hours (
        customer_id TEXT NOT NULL,
        hour        INTEGER NOT NULL,
        currency    TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        live_minor  INTEGER NOT NULL DEFAULT 0,
        declines    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, hour, currency)
    ) WITHOUT ROWID;

    INSERT INTO customer_risk_hours (customer_id, hour, currency, attempts, live_minor, declines)
    SELECT customer_id, created_at / 3600000, currency, count(*), sum(\(live("payment_attempts"))), sum(\(declined("payment_attempts")))
    FROM payment_attempts WHERE customer_id IS NOT NULL
    GROUP BY customer_id, created_at / 3600000, currency;

    CREATE TRIGGER customer_risk_attempt_insert AFTER INSERT ON payment_attempts WHEN NEW.customer_id IS NOT NULL BEGIN
        INSERT INTO customer_risk_hours (customer_id, hour, currency, attempts, live_minor, declines)
        VALUES (NEW.customer_id, NEW.created_at / 3600000, NEW.currency, 1, \(live("NEW")), \(declined("NEW")))
        ON CONFLICT (customer_id, hour, currency) DO UPDATE SET attempts = attempts + 1,
            live_minor = live_minor + excluded.live_minor, declines = declines + excluded.declines;
    END;

    CREATE TRIGGER customer_risk_attempt_update
    AFTER UPDATE OF status, failure_kind, amount_minor, currency, customer_id, created_at ON payment_attempts
    WHEN (OLD.customer_id IS NOT NULL OR NEW.customer_id IS NOT NULL)
      AND (\(live("OLD")) <> \(live("NEW")) OR \(declined("OLD")) <> \(declined("NEW"))
           OR OLD.customer_id IS NOT NEW.customer_id OR OLD.currency <> NEW.currency
           OR OLD.created_at / 3600000 <> NEW.created_at / 3600000)
    BEGIN
        UPDATE customer_risk_hours SET attempts = attempts - 1, live_minor = live_minor - \(live("OLD")),
                                       declines = declines - \(declined("OLD"))
        WHERE customer_id = OLD.customer_id AND hour = OLD.created_at / 3600000 AND currency = OLD.currency;
        INSERT INTO customer_risk_hours (customer_id, hour, currency, attempts, live_minor, declines)
        SELECT NEW.customer_id, NEW.created_at / 3600000, NEW.currency, 1, \(live("NEW")), \(declined("NEW"))
        WHERE NEW.customer_id IS NOT NULL
        ON CONFLICT (customer_id, hour, currency) DO UPDATE SET attempts = attempts + 1,
            live_minor = live_minor + excluded.live_minor, declines = declines + excluded.declines;
    END;

    CREATE TABLE store_versions (
        name    TEXT PRIMARY KEY,
        version INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO store_versions (name, version) VALUES ('\(StoreVersions.channelAccountsName)', 1), ('\(StoreVersions.riskRulesName)', 1);
    \(bumps(table: "channel_accounts", name: StoreVersions.channelAccountsName))
    \(bumps(table: "risk_rules", name: StoreVersions.riskRulesName))

    CREATE INDEX risk_list_entries_value ON risk_list_entries (value, list);

    DROP INDEX payment_attempts_customer_history;
    DROP INDEX payment_attempts_customer_created;
    CREATE INDEX payment_attempts_customer ON payment_attempts (customer_id, created_at) WHERE customer_id IS NOT NULL;
    DROP INDEX payment_attempts_duplicate;
    CREATE INDEX payment_attempts_duplicates ON payment_attempts (status) WHERE duplicate = 1;
    """)

    /// Triggers that move `name`'s version in `store_versions` on every insert, update and delete of `table`.
    static func bumps(table: String, name: String) -> String {
        ["INSERT", "UPDATE", "DELETE"].map { event in
            "CREATE TRIGGER store_versions_\(table)_\(event.lowercased()) AFTER \(event) ON \(table) BEGIN "
                + "UPDATE store_versions SET version = version + 1 WHERE name = '\(name)'; END;"
        }.joined(separator: "\n")
    }

    /// The attempt's amount while it is not FAILED or CLOSED, else 0 (`row` is a table or NEW/OLD).
    private static func live(_ row: String) -> String {
        "(CASE WHEN \(row).status IN ('\(AttemptStatus.failed.rawValue)', '\(AttemptStatus.closed.rawValue)') THEN 0 ELSE \(row).amount_minor END)"
    }

    /// 1 when the channel declined the attempt, else 0.
    private static func declined(_ row: String) -> String {
        "(CASE WHEN \(row).status = '\(AttemptStatus.failed.rawValue)' AND \(row).failure_kind IS '\(FailureKind.declined.rawValue)' THEN 1 ELSE 0 END)"
    }
}
