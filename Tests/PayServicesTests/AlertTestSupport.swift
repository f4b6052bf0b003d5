import PayCore
import PayStore
@testable import PayServices

/// Metrics a test sets by hand: the same figures for any window, gauges as given.
final class FakeMetrics: MetricsReading {
    var accounts: [ChannelTraffic] = []
    var eventCounts: [MonitoringEvent: [String: Int64]] = [:]
    var gaugesNow = MonitoringGauges()

    func traffic(from: Timestamp, to: Timestamp, operation: String?) throws(PayError) -> [ChannelTraffic] { accounts }
    func trafficSeries(minutes: Int, endingAt to: Timestamp, operation: String?) throws(PayError) -> [String: [ChannelTraffic]] { [:] }
    func events(_ event: MonitoringEvent, from: Timestamp, to: Timestamp) throws(PayError) -> [String: Int64] { eventCounts[event] ?? [:] }
    func gauges(at now: Timestamp) throws(PayError) -> MonitoringGauges { gaugesNow }

    /// One channel account's pay calls: `requests` of which `succeeded`, the rest declined, all at `latency` ms.
    func setTraffic(channel: String = "wechat", account: String = "wechat-a", requests: Int64, succeeded: Int64, latency: Int64 = 100) {
        var traffic = ChannelTraffic(channel: channel, account: account)
        traffic.requests = requests
        traffic.succeeded = succeeded
        traffic.declined = requests - succeeded
        for _ in 0..<requests { traffic.latency.observe(milliseconds: latency) }
        accounts.removeAll { $0.channel == channel && $0.account == account }
        accounts.append(traffic)
    }

    func setBreaker(channel: String = "wechat", account: String = "wechat-a", state: String) {
        gaugesNow.breakers.removeAll { $0.account == account }
        gaugesNow.breakers.append(BreakerView(channel: channel, account: account, state: state, since: nil))
    }
}

/// A sink that remembers what it was told.
final class RecordingNotifier: AlertNotifying {
    var notices: [(rule: String, id: Int64, notice: AlertNotice)] = []

    func notify(_ alert: AlertSummary, _ notice: AlertNotice, context: ServiceContext) throws(PayError) {
        notices.append((alert.rule, alert.id, notice))
    }

    func told(_ rule: String) -> [AlertNotice] { notices.filter { $0.rule == rule }.map(\.notice) }
}

extension ServiceFixture {
    func alerts(rule: String) throws -> [AlertRow] {
        try store.read { try store.alerts.rows(states: nil).filter { $0.rule == rule } }
    }
}
