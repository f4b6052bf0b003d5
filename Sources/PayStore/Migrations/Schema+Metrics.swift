extension Schema {
    /// Version 14, metrics rollups (issue 12).
    ///
    /// Counters kept per minute and, further back, per hour, so every process and screen reads the
    /// same figures. Each table has a minute (`bucket` = start of the minute, Unix ms) and an hour
    /// twin of the same shape (`bucket` = start of the hour). Writers only upsert
    /// (`INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x`): no read-modify-write.
    ///
    /// - `metric_calls_*`: channel calls, one row per (bucket, account, operation); outcomes
    ///   (requests, succeeded, declined, system_errors, unknown; pending is the rest), the latency
    ///   sum and one column per `LatencyHistogram` bucket (`le_50` … `le_10000`, `le_inf`, not
    ///   cumulative).
    /// - `metric_amounts_*`: successful payments (the attempt's move to SUCCEEDED) per (bucket,
    ///   account, currency): count and amount in minor units.
    /// - `metric_events_*`: other counted events per (bucket, event, label value).
    static let v14 = Migration(version: 14, name: "metrics rollups", sql: ["minute", "hour"].map { span in """
    CREATE TABLE metric_calls_\(span) (
        bucket         INTEGER NOT NULL,
        account        TEXT NOT NULL,
        operation      TEXT NOT NULL,
        channel        TEXT NOT NULL,
        requests       INTEGER NOT NULL DEFAULT 0,
        succeeded      INTEGER NOT NULL DEFAULT 0,
        declined       INTEGER NOT NULL DEFAULT 0,
        system_errors  INTEGER NOT NULL DEFAULT 0,
        unknown        INTEGER NOT NULL DEFAULT 0,
        latency_sum_ms INTEGER NOT NULL DEFAULT 0,
        le_50          INTEGER NOT NULL DEFAULT 0,
        le_100         INTEGER NOT NULL DEFAULT 0,
        le_250         INTEGER NOT NULL DEFAULT 0,
        le_500         INTEGER NOT NULL DEFAULT 0,
        le_1000        INTEGER NOT NULL DEFAULT 0,
        le_2000        INTEGER NOT NULL DEFAULT 0,
        le_5000        INTEGER NOT NULL DEFAULT 0,
        le_10000       INTEGER NOT NULL DEFAULT 0,
        le_inf         INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, account, operation)
    ) WITHOUT ROWID;

    CREATE TABLE metric_amounts_\(span) (
        bucket       INTEGER NOT NULL,
        account      TEXT NOT NULL,
        currency     TEXT NOT NULL,
        channel      TEXT NOT NULL,
        payments     INTEGER NOT NULL DEFAULT 0,
        amount_minor INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, account, currency)
    ) WITHOUT ROWID;

    CREATE TABLE metric_events_\(span) (
        bucket INTEGER NOT NULL,
        event  TEXT NOT NULL,
        label  TEXT NOT NULL,
        count  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, event, label)
    ) WITHOUT ROWID;
    """ }.joined(separator: "\n\n"))
}
