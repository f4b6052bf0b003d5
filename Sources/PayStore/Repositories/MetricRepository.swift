import PayCore

/// How a channel call ended, as the call rollups count it (pending is what is left).
public enum MetricCallOutcome: Sendable {
    case succeeded, pending, declined, systemError, unknown
}

/// One rollup row of channel calls summed over a range of buckets (per account and operation, or
/// per account when the operation is left open).
public struct MetricCallRow: Sendable, Equatable {
    public var bucket: Int64
    public var channel: String
    public var account: String
    public var requests: Int64
    public var succeeded: Int64
    public var declined: Int64
    public var systemErrors: Int64
    public var unknown: Int64
    public var latencySumMilliseconds: Int64
    /// Non-cumulative counts per `MetricRepository.latencyBoundsMilliseconds` bucket, then +Inf.
    public var latencyBuckets: [Int64]
}

/// The metrics rollups (schema 14): per-minute counters written as things happen, rolled into
/// hours and pruned by `MetricsRollupJob`. Every write is an upsert that adds to the row, so any
/// number of connections may record at once.
public struct MetricRepository {
    let db: Connection

    /// The two resolutions the store keeps.
    public enum Span: String, Sendable, CaseIterable {
        case minute, hour

        public var milliseconds: Int64 { self == .minute ? 60_000 : 3_600_000 }

        /// The start of the bucket `time` falls in.
        public func floor(_ time: Int64) -> Int64 {
            let size = milliseconds
            return time >= 0 ? time / size * size : ((time - size + 1) / size) * size
        }
    }

    /// Upper bounds of the latency buckets, ms (the same as `LatencyHistogram.boundsMilliseconds`).
    public static let latencyBoundsMilliseconds: [Int64] = [50, 100, 250, 500, 1000, 2000, 5000, 10000]
    static let bucketColumns = latencyBoundsMilliseconds.map { "le_\($0)" } + ["le_inf"]

    /// Settings (the `meta` table): how long minutes and hours are kept, in days.
    public static let minuteRetentionKey = "metrics.minute_retention_days"
    public static let hourRetentionKey = "metrics.hour_retention_days"
    public static let defaultMinuteRetentionDays: Int64 = 7
    public static let defaultHourRetentionDays: Int64 = 90
    /// The last hour (start, ms) rolled into the hour tables.
    static let rolledThroughKey = "metrics.rolled_through"
    /// When a worker last started a round (Unix ms), written with its lease.
    public static let workerHeartbeatKey = "worker.last_round"

    // MARK: - Recording

    /// Counts one channel call in its minute. Run it inside the caller's transaction.
    public func recordCall(channel: String, account: String, operation: String, outcome: MetricCallOutcome,
                           latencyMilliseconds: Int64, at time: Timestamp) throws {
        let bucket = Self.latencyBoundsMilliseconds.firstIndex { latencyMilliseconds <= $0 } ?? Self.latencyBoundsMilliseconds.count
        var arguments: StatementArguments = [Span.minute.floor(time.milliseconds), account, operation, channel,
                                             outcome == .succeeded ? 1 : 0, outcome == .declined ? 1 : 0,
                                             outcome == .systemError ? 1 : 0, outcome == .unknown ? 1 : 0, max(0, latencyMilliseconds)]
        arguments += Self.bucketColumns.indices.map { ($0 == bucket ? 1 : 0) as (any DatabaseValueConvertible)? }
        try db.execute(Self.recordCallSQL, arguments)
    }

    static let recordCallSQL = """
        INSERT INTO metric_calls_minute (bucket, account, operation, channel, requests, succeeded, declined, system_errors, unknown,
                                         latency_sum_ms, \(bucketColumns.joined(separator: ", ")))
        VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, \(bucketColumns.map { _ in "?" }.joined(separator: ", ")))
        ON CONFLICT (bucket, account, operation) DO UPDATE SET
            requests = requests + 1, succeeded = succeeded + excluded.succeeded, declined = declined + excluded.declined,
            system_errors = system_errors + excluded.system_errors, unknown = unknown + excluded.unknown,
            latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms,
            \(bucketColumns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", "))
        """

    /// Counts a successful payment's amount in its minute. Run it inside the transaction that
    /// moved the attempt to SUCCEEDED.
    public func recordPayment(channel: String, account: String, amount: Money, at time: Timestamp) throws {
        try db.execute("""
            INSERT INTO metric_amounts_minute (bucket, account, currency, channel, payments, amount_minor) VALUES (?, ?, ?, ?, 1, ?)
            ON CONFLICT (bucket, account, currency) DO UPDATE SET payments = payments + 1, amount_minor = amount_minor + excluded.amount_minor
            """, [Span.minute.floor(time.milliseconds), account, amount.currency.code, channel, amount.minorUnits])
    }

    /// Counts `event` (with its one label value) in its minute. Run it inside the caller's transaction.
    public func count(_ event: String, label: String, at time: Timestamp, by count: Int64 = 1) throws {
        try db.execute("""
            INSERT INTO metric_events_minute (bucket, event, label, count) VALUES (?, ?, ?, ?)
            ON CONFLICT (bucket, event, label) DO UPDATE SET count = count + excluded.count
            """, [Span.minute.floor(time.milliseconds), event, label, count])
    }

