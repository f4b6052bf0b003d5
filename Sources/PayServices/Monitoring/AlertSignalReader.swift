import PayCore

/// A series of values by label set, as an expression reads and filters it.
public typealias AlertSeries = [AlertLabels: Double]

/// Reads signals through `MetricsReading` at one instant, each window and the gauges once per
/// evaluation however many rules read them.
final class AlertSignalReader {
    let metrics: any MetricsReading
    let now: Timestamp
    private var traffic: [Int64: [ChannelTraffic]] = [:]
    private var events: [String: [String: Int64]] = [:]
    private var gauges: MonitoringGauges?

    init(metrics: any MetricsReading, now: Timestamp) {
        self.metrics = metrics
        self.now = now
    }

    /// The signal's series at `now` (windowed ones over `[now - window, now)`). A series with no
    /// value (a rate with no requests, an age with nothing waiting) is left out.
    func read(_ signal: AlertSignal, window: Int64?) throws(PayError) -> AlertSeries {
        if signal.isTraffic {
            let window = window ?? 300_000
            let calls: [ChannelTraffic]
            if let cached = traffic[window] {
                calls = cached
            } else {
                calls = try metrics.traffic(from: now.adding(milliseconds: -window), to: now, operation: "pay")
                traffic[window] = calls
            }
            var series = AlertSeries()
            for account in calls {
                if let value = Self.value(signal, account) {
                    series[AlertLabels(["channel": account.channel, "account": account.account])] = value
                }
            }
            return series
        }
        if let event = signal.event {
            let window = window ?? 300_000
            let cacheKey = "\(event.rawValue)/\(window)"
            let counts: [String: Int64]
            if let cached = events[cacheKey] {
                counts = cached
            } else {
                counts = try metrics.events(event, from: now.adding(milliseconds: -window), to: now)
                events[cacheKey] = counts
            }
            var series = AlertSeries()
            for (label, count) in counts { series[AlertLabels([event.labelName: label])] = Double(count) }
            return series
        }
        let gauges: MonitoringGauges
        if let cached = self.gauges {
            gauges = cached
        } else {
            gauges = try metrics.gauges(at: now)
            self.gauges = gauges
        }
        func scalar(_ value: Double?) -> AlertSeries { value.map { [AlertLabels(): $0] } ?? [:] }
        func age(_ milliseconds: Int64?) -> AlertSeries { scalar(milliseconds.map(Double.init)) }
        switch signal {
        case .breakerOpen:
            var series = AlertSeries()
            for breaker in gauges.breakers {
                let open = breaker.state == "OPEN" || breaker.state == "HALF_OPEN"
                series[AlertLabels(["channel": breaker.channel, "account": breaker.account])] = open ? 1 : 0
            }
            return series
        case .notificationBacklog: return scalar(Double(gauges.notificationBacklog))
        case .notificationOldestAge: return age(gauges.oldestUndeliveredAge)
        case .unknownAttempts: return scalar(Double(gauges.unknownAttempts))
        case .unknownOldestAge: return age(gauges.oldestUnknownAge)
        case .pendingAttempts: return scalar(Double(gauges.pendingAttempts))
        case .pendingOldestAge: return age(gauges.oldestPendingAge)
        // why no value when no worker ever ran: a store nobody runs a worker on (a demo, a test)
        // is not a dead worker; the dead-man watches a worker that stopped.
        case .workerLastRunAge: return age(gauges.workerLastRun.map { now.milliseconds - $0.milliseconds })
        default: return [:]
        }
    }

    static func value(_ signal: AlertSignal, _ t: ChannelTraffic) -> Double? {
        switch signal {
        case .requests: Double(t.requests)
        case .successes: Double(t.succeeded)
        case .declines: Double(t.declined)
        case .systemErrors: Double(t.systemErrors)
        case .unknowns: Double(t.unknown)
        case .successRate: t.successRate
        case .failureRate: t.requests == 0 ? nil : Double(t.declined + t.systemErrors + t.unknown) / Double(t.requests)
        case .latencyP50: t.latency.quantile(0.5)
        case .latencyP95: t.latency.quantile(0.95)
        case .latencyP99: t.latency.quantile(0.99)
        default: nil
        }
    }

    /// The label sets for which the expression holds now, each with the value of its first
    /// comparison's signal. `and` keeps the left series that a right one matches (label sets
    /// agree on the names they share; a scalar matches any), with the labels of both; `or` adds
    /// the right series no left one matches.
    func evaluate(_ expression: AlertExpression) throws(PayError) -> AlertSeries {
        switch expression {
        case let .compare(signal, window, op, threshold, _):
            return try read(signal, window: window).filter { op.holds($0.value, threshold) }
        case let .and(lhs, rhs):
            let left = try evaluate(lhs)
            let right = try evaluate(rhs)
            var result = AlertSeries()
            for (labels, value) in left {
                for other in right.keys where Self.matches(labels, other) {
                    var merged = labels
                    for pair in other.pairs where merged[pair.name] == nil { merged[pair.name] = pair.value }
                    result[merged] = value
                }
            }
            return result
        case let .or(lhs, rhs):
            var result = try evaluate(lhs)
            let right = try evaluate(rhs)
            for (labels, value) in right where !result.keys.contains(where: { Self.matches($0, labels) }) {
                result[labels] = value
            }
            return result
        }
    }

    /// Two label sets agree on every name they share.
    static func matches(_ a: AlertLabels, _ b: AlertLabels) -> Bool {
        a.pairs.allSatisfy { pair in b[pair.name].map { $0 == pair.value } ?? true }
    }

    /// The primary signal's value for an alert's labels (the series that agrees with them).
    func primaryValue(_ expression: AlertExpression, labels: AlertLabels) throws(PayError) -> Double? {
        let primary = expression.primary
        let series = try read(primary.signal, window: primary.windowMilliseconds)
        if let exact = series[labels] { return exact }
        return series.first { Self.matches($0.key, labels) }?.value
    }
}
