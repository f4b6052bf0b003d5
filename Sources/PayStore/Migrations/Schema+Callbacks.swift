extension Schema {
    /// Version 7, channel callbacks: the channel account each verified callback was verified under
    /// (so `paydesk check` can tell a payment settled by another account's callback), the size of a
    /// body kept only in part (rejections are kept truncated), the digest of a verified body and how
    /// many more times the same bytes came (a replayed callback is kept a few times, then counted),
    /// a count of rejections per channel and
    /// reason (the bounded record of unsigned junk), and the last automatic refund of a duplicate
    /// payment whose failure the duplicate scanner has counted.
    static let v7 = Migration(version: 7, name: "callback accounts and rejection counts", sql: """
    ALTER TABLE channel_callbacks ADD COLUMN account TEXT;
    ALTER TABLE channel_callbacks ADD COLUMN body_size INTEGER;
    ALTER TABLE channel_callbacks ADD COLUMN body_sha256 TEXT;
    ALTER TABLE channel_callbacks ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX channel_callbacks_body ON channel_callbacks (channel, body_sha256) WHERE body_sha256 IS NOT NULL;
    CREATE INDEX channel_callbacks_verdict ON channel_callbacks (channel, verdict, id);
    CREATE INDEX channel_callbacks_attempt ON channel_callbacks (attempt_id) WHERE attempt_id IS NOT NULL;
    CREATE INDEX channel_callbacks_refund ON channel_callbacks (refund_id) WHERE refund_id IS NOT NULL;

    CREATE TABLE callback_rejections (
        channel  TEXT NOT NULL,
        reason   TEXT NOT NULL,
        count    INTEGER NOT NULL CHECK (count > 0),
        first_at INTEGER NOT NULL,
        last_at  INTEGER NOT NULL,
        PRIMARY KEY (channel, reason)
    );

    ALTER TABLE payment_attempts ADD COLUMN duplicate_counted_refund INTEGER;
    """)
}
