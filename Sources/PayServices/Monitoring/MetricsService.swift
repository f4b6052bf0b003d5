import PayCore
import PayStore

/// The metrics as the store keeps them (schema 14 rollups, `MetricRepository`), read for the alert
/// rules, the dashboard and `paydesk metrics`.
///
/// Windows: a bucket counts when it starts in `[from floored to its minute, to)`, so a window
/// never misses an event in it and may take in up to a minute before it. A window reaching back
/// past the minute retention reads whole hours up to the first hour boundary inside the retention
/// and minutes after it.
public struct MetricsService: MetricsReading {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    var store: Store { context.store }

    /// The split of `[from, to)` into hour rows (`[hourFrom, boundary)`) and minute rows
    /// (`[boundary, to)`); no hour part when the window lies within the minute retention.
    func split(from: Timestamp, to: Timestamp) throws(PayError) -> (hours: (Int64, Int64)?, minutes: (Int64, Int64)) {
        let store = self.store
        let retention = try store.read { try store.metrics.retention() }
        let start = MetricRepository.Span.minute.floor(from.milliseconds)
        let oldestKept = context.now.milliseconds - retention.minutes
        guard start < oldestKept else { return (nil, (start, to.milliseconds)) }
        let boundary = min(MetricRepository.Span.hour.floor(oldestKept) + MetricRepository.Span.hour.milliseconds, to.milliseconds)
        return ((MetricRepository.Span.hour.floor(start), boundary), (boundary, to.milliseconds))
    }

    public func traffic(from: Timestamp, to: Timestamp, operation: String?) throws(PayError) -> [ChannelTraffic] {
        let parts = try split(from: from, to: to)
        let store = self.store
        return try store.snapshot {
            var byAccount = try Self.emptyTraffic(store)
            var ranges: [(MetricRepository.Span, Int64, Int64)] = [(.minute, parts.minutes.0, parts.minutes.1)]
            if let hours = parts.hours { ranges.append((.hour, hours.0, hours.1)) }
            for (span, lower, upper) in ranges where lower < upper {
                for row in try store.metrics.calls(span, from: lower, to: upper, operation: operation) {
                    Self.add(row, to: &byAccount[row.account, default: ChannelTraffic(channel: row.channel, account: row.account)])
                }
                if operation == nil || operation == "pay" {
                    for amount in try store.metrics.amounts(span, from: lower, to: upper) {
                        byAccount[amount.account, default: ChannelTraffic(channel: amount.channel, account: amount.account)]
                            .amounts[amount.currency, default: 0] += amount.minor
                    }
                }
            }
            return byAccount.values.sorted { ($0.channel, $0.account) < ($1.channel, $1.account) }
        }
    }

    public func trafficSeries(minutes: Int, endingAt to: Timestamp, operation: String?) throws(PayError) -> [String: [ChannelTraffic]] {
        let count = max(0, minutes)
        let last = MetricRepository.Span.minute.floor(to.milliseconds - 1)
        let first = last - Int64(max(0, count - 1)) * 60_000
        let store = self.store
        return try store.snapshot {
            let accounts = try Self.emptyTraffic(store)
            var series = accounts.mapValues { Array(repeating: $0, count: count) }
            guard count > 0 else { return series }
            for row in try store.metrics.calls(.minute, from: first, to: last + 60_000, operation: operation, perBucket: true) {
                let index = Int((row.bucket - first) / 60_000)
                let blank = ChannelTraffic(channel: row.channel, account: row.account)
                if series[row.account] == nil { series[row.account] = Array(repeating: blank, count: count) }
                Self.add(row, to: &series[row.account]![index])
            }
            return series
        }
    }

    public func events(_ event: MonitoringEvent, from: Timestamp, to: Timestamp) throws(PayError) -> [String: Int64] {
        let parts = try split(from: from, to: to)
        let store = self.store
        return try store.snapshot {
            var counts: [String: Int64] = [:]
            var ranges: [(MetricRepository.Span, Int64, Int64)] = [(.minute, parts.minutes.0, parts.minutes.1)]
            if let hours = parts.hours { ranges.append((.hour, hours.0, hours.1)) }
            for (span, lower, upper) in ranges where lower < upper {
                for row in try store.metrics.events(span, from: lower, to: upper, event: event.rawValue) {
                    counts[row.label, default: 0] += row.count
                }
            }
            return counts
        }
    }

