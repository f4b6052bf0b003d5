import Foundation
import PayConsole
import PayCore
import PayServices

/// An in-memory monitoring desk: a WeChat outage (the success-rate and breaker alerts firing,
/// a per-order UNKNOWN alert inhibited by them), a pending latency alert, an acknowledged backlog
/// alert, a silenced duplicate alert, a dead-man alert resolved two hours ago and one resolved
/// three days ago; and a dashboard of four channel accounts. Acknowledging is guarded on FIRING
/// and silencing needs a reason, as the alert service promises; `refusal` makes every call fail.
@MainActor
final class FakeMonitoringDesk: MonitoringDesk {
    static let now = Timestamp(milliseconds: 1_795_253_400_000)  // 2026-11-21 09:30:00 UTC
    static let outageFilter = "channel:wechat"
    static let storyOrderNo = "H20261121000297"

    var alertList: [AlertSummary]
    var rules: [String: AlertRuleView]
    var histories: [Int64: [Double?]] = [:]
    var filters: [Int64: String] = [:]
    var snapshot: DashboardSnapshot
    /// When set, every call throws it (a permission refused, the store gone).
    var refusal: PayError?
    /// Who acknowledges and silences (the operator logged in).
    var actor = "support"
    var storeNow: Timestamp { Self.now }
    private(set) var acknowledged: [Int64] = []
    private(set) var silenced: [(alertId: Int64, milliseconds: Int64, reason: String)] = []
    private(set) var calls = 0

    init() {
        alertList = Self.alerts()
        rules = Self.ruleViews()
        snapshot = Self.dashboardSnapshot()
        histories[1] = Self.outageHistory()
        filters[1] = Self.outageFilter
        filters[2] = Self.outageFilter
        filters[3] = Self.storyOrderNo
    }

    static func minutesAgo(_ minutes: Double) -> Timestamp { now.adding(milliseconds: -Int64(minutes * 60_000)) }

    static func alert(_ id: Int64, _ rule: String, _ labels: [String: String], _ severity: AlertSeverity, _ state: AlertState,
                      _ message: String, firings: Int64 = 1, started: Double, fired: Double? = nil, lastSeen: Double = 0.2,
                      value: String? = nil, threshold: String? = nil) -> AlertSummary {
        AlertSummary(id: id, rule: rule, labels: AlertLabels(labels), severity: severity, state: state, message: message, firings: firings,
                     startedAt: minutesAgo(started), firedAt: fired.map(minutesAgo), lastSeenAt: minutesAgo(lastSeen), acknowledgedBy: nil,
                     resolvedAt: nil, value: value, threshold: threshold, silence: nil, inhibitedBy: nil, returnedFromSilence: false)
    }

    static func alerts() -> [AlertSummary] {
        let wechat = ["channel": "wechat", "account": "wechat-main"]
        var list = [
            alert(4, "channel.latency-p95", ["channel": "alipay", "account": "alipay-main"], .warning, .pending,
                  "p95 latency of alipay/alipay-main is 2.4 s over 5m", started: 1, value: "2.4 s", threshold: "> 2s"),
            alert(2, "channel.breaker-open", wechat, .critical, .firing, "circuit breaker of wechat/wechat-main is OPEN",
                  firings: 3, started: 10, fired: 10, value: "1", threshold: "> 0"),
            alert(1, "channel.success-rate", wechat, .critical, .firing, "success rate of wechat/wechat-main is 41.0 % over 5m",
                  firings: 7, started: 13, fired: 12, value: "41.0 %", threshold: "< 90 %"),
            alert(3, "payment.unknown", wechat.merging(["attempt": "P20261121092100000297"]) { a, _ in a }, .warning, .firing,
                  "payment P20261121092100000297 UNKNOWN for 9 min", started: 9, fired: 9),
            alert(5, "notification.backlog", [:], .warning, .acknowledged, "141 merchant notifications undelivered",
                  firings: 2, started: 40, fired: 38, value: "141", threshold: "> 100"),
            alert(8, "duplicate.found", ["channel": "alipay"], .warning, .firing, "2 duplicate payments found on alipay over 15m",
                  started: 30, fired: 30, value: "2", threshold: "> 0"),
            alert(6, "worker.dead-man", [:], .critical, .resolved, "no worker round for 6 min", started: 150, fired: 149, lastSeen: 125),
            alert(7, "callback.suspicious", ["channel": "unionpay"], .warning, .resolved, "suspicious callback", started: 4_400, fired: 4_400,
                  lastSeen: 4_300),
        ]
        list[3].inhibitedBy = 2
        list[4].acknowledgedBy = "supervisor"
        list[5].silence = SilenceView(id: 11, matchers: [AlertMatcher(name: "alertname", value: "duplicate.found")], reason: "scanner refunds them",
                                      createdBy: "supervisor", createdAt: minutesAgo(20), expiresAt: minutesAgo(-40), endedAt: nil, matchedAlerts: 1)
        list[6].resolvedAt = minutesAgo(120)
        list[7].resolvedAt = minutesAgo(4_300)
        return list
    }

    static func ruleViews() -> [String: AlertRuleView] {
        let rate = AlertRuleView(name: "channel.success-rate", kind: .expression, expression: "success_rate(5m) < 90% and requests(5m) >= 20",
                                 forMilliseconds: 120_000, keepFiringForMilliseconds: 600_000, severity: .critical,
                                 labels: AlertLabels(["team": "payments"]), summary: "A channel account declines or fails one payment in ten.",
                                 enabled: true, builtIn: true)
        let unknown = AlertRuleView(name: "payment.unknown", kind: .event, expression: "", forMilliseconds: 0, keepFiringForMilliseconds: 900_000,
                                    severity: .warning, labels: AlertLabels(), summary: "A payment's outcome is not known.", enabled: true, builtIn: true)
        return [rate.name: rate, unknown.name: unknown]
    }

