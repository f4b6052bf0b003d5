import PayCore
import PayStore

/// What the dashboard (F5) draws: per channel account its payments over the last hour (success
/// rate, p50/p95, per-minute series), breaker state and today's amounts, and the gauges.
public struct MonitoringDashboard {
    let context: ServiceContext
    let metrics: any MetricsReading

    /// Minutes the series and the hour's figures cover.
    public static let seriesMinutes = 60

    public init(_ context: ServiceContext, metrics: any MetricsReading) {
        self.context = context
        self.metrics = metrics
    }

    /// Reads everything at one instant of store time. Needs `.viewMetrics`. `openAlerts` is left
    /// empty: the caller fills it from the alert service.
    public func snapshot() throws(PayError) -> DashboardSnapshot {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        try context.refreshClock()
        let now = context.now
        let end = now.adding(milliseconds: 1)
        let series = try metrics.trafficSeries(minutes: Self.seriesMinutes, endingAt: end, operation: "pay")
        let hour = try metrics.traffic(from: now.adding(milliseconds: -Int64(Self.seriesMinutes) * 60_000), to: end, operation: "pay")
        let today = try metrics.traffic(from: Self.startOfDay(now), to: end, operation: "pay")
        let gauges = try metrics.gauges(at: now)
        let breakers = Dictionary(gauges.breakers.map { ($0.account, $0.state) }, uniquingKeysWith: { first, _ in first })
        let amounts = Dictionary(today.map { ($0.account, $0.amounts) }, uniquingKeysWith: { first, _ in first })
        let accounts = hour.map { traffic in
            let minutes = series[traffic.account] ?? []
            return AccountHealth(channel: traffic.channel, account: traffic.account, breaker: breakers[traffic.account] ?? "CLOSED",
                                 requests: traffic.requests, successRate: traffic.successRate,
                                 p50Milliseconds: traffic.latency.quantile(0.5), p95Milliseconds: traffic.latency.quantile(0.95),
                                 volumeSeries: minutes.map(\.requests), successSeries: minutes.map(\.successRate),
                                 p95Series: minutes.map { $0.latency.quantile(0.95) }, amountsToday: amounts[traffic.account] ?? [:])
        }
        return DashboardSnapshot(at: now, accounts: accounts, gauges: gauges, openAlerts: [:])
    }

    /// Midnight UTC of `now`'s day (store time is UTC throughout).
    static func startOfDay(_ now: Timestamp) -> Timestamp {
        let day: Int64 = 86_400_000
        let ms = now.milliseconds
        return Timestamp(milliseconds: ms >= 0 ? ms / day * day : ((ms - day + 1) / day) * day)
    }
}
