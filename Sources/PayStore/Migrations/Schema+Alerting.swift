extension Schema {
    /// Version 15, alert rules as data: `alert_rules` (expression rules over the metrics and the
    /// event rules the services raise), `alert_silences`, and on `alerts` the labels, the
    /// pending/fired/cleared times, the value against its threshold, the silence or inhibition
    /// that holds it back, and the notification cursor (`notified`: the last notice dispatched).
    ///
    /// `open` is 1 while the alert is not RESOLVED, kept with the state by every update; the
    /// partial unique index on it makes "one open alert per rule and key" a constraint (SQLite
    /// wants a literal in a partial index's predicate, so a state name cannot be bound there).
    static let v15 = Migration(version: 15, name: "alerting", sql: """
    CREATE TABLE alert_rules (
        name           TEXT PRIMARY KEY,
        kind           TEXT NOT NULL,
        expression     TEXT NOT NULL DEFAULT '',
        for_ms         INTEGER NOT NULL DEFAULT 0 CHECK (for_ms >= 0),
        keep_firing_ms INTEGER NOT NULL DEFAULT 0 CHECK (keep_firing_ms >= 0),
        severity       TEXT NOT NULL,
        labels         TEXT NOT NULL DEFAULT '',
        summary        TEXT NOT NULL DEFAULT '',
        enabled        INTEGER NOT NULL DEFAULT 1,
        built_in       INTEGER NOT NULL DEFAULT 0,
        created_by     TEXT NOT NULL,
        created_at     INTEGER NOT NULL
    );

    CREATE TABLE alert_silences (
        id         INTEGER PRIMARY KEY,
        matchers   TEXT NOT NULL,
        reason     TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        ended_at   INTEGER
    );
    CREATE INDEX alert_silences_expiry ON alert_silences (expires_at);

    ALTER TABLE alerts ADD COLUMN labels TEXT NOT NULL DEFAULT '';
    ALTER TABLE alerts ADD COLUMN pending_at INTEGER;
    ALTER TABLE alerts ADD COLUMN fired_at INTEGER;
    ALTER TABLE alerts ADD COLUMN cleared_at INTEGER;
    ALTER TABLE alerts ADD COLUMN value TEXT;
    ALTER TABLE alerts ADD COLUMN threshold TEXT;
    ALTER TABLE alerts ADD COLUMN inhibited_by INTEGER;
    ALTER TABLE alerts ADD COLUMN silence_id INTEGER;
    ALTER TABLE alerts ADD COLUMN returned_from_silence INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE alerts ADD COLUMN notified TEXT NOT NULL DEFAULT '';
    ALTER TABLE alerts ADD COLUMN open INTEGER NOT NULL DEFAULT 1;
    -- why: alerts raised before this version were never sent anywhere; marking them as told
    -- keeps an upgrade from sending a burst of old news.
    UPDATE alerts SET open = 0, notified = 'resolved' WHERE state = 'RESOLVED';
    UPDATE alerts SET fired_at = first_at, notified = 'firing' WHERE state <> 'RESOLVED';
    CREATE UNIQUE INDEX alerts_one_open ON alerts (rule, key) WHERE open = 1;
    CREATE INDEX alerts_open ON alerts (open, rule);

    INSERT INTO alert_rules (name, kind, expression, for_ms, keep_firing_ms, severity, summary, built_in, created_by, created_at) VALUES
    ('channel.success-rate', 'expression', 'success_rate(5m) < 90% and requests(5m) >= 20', 60000, 300000, 'critical',
     'success rate of a channel account below 90 % over 5 minutes (at least 20 payments)', 1, 'paydesk', 0),
    ('channel.latency-p95', 'expression', 'latency_p95(5m) > 2s', 120000, 300000, 'warning',
     'p95 latency of a channel account above 2 s over 5 minutes', 1, 'paydesk', 0),
    ('channel.breaker-open', 'expression', 'breaker_open > 0', 0, 120000, 'critical',
     'a channel account''s circuit breaker is open', 1, 'paydesk', 0),
    ('notifications.backlog', 'expression', 'notification_backlog > 100 or notification_oldest_age > 10m', 0, 300000, 'warning',
     'merchant notifications pile up: more than 100 undelivered, or one older than 10 minutes', 1, 'paydesk', 0),
    ('payments.unknown-old', 'expression', 'unknown_oldest_age > 15m', 0, 0, 'critical',
     'a payment has been UNKNOWN for more than 15 minutes', 1, 'paydesk', 0),
    ('callbacks.suspicious', 'expression', 'callbacks_suspicious(15m) > 0', 0, 0, 'critical',
     'a channel sent a verified callback that does not match its payment (last 15 minutes)', 1, 'paydesk', 0),
    ('payments.duplicates', 'expression', 'duplicates_found(15m) > 0', 0, 0, 'warning',
     'a customer paid an order twice (last 15 minutes)', 1, 'paydesk', 0),
    ('worker.dead-man', 'expression', 'worker_last_run_age > 5m', 0, 0, 'critical',
     'no worker round for 5 minutes: notifications, queries and refunds stand still', 1, 'paydesk', 0),
    ('payment.unknown', 'event', '', 0, 86400000, 'critical', 'a payment stayed UNKNOWN through every query', 1, 'paydesk', 0),
    ('payment.late-success', 'event', '', 0, 86400000, 'warning', 'a payment succeeded after it was closed or failed', 1, 'paydesk', 0),
    ('payment.duplicate', 'event', '', 0, 86400000, 'warning', 'an order was paid more than once', 1, 'paydesk', 0),
    ('refund.unresolved', 'event', '', 0, 86400000, 'critical', 'a refund stayed UNKNOWN through every query', 1, 'paydesk', 0),
    ('refund.late-success', 'event', '', 0, 86400000, 'critical', 'a refund succeeded after it was marked failed', 1, 'paydesk', 0),
    ('refund.order-mismatch', 'event', '', 0, 86400000, 'critical', 'a refund does not fit its order''s amounts', 1, 'paydesk', 0),
    ('notification.failed', 'event', '', 0, 86400000, 'critical', 'a merchant notification failed for good', 1, 'paydesk', 0),
    ('duplicate.refund-failing', 'event', '', 0, 86400000, 'critical', 'the refund of a duplicate payment keeps failing', 1, 'paydesk', 0),
    ('callback.suspicious', 'event', '', 0, 86400000, 'critical', 'a verified callback does not match its payment', 1, 'paydesk', 0),
    ('worker.job-failed', 'event', '', 0, 3600000, 'warning', 'a worker job failed', 1, 'paydesk', 0);
    """)
}