    /// Counts `event` in the connection's next transaction (the one that records what the event
    /// led to) instead of a commit of its own.
    public func countWithNextTransaction(_ event: String, label: String, at time: Timestamp) {
        // why the connection handed in: in group-commit mode the carrying transaction runs on the shared writer's.
        db.writeWithNextTransaction { (db: Connection) in try MetricRepository(db: db).count(event, label: label, at: time) }
    }

    // MARK: - Reading

    /// Calls in buckets starting in `[from, to)`, summed per account (and per bucket when `perBucket`).
    /// `operation` nil: every operation.
    public func calls(_ span: Span, from: Int64, to: Int64, operation: String?, perBucket: Bool = false) throws -> [MetricCallRow] {
        let sums = (["requests", "succeeded", "declined", "system_errors", "unknown", "latency_sum_ms"] + Self.bucketColumns)
            .map { "SUM(\($0)) AS \($0)" }.joined(separator: ", ")
        let bucket = perBucket ? "bucket" : "0"
        return try db.rows("""
            SELECT \(bucket) AS b, account, MIN(channel) AS channel, \(sums) FROM metric_calls_\(span.rawValue)
            WHERE bucket >= ? AND bucket < ? AND (? IS NULL OR operation = ?)
            GROUP BY b, account ORDER BY b, account
            """, [from, to, operation, operation]).map { row in
            MetricCallRow(bucket: row.int64("b"), channel: row.string("channel"), account: row.string("account"),
                          requests: row.int64("requests"), succeeded: row.int64("succeeded"), declined: row.int64("declined"),
                          systemErrors: row.int64("system_errors"), unknown: row.int64("unknown"),
                          latencySumMilliseconds: row.int64("latency_sum_ms"), latencyBuckets: Self.bucketColumns.map { row.int64($0) })
        }
    }

    /// Successful payment amounts in buckets starting in `[from, to)`, per account and currency.
    public func amounts(_ span: Span, from: Int64, to: Int64) throws -> [(channel: String, account: String, currency: String, payments: Int64, minor: Int64)] {
        try db.rows("""
            SELECT account, currency, MIN(channel) AS channel, SUM(payments) AS payments, SUM(amount_minor) AS minor
            FROM metric_amounts_\(span.rawValue) WHERE bucket >= ? AND bucket < ? GROUP BY account, currency ORDER BY account, currency
            """, [from, to]).map {
            ($0.string("channel"), $0.string("account"), $0.string("currency"), $0.int64("payments"), $0.int64("minor"))
        }
    }

    /// Counts of events in buckets starting in `[from, to)`, per event and label value.
    public func events(_ span: Span, from: Int64, to: Int64, event: String? = nil) throws -> [(event: String, label: String, count: Int64)] {
        try db.rows("""
            SELECT event, label, SUM(count) AS n FROM metric_events_\(span.rawValue)
            WHERE bucket >= ? AND bucket < ? AND (? IS NULL OR event = ?) GROUP BY event, label ORDER BY event, label
            """, [from, to, event, event]).map { ($0.string("event"), $0.string("label"), $0.int64("n")) }
    }

    /// Attempts in `status` and the oldest one's creation time.
    public func attempts(in status: AttemptStatus) throws -> (count: Int64, oldest: Timestamp?) {
        let row = try db.row("SELECT count(*) AS n, min(created_at) AS oldest FROM payment_attempts WHERE status = ?", [status.rawValue])
        return (row?.int64("n") ?? 0, row?.optionalInt64("oldest").map { Timestamp(milliseconds: $0) })
    }

    /// When a worker last started a round, from any process; nil when none ever ran.
    public func workerLastRound() throws -> Timestamp? {
        try db.row("SELECT value FROM meta WHERE key = ?", [Self.workerHeartbeatKey])
            .flatMap { Int64($0.string("value")) }.map { Timestamp(milliseconds: $0) }
    }

    /// Notes that a worker started a round now (inside its lease's transaction).
    public func workerHeartbeat(at now: Timestamp) throws {
        try MetaRepository(db: db).set(Self.workerHeartbeatKey, String(now.milliseconds))
    }

    // MARK: - Retention

    /// How long minutes and hours are kept, ms (settings `metrics.minute_retention_days` and
    /// `metrics.hour_retention_days`, defaults 7 and 90).
    public func retention() throws -> (minutes: Int64, hours: Int64) {
        let meta = MetaRepository(db: db)
        let minuteDays = try meta.value(Self.minuteRetentionKey).flatMap { Int64($0) } ?? Self.defaultMinuteRetentionDays
        let hourDays = try meta.value(Self.hourRetentionKey).flatMap { Int64($0) } ?? Self.defaultHourRetentionDays
        return (minuteDays * 86_400_000, hourDays * 86_400_000)
    }

