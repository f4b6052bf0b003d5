import PayCore
import PayStore

/// The worker's alert evaluation: every rule, at most once every `interval` of store time (the
/// last run is kept in the store, so processes taking the lease in turn keep the pace).
public struct AlertEvaluationJob: WorkerJob {
    public static let lastRunKey = "alerts.last_evaluation"
    public static let intervalMilliseconds: Int64 = 10_000

    public let name = "alerts"
    let metrics: (ServiceContext) -> (any MetricsReading)?
    let notifier: any AlertNotifying

    /// `metrics` builds the reader over the worker's context (nil: event alerts only).
    public init(metrics: @escaping (ServiceContext) -> (any MetricsReading)?, notifier: any AlertNotifying) {
        self.metrics = metrics
        self.notifier = notifier
    }

    /// Evaluates when due; returns how many alerts moved plus notices sent.
    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        let due = try store.write { () throws -> Bool in
            let stored = try store.meta.value(Self.lastRunKey)
            if let last = stored.flatMap({ Int64($0) }), now.milliseconds - last < Self.intervalMilliseconds, now.milliseconds >= last {
                return false
            }
            // why guarded: of two processes that read the same last run, one evaluates.
            return try store.meta.replace(Self.lastRunKey, expected: stored, with: String(now.milliseconds))
        }
        guard due else { return 0 }
        let evaluation = try AlertEngine(context, metrics: metrics(context), notifier: notifier).evaluate()
        return evaluation.moves.count + evaluation.sent.count
    }
}
