import PayCore
import PayStore

/// Rolls finished hours of the minute rollups into the hour tables (idempotent: an hour is
/// replaced by the sums of its minutes) and prunes minutes older than the minute retention and
/// hours older than the hour retention (settings, 7 and 90 days by default). A read decides
/// whether anything is due, so a round with nothing to do commits nothing.
public struct MetricsRollupJob: WorkerJob {
    public let name = "metrics"

    public init() {}

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        let retention = try store.read { try store.metrics.retention() }
        let minuteCutoff = MetricRepository.Span.hour.floor(now.milliseconds - retention.minutes)
        let hourCutoff = MetricRepository.Span.hour.floor(now.milliseconds - retention.hours)
        guard try store.read({ try store.metrics.rollupDue(before: now, minuteCutoff: minuteCutoff, hourCutoff: hourCutoff) }) else { return 0 }
        return try store.write {
            let metrics = store.metrics
            let hours = try metrics.rollUp(before: now)
            // why floored to the hour: a minute is only dropped once its whole hour is older than
            // the retention, so the hour it was rolled into is never re-rolled from a partial hour.
            let pruned = try metrics.prune(.minute, before: minuteCutoff) + (try metrics.prune(.hour, before: hourCutoff))
            return hours + pruned
        }
    }
}
