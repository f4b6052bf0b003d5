extension Schema {
    /// Version 13, the order timeline (issue 11).
    ///
    /// `channel_calls`: every call the channel gateway makes, from this version on — operation,
    /// the payment or refund serial it was about, latency, HTTP status, the channel's status word,
    /// the channel's request id, and the request and answer bodies with secrets, signatures, card
    /// numbers and card codes masked before they are written (never a PAN or CVC).
    ///
    /// An index on `alerts (key)` for the timeline's look-up.
    ///
    /// `order_events`: every status an order, payment attempt or refund takes, written by triggers
    /// in the same transaction as the guarded update that moved it (one insert, no change to the
    /// repositories' transition functions, and no way for a new transition to forget it).
    /// why triggers: they are the only place that sees every transition; a PostgreSQL backend
    /// writes the same rows from an equivalent PL/pgSQL trigger.
    static let v13 = Migration(version: 13, name: "order timeline", sql: """
    CREATE TABLE channel_calls (
        id            INTEGER PRIMARY KEY,
        at            INTEGER NOT NULL,
        channel       TEXT NOT NULL,
        account       TEXT NOT NULL,
        operation     TEXT NOT NULL,
        serial        TEXT,
        refund_serial TEXT,
        order_id      INTEGER REFERENCES orders(id),
        latency_ms    INTEGER NOT NULL,
        http_status   INTEGER,
        result        TEXT NOT NULL,
        channel_status TEXT NOT NULL,
        request_id    TEXT,
        request_path  TEXT NOT NULL,
        request_headers TEXT NOT NULL,
        request_body  TEXT NOT NULL,
        response_headers TEXT,
        response_body TEXT
    );
    CREATE INDEX channel_calls_order ON channel_calls (order_id, at);
    CREATE INDEX channel_calls_serial ON channel_calls (serial);

    CREATE TABLE order_events (
        id          INTEGER PRIMARY KEY,
        order_id    INTEGER NOT NULL,
        entity      TEXT NOT NULL,
        entity_id   INTEGER NOT NULL,
        from_status TEXT,
        to_status   TEXT NOT NULL,
        at          INTEGER NOT NULL
    );
    CREATE INDEX order_events_order ON order_events (order_id, at);

    -- why: the timeline looks up the alerts raised about an order, its payments, refunds and
    -- notifications by key alone (audit_log has its index on target since version 4).
    CREATE INDEX alerts_key ON alerts (key, first_at);

    CREATE TRIGGER order_events_order_insert AFTER INSERT ON orders BEGIN
        INSERT INTO order_events (order_id, entity, entity_id, from_status, to_status, at)
        VALUES (NEW.id, 'order', NEW.id, NULL, NEW.status, NEW.created_at);
    END;
    CREATE TRIGGER order_events_order_status AFTER UPDATE OF status ON orders WHEN NEW.status <> OLD.status BEGIN
        INSERT INTO order_events (order_id, entity, entity_id, from_status, to_status, at)
        VALUES (NEW.id, 'order', NEW.id, OLD.status, NEW.status, NEW.updated_at);
    END;
    CREATE TRIGGER order_events_attempt_insert AFTER INSERT ON payment_attempts BEGIN
        INSERT INTO order_events (order_id, entity, entity_id, from_status, to_status, at)
        VALUES (NEW.order_id, 'payment', NEW.id, NULL, NEW.status, NEW.created_at);
    END;
    CREATE TRIGGER order_events_attempt_status AFTER UPDATE OF status ON payment_attempts WHEN NEW.status <> OLD.status BEGIN
        INSERT INTO order_events (order_id, entity, entity_id, from_status, to_status, at)
        VALUES (NEW.order_id, 'payment', NEW.id, OLD.status, NEW.status, NEW.updated_at);
    END;
    CREATE TRIGGER order_events_refund_insert AFTER INSERT ON refunds BEGIN
        INSERT INTO order_events (order_id, entity, entity_id, from_status, to_status, at)
        VALUES (NEW.order_id, 'refund', NEW.id, NULL, NEW.status, NEW.created_at);
    END;
    CREATE TRIGGER order_events_refund_status AFTER UPDATE OF status ON refunds WHEN NEW.status <> OLD.status BEGIN
        INSERT INTO order_events (order_id, entity, entity_id, from_status, to_status, at)
        VALUES (NEW.order_id, 'refund', NEW.id, OLD.status, NEW.status, NEW.updated_at);
    END;
    """)
}