    public func gauges(at now: Timestamp) throws(PayError) -> MonitoringGauges {
        let store = self.store
        return try store.snapshot {
            var gauges = MonitoringGauges()
            let backlog = try store.outbox.backlog()
            gauges.notificationBacklog = Int(backlog.count)
            gauges.oldestUndeliveredAge = backlog.oldest.map { max(0, now.milliseconds - $0.milliseconds) }
            let unknown = try store.metrics.attempts(in: .unknown)
            gauges.unknownAttempts = Int(unknown.count)
            gauges.oldestUnknownAge = unknown.oldest.map { max(0, now.milliseconds - $0.milliseconds) }
            let pending = try store.metrics.attempts(in: .pending)
            gauges.pendingAttempts = Int(pending.count)
            gauges.oldestPendingAge = pending.oldest.map { max(0, now.milliseconds - $0.milliseconds) }
            let breakers = Dictionary(try store.breakers.all().map { ($0.accountId, $0) }, uniquingKeysWith: { first, _ in first })
            gauges.breakers = try store.channelAccounts.all().sorted { ($0.channel, $0.id) < ($1.channel, $1.id) }.map { account in
                let breaker = breakers[account.id]
                let state = breaker?.state ?? .closed
                return BreakerView(channel: account.channel, account: account.id, state: state.rawValue,
                                   since: state == .closed ? nil : (breaker?.openedAt ?? breaker?.updatedAt))
            }
            gauges.workerLastRun = try store.metrics.workerLastRound()
            return gauges
        }
    }

    /// `paydesk metrics`: everything in the Prometheus text format. Needs `.viewMetrics`.
    public func exposition() throws(PayError) -> String {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        let now = context.now
        let store = self.store
        // why from the oldest hour kept: counters are totals over the retained rollups.
        let retention = try store.read { try store.metrics.retention() }
        let from = Timestamp(milliseconds: MetricRepository.Span.hour.floor(now.milliseconds - retention.hours))
        let end = now.adding(milliseconds: 1)
        var operations: [String: [ChannelTraffic]] = [:]
        for operation in Self.operations {
            operations[operation] = try traffic(from: from, to: end, operation: operation)
        }
        var events: [MonitoringEvent: [String: Int64]] = [:]
        for event in MonitoringEvent.allCases { events[event] = try self.events(event, from: from, to: end) }
        var alerts: [AlertState: [AlertSeverity: Int64]] = [:]
        for row in try store.read({ try store.alerts.openCounts() }) {
            guard let severity = AlertSeverity(rawValue: row.severity) else { continue }
            alerts[row.state, default: [:]][severity, default: 0] += row.count
        }
        return MetricsExposition.render(traffic: operations, events: events, gauges: try gauges(at: now), openAlerts: alerts, at: now)
    }

    /// The operations the gateway records, as `ChannelOperation.name` spells them.
    static let operations = ["pay", "query", "close", "refund", "refund query", "bill"]

    static func emptyTraffic(_ store: Store) throws -> [String: ChannelTraffic] {
        Dictionary(try store.channelAccounts.all().map { ($0.id, ChannelTraffic(channel: $0.channel, account: $0.id)) },
                   uniquingKeysWith: { first, _ in first })
    }

    static func add(_ row: MetricCallRow, to traffic: inout ChannelTraffic) {
        traffic.requests += row.requests
        traffic.succeeded += row.succeeded
        traffic.declined += row.declined
        traffic.systemErrors += row.systemErrors
        traffic.unknown += row.unknown
        traffic.latency = traffic.latency + LatencyHistogram(counts: row.latencyBuckets, sumMilliseconds: row.latencySumMilliseconds)
    }
}

extension MetricsService {
    /// How long the rollups are kept, in days (minutes, hours).
    public func retentionDays() throws(PayError) -> (minutes: Int64, hours: Int64) {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        let store = self.store
        let retention = try store.read { try store.metrics.retention() }
        return (retention.minutes / 86_400_000, retention.hours / 86_400_000)
    }

    /// Sets how long minute and hour rollups are kept (days; minutes at least 1, hours at least as
    /// long as minutes). Needs `.manageStore`; audited. The next rollup job prunes by it.
    public func setRetention(minuteDays: Int64?, hourDays: Int64?) throws(PayError) -> (minutes: Int64, hours: Int64) {
        try Authorizer.require(.manageStore, actor: context.actor)
        let store = self.store
        return try store.write {
            let current = try store.metrics.retention()
            let minutes = minuteDays ?? current.minutes / 86_400_000
            let hours = hourDays ?? current.hours / 86_400_000
            try store.metrics.setRetention(minuteDays: minutes, hourDays: hours)
            _ = try AuditLog(context).append(actor: context.actor, action: "metrics.retention", target: nil,
                                             detail: "minutes kept \(minutes) days, hours kept \(hours) days")
            return (minutes, hours)
        }
    }
}