    /// Sets the retention in days (each at least 1; hours kept at least as long as minutes).
    public func setRetention(minuteDays: Int64, hourDays: Int64) throws {
        guard minuteDays >= 1 else { throw PayError.invalidInput("minute retention: \(minuteDays) days; at least 1") }
        guard hourDays >= minuteDays else {
            throw PayError.invalidInput("hour retention: \(hourDays) days; at least the minute retention (\(minuteDays) days)")
        }
        let meta = MetaRepository(db: db)
        try meta.set(Self.minuteRetentionKey, String(minuteDays))
        try meta.set(Self.hourRetentionKey, String(hourDays))
    }

    /// Rolls the finished hours into the hour tables: every hour from the one before the last
    /// rolled (late rows) up to the one before `now`'s. Each hour's rows are replaced by the sums of
    /// its minutes, so running it again changes nothing. Returns the hours rolled.
    @discardableResult
    public func rollUp(before now: Timestamp) throws -> Int {
        let meta = MetaRepository(db: db)
        let end = Span.hour.floor(now.milliseconds)
        let first: Int64
        if let rolled = try meta.value(Self.rolledThroughKey).flatMap({ Int64($0) }) {
            first = rolled - Span.hour.milliseconds
        } else {
            let oldest = try db.scalarInt("""
                SELECT MIN(b) FROM (SELECT MIN(bucket) AS b FROM metric_calls_minute UNION ALL SELECT MIN(bucket) FROM metric_amounts_minute
                                    UNION ALL SELECT MIN(bucket) FROM metric_events_minute)
                """)
            guard let oldest else { return 0 }
            first = Span.hour.floor(oldest)
        }
        var hours = 0
        var hour = first
        while hour < end {
            try rollUp(hour: hour)
            hours += 1
            hour += Span.hour.milliseconds
        }
        if end - Span.hour.milliseconds >= first { try meta.set(Self.rolledThroughKey, String(end - Span.hour.milliseconds)) }
        return hours
    }

    /// Whether `rollUp(before:)` or a prune has anything to do (reads only, index look-ups).
    public func rollupDue(before now: Timestamp, minuteCutoff: Int64, hourCutoff: Int64) throws -> Bool {
        let lastFinished = Span.hour.floor(now.milliseconds) - Span.hour.milliseconds
        if let rolled = try MetaRepository(db: db).value(Self.rolledThroughKey).flatMap({ Int64($0) }) {
            if rolled < lastFinished { return true }
        } else if try any(.minute, before: lastFinished + Span.hour.milliseconds) {
            return true
        }
        return try any(.minute, before: minuteCutoff) || any(.hour, before: hourCutoff)
    }

    func any(_ span: Span, before cutoff: Int64) throws -> Bool {
        for table in ["calls", "amounts", "events"] where try db.row("SELECT 1 FROM metric_\(table)_\(span.rawValue) WHERE bucket < ? LIMIT 1", [cutoff]) != nil {
            return true
        }
        return false
    }

    /// Replaces the hour tables' rows of the hour starting at `hour` by the sums of its minutes.
    func rollUp(hour: Int64) throws {
        let range: StatementArguments = [hour, hour, hour + Span.hour.milliseconds]
        let callColumns = ["channel", "requests", "succeeded", "declined", "system_errors", "unknown", "latency_sum_ms"] + Self.bucketColumns
        try db.execute("DELETE FROM metric_calls_hour WHERE bucket = ?", [hour])
        try db.execute("""
            INSERT INTO metric_calls_hour (bucket, account, operation, \(callColumns.joined(separator: ", ")))
            SELECT ?, account, operation, MIN(channel), \(callColumns.dropFirst().map { "SUM(\($0))" }.joined(separator: ", "))
            FROM metric_calls_minute WHERE bucket >= ? AND bucket < ? GROUP BY account, operation
            """, range)
        try db.execute("DELETE FROM metric_amounts_hour WHERE bucket = ?", [hour])
        try db.execute("""
            INSERT INTO metric_amounts_hour (bucket, account, currency, channel, payments, amount_minor)
            SELECT ?, account, currency, MIN(channel), SUM(payments), SUM(amount_minor)
            FROM metric_amounts_minute WHERE bucket >= ? AND bucket < ? GROUP BY account, currency
            """, range)
        try db.execute("DELETE FROM metric_events_hour WHERE bucket = ?", [hour])
        try db.execute("""
            INSERT INTO metric_events_hour (bucket, event, label, count)
            SELECT ?, event, label, SUM(count) FROM metric_events_minute WHERE bucket >= ? AND bucket < ? GROUP BY event, label
            """, range)
    }

    /// Deletes the buckets of `span` that start before `cutoff`; returns the rows deleted.
    @discardableResult
    public func prune(_ span: Span, before cutoff: Int64) throws -> Int {
        try ["calls", "amounts", "events"].reduce(0) { deleted, table in
            deleted + (try db.execute("DELETE FROM metric_\(table)_\(span.rawValue) WHERE bucket < ?", [cutoff]))
        }
    }
}

extension Store {
    public var metrics: MetricRepository { MetricRepository(db: db) }
}