    /// The success rate of wechat-main minute by minute: fine for 45 minutes (one minute with no
    /// payments), then falling through 90 % when the outage began.
    static func outageHistory() -> [Double?] {
        (0..<60).map { minute -> Double? in
            if minute == 20 { return nil }
            if minute < 47 { return 0.97 + Double(minute % 3) / 100 }
            return max(0.3, 0.95 - Double(minute - 46) * 0.06)
        }
    }

    static func health(_ channel: String, _ account: String, breaker: String, perMinute: (Int) -> Int64, success: (Int) -> Double?,
                       p50: Double?, p95: Double?, slowFrom: Int = 0, amounts: [String: Int64]) -> AccountHealth {
        let volume = (0..<60).map(perMinute)
        let rates = (0..<60).map { volume[$0] == 0 ? nil : success($0) }
        let requests = volume.reduce(0, +)
        let succeeded = zip(volume, rates).reduce(0.0) { $0 + Double($1.0) * ($1.1 ?? 0) }
        return AccountHealth(channel: channel, account: account, breaker: breaker, requests: requests,
                             successRate: requests == 0 ? nil : succeeded / Double(requests), p50Milliseconds: p50, p95Milliseconds: p95,
                             volumeSeries: volume, successSeries: rates, p95Series: (0..<60).map { minute in volume[minute] == 0 ? nil : p95.map { minute >= slowFrom ? $0 : $0 / 10 } }, amountsToday: amounts)
    }

    static func dashboardSnapshot() -> DashboardSnapshot {
        let accounts = [
            health("alipay", "alipay-main", breaker: "CLOSED", perMinute: { Int64(8 + $0 % 7) }, success: { 0.97 + Double($0 % 3) / 100 },
                   p50: 180, p95: 2_400, amounts: ["CNY": 1_284_350_00]),
            health("wechat", "wechat-main", breaker: "OPEN", perMinute: { $0 < 47 ? Int64(10 + $0 % 5) : 25 },
                   success: { $0 < 47 ? 0.98 : 0.35 }, p50: 240, p95: 9_800, slowFrom: 47, amounts: ["CNY": 845_120_00, "HKD": 12_000]),
            health("unionpay", "unionpay-main", breaker: "HALF_OPEN", perMinute: { $0 % 4 == 0 ? 2 : 0 }, success: { _ in 0.5 },
                   p50: 410, p95: 1_900, amounts: ["CNY": 4_800_00]),
            health("card", "card-sandbox", breaker: "CLOSED", perMinute: { _ in 0 }, success: { _ in nil }, p50: nil, p95: nil, amounts: [:]),
        ]
        var gauges = MonitoringGauges()
        gauges.notificationBacklog = 141
        gauges.oldestUndeliveredAge = 12 * 60_000
        gauges.unknownAttempts = 2
        gauges.oldestUnknownAge = 16 * 60_000
        gauges.pendingAttempts = 5
        gauges.oldestPendingAge = 61_000
        gauges.workerLastRun = now.adding(milliseconds: -4_000)
        gauges.breakers = accounts.map { BreakerView(channel: $0.channel, account: $0.account, state: $0.breaker, since: minutesAgo(10)) }
        return DashboardSnapshot(at: now, accounts: accounts, gauges: gauges, openAlerts: [.firing: 4, .pending: 1, .acknowledged: 1])
    }

    // MARK: MonitoringDesk

    private func check() throws(PayError) {
        calls += 1
        if let refusal { throw refusal }
    }

    private func index(of id: Int64) throws(PayError) -> Int {
        guard let index = alertList.firstIndex(where: { $0.id == id }) else { throw PayError.notFound("alert #\(id): no such alert") }
        return index
    }

    func alerts(states: Set<AlertState>?) throws(PayError) -> [AlertSummary] {
        try check()
        return alertList.filter { states?.contains($0.state) ?? true }
    }

    func alert(id: Int64) throws(PayError) -> AlertDetail {
        try check()
        let alert = alertList[try index(of: id)]
        let history = histories[id] ?? []
        return AlertDetail(alert: alert, rule: rules[alert.rule], history: history, thresholdValue: history.isEmpty ? nil : 0.9,
                           orderFilter: filters[id])
    }

    func acknowledge(id: Int64) throws(PayError) -> AlertSummary {
        try check()
        let index = try index(of: id)
        guard alertList[index].state == .firing else {
            throw PayError.conflict("alert #\(id) is \(alertList[index].state.rawValue), not FIRING")
        }
        alertList[index].state = .acknowledged
        alertList[index].acknowledgedBy = actor
        acknowledged.append(id)
        return alertList[index]
    }

    func silence(alertId: Int64, forMilliseconds milliseconds: Int64, reason: String) throws(PayError) -> SilenceView {
        try check()
        let index = try index(of: alertId)
        guard !reason.isEmpty else { throw PayError.invalidInput("reason: required") }
        let alert = alertList[index]
        let matchers = [AlertMatcher(name: "alertname", value: alert.rule)] + alert.labels.pairs.map { AlertMatcher(name: $0.name, value: $0.value) }
        let view = SilenceView(id: Int64(100 + silenced.count), matchers: matchers, reason: reason, createdBy: actor, createdAt: Self.now,
                               expiresAt: Self.now.adding(milliseconds: milliseconds), endedAt: nil, matchedAlerts: alert.state.isOpen ? 1 : 0)
        alertList[index].silence = view
        silenced.append((alertId, milliseconds, reason))
        return view
    }

    func dashboard() throws(PayError) -> DashboardSnapshot {
        try check()
        return snapshot
    }
}
