extension Schema {
    /// Version 16: alert sinks, each with its own token bucket (issue 12).
    ///
    /// `tokens` counts 60,000ths of a token, so a refill of N tokens a minute is N parts a
    /// millisecond, exact without fractions; the CHECKs keep a bucket between empty and full
    /// whatever the code above does. `secret` is the HMAC key of the webhook signature or of the DingTalk
    /// `sign` (empty for SMS); it is shown once when the sink is made and never written to the audit.
    static let v16 = Migration(version: 16, name: "alert sinks", sql: """
    CREATE TABLE alert_sinks (
        id                INTEGER PRIMARY KEY,
        name              TEXT NOT NULL UNIQUE,
        kind              TEXT NOT NULL,
        target            TEXT NOT NULL,
        secret            TEXT NOT NULL,
        min_severity      TEXT NOT NULL,
        capacity          INTEGER NOT NULL CHECK (capacity >= 1),
        refill_per_minute INTEGER NOT NULL CHECK (refill_per_minute >= 0),
        tokens            INTEGER NOT NULL CHECK (tokens >= 0),
        refilled_at       INTEGER NOT NULL,
        sent              INTEGER NOT NULL DEFAULT 0,
        dropped           INTEGER NOT NULL DEFAULT 0,
        enabled           INTEGER NOT NULL DEFAULT 1,
        created_by        TEXT NOT NULL,
        created_at        INTEGER NOT NULL,
        CHECK (tokens <= capacity * 60000)
    );
    """)
}
