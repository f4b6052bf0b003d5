import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// The alert engine on a simulated clock, over the real store and metrics a test sets.
@Suite("Alert engine")
struct AlertEngineTests {
    let f: ServiceFixture
    let metrics = FakeMetrics()
    let notifier = RecordingNotifier()

    init() throws { f = try ServiceFixture() }

    var engine: AlertEngine { AlertEngine(f.context, metrics: metrics, notifier: notifier) }

    @discardableResult
    func evaluate() throws -> AlertEvaluation { try engine.evaluate() }

    @Test("an outage held across many evaluations makes one alert, counts its firings, and resolves after keep-firing, not before")
    func outageOneAlert() throws {
        metrics.setTraffic(requests: 40, succeeded: 10)
        try evaluate()
        var rows = try f.alerts(rule: "channel.success-rate")
        #expect(rows.map(\.state) == [.pending], "for 1m: pending first")
        #expect(notifier.told("channel.success-rate").isEmpty, "nothing is sent while pending")
        for _ in 0..<30 {
            try f.advance("10s")
            try evaluate()
        }
        rows = try f.alerts(rule: "channel.success-rate")
        #expect(rows.count == 1)
        let alert = try #require(rows.first)
        #expect(alert.state == .firing)
        #expect(alert.labels == #"account="wechat-a",channel="wechat""#)
        #expect(alert.value == "25.0 %" && alert.threshold == "< 90%")
        #expect(alert.count == 25, "fired at 60 s, then counted on each of the 24 later evaluations")
        #expect(notifier.told("channel.success-rate") == [.firing], "told once")

        metrics.setTraffic(requests: 40, succeeded: 40)
        try f.advance("10s")
        try evaluate()
        #expect(try f.alerts(rule: "channel.success-rate").first?.clearedAt != nil)
        try f.advance("4m50s")
        try evaluate()
        #expect(try f.alerts(rule: "channel.success-rate").first?.state == .firing, "4m50s after it cleared: still firing")
        try f.advance("10s")
        try evaluate()
        #expect(try f.alerts(rule: "channel.success-rate").map(\.state) == [.resolved], "5m after it cleared: resolved")
        #expect(notifier.told("channel.success-rate") == [.firing, .resolved])
    }

    @Test("holding again before keep-firing ends keeps the same alert open")
    func flapKeepsOneAlert() throws {
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        metrics.setBreaker(state: "CLOSED")
        try f.advance("1m")
        try evaluate()
        #expect(try f.alerts(rule: "channel.breaker-open").first?.clearedAt != nil)
        metrics.setBreaker(state: "OPEN")
        try f.advance("30s")
        try evaluate()
        let rows = try f.alerts(rule: "channel.breaker-open")
        #expect(rows.count == 1 && rows[0].state == .firing && rows[0].clearedAt == nil && rows[0].count == 2)
        #expect(notifier.told("channel.breaker-open") == [.firing])
    }

    @Test("a pending alert that clears before its for time resolves at once and is never sent")
    func pendingResolves() throws {
        metrics.setTraffic(requests: 40, succeeded: 10)
        try evaluate()
        metrics.setTraffic(requests: 40, succeeded: 40)
        try f.advance("30s")
        try evaluate()
        #expect(try f.alerts(rule: "channel.success-rate").map(\.state) == [.resolved])
        #expect(notifier.notices.isEmpty)
    }

    /// Each default rule: what makes it fire just past its threshold, and the figures just on the safe side.
    static let thresholds: [(rule: String, fire: @Sendable (FakeMetrics, Timestamp) -> Void, quiet: @Sendable (FakeMetrics, Timestamp) -> Void)] = [
        ("channel.success-rate", { m, _ in m.setTraffic(requests: 100, succeeded: 89) }, { m, _ in m.setTraffic(requests: 100, succeeded: 90) }),
        ("channel.success-rate", { m, _ in m.setTraffic(requests: 20, succeeded: 0) }, { m, _ in m.setTraffic(requests: 19, succeeded: 0) }),
        ("channel.latency-p95", { m, _ in m.setTraffic(requests: 10, succeeded: 10, latency: 2100) },
         { m, _ in m.setTraffic(requests: 10, succeeded: 10, latency: 1500) }),
        ("channel.breaker-open", { m, _ in m.setBreaker(state: "HALF_OPEN") }, { m, _ in m.setBreaker(state: "CLOSED") }),
        ("notifications.backlog", { m, _ in m.gaugesNow.notificationBacklog = 101 }, { m, _ in m.gaugesNow.notificationBacklog = 100 }),
        ("notifications.backlog", { m, _ in m.gaugesNow.oldestUndeliveredAge = 600_001 }, { m, _ in m.gaugesNow.oldestUndeliveredAge = 600_000 }),
        ("payments.unknown-old", { m, _ in m.gaugesNow.oldestUnknownAge = 900_001 }, { m, _ in m.gaugesNow.oldestUnknownAge = 900_000 }),
        ("callbacks.suspicious", { m, _ in m.eventCounts[.callbackSuspicious] = ["wechat": 1] },
         { m, _ in m.eventCounts[.callbackSuspicious] = ["wechat": 0] }),
        ("payments.duplicates", { m, _ in m.eventCounts[.duplicateFound] = ["alipay": 1] }, { m, _ in m.eventCounts[.duplicateFound] = ["alipay": 0] }),
        ("worker.dead-man", { m, now in m.gaugesNow.workerLastRun = now.adding(milliseconds: -300_001) },
         { m, now in m.gaugesNow.workerLastRun = now.adding(milliseconds: -300_000) }),
    ]

    @Test("each default rule fires at its threshold and not just below it", arguments: 0..<thresholds.count)
    func defaultRuleThreshold(_ index: Int) throws {
        let (rule, fire, quiet) = Self.thresholds[index]
        let ruleRow = try #require(try f.store.read { try f.store.alertRules.find(rule) })
        quiet(metrics, f.context.now)
        try evaluate()
        #expect(try f.alerts(rule: rule).isEmpty, "\(rule): quiet just on the safe side of its threshold")

        fire(metrics, f.context.now)
        try evaluate()
        if ruleRow.forMilliseconds > 0 {
            #expect(try f.alerts(rule: rule).map(\.state) == [.pending], "\(rule): pending for its for time")
            try f.advance("\(ruleRow.forMilliseconds)ms")
            fire(metrics, f.context.now)
            try evaluate()
        }
        #expect(try f.alerts(rule: rule).map(\.state) == [.firing], "\(rule): fires just past its threshold")
        #expect(notifier.told(rule) == [.firing])
    }

    @Test("a silence suppresses an alert's notices; when it expires and the alert still fires it returns, marked and sent")
    func silenceExpires() throws {
        let service = AlertService(f.context, metrics: metrics, notifier: notifier)
        let silence = try service.silence(matchers: [AlertMatcher(name: "alertname", value: "channel.breaker-open"),
                                                     AlertMatcher(name: "channel", value: "wechat")],
                                          forMilliseconds: 3_600_000, reason: "wechat maintenance")
        #expect(silence.matchedAlerts == 0, "nothing open yet: the caller warns")
        metrics.setBreaker(state: "OPEN")
        metrics.setBreaker(channel: "alipay", account: "alipay-a", state: "OPEN")
        try evaluate()
        let wechat = try #require(try f.alerts(rule: "channel.breaker-open").first { $0.labels.contains("wechat") })
        #expect(wechat.state == .firing && wechat.silenceId == silence.id)
        #expect(notifier.notices.map(\.id) == [try #require(try f.alerts(rule: "channel.breaker-open").first { $0.labels.contains("alipay") }).id],
                "only the unsilenced alipay alert is sent")
        try f.advance("59m")
        try evaluate()
        #expect(notifier.notices.count == 1)
        try f.advance("1m")
        try evaluate()
        let back = try #require(try f.store.read { try f.store.alerts.find(wechat.id) })
        #expect(back.silenceId == nil && back.returnedFromSilence)
        #expect(notifier.notices.last?.id == wechat.id && notifier.notices.last?.notice == .returned)
        let listed = try #require(try service.list().first { $0.id == wechat.id })
        #expect(listed.returnedFromSilence && listed.silence == nil)
    }

    @Test("ending a silence early brings a firing alert back at the next evaluation")
    func endSilence() throws {
        let service = AlertService(f.context, metrics: metrics, notifier: notifier)
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        let alert = try #require(try f.alerts(rule: "channel.breaker-open").first)
        let silence = try service.silence(alertId: alert.id, forMilliseconds: 3_600_000, reason: "known")
        #expect(silence.matchedAlerts == 1)
        try service.endSilence(silence.id)
        #expect(throws: PayError.self) { try service.endSilence(silence.id) }
        try evaluate()
        #expect(notifier.told("channel.breaker-open") == [.firing, .returned])
    }

    @Test("a channel's breaker firing inhibits that channel's event alerts, not another channel's; they are sent once it resolves")
    func inhibition() throws {
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        let breaker = try #require(try f.alerts(rule: "channel.breaker-open").first)
        try f.store.write {
            try Alerting(f.context).raise(rule: "payment.unknown", subject: "attempt:901", labels: ["channel": "wechat", "account": "wechat-a"],
                                          message: "wechat payment unknown")
            try Alerting(f.context).raise(rule: "payment.unknown", subject: "attempt:902", labels: ["channel": "alipay", "account": "alipay-a"],
                                          message: "alipay payment unknown")
        }
        try evaluate()
        let events = try f.alerts(rule: "payment.unknown")
        let wechat = try #require(events.first { $0.key == "attempt:901" })
        let alipay = try #require(events.first { $0.key == "attempt:902" })
        #expect(wechat.inhibitedBy == breaker.id && alipay.inhibitedBy == nil)
        #expect(notifier.notices.filter { $0.rule == "payment.unknown" }.map(\.id) == [alipay.id])

        metrics.setBreaker(state: "CLOSED")
        try f.advance("10s")
        try evaluate()
        try f.advance("2m")
        try evaluate()
        #expect(try f.alerts(rule: "channel.breaker-open").first?.state == .resolved)
        try evaluate()
        #expect(try f.store.read { try f.store.alerts.find(wechat.id) }?.inhibitedBy == nil)
        #expect(notifier.notices.filter { $0.rule == "payment.unknown" }.map(\.id) == [alipay.id, wechat.id])
    }

    @Test("event alerts: raised twice is one alert counted twice; it resolves keep-firing after the last raise")
    func eventAlerts() throws {
        let raise = { () throws in
            _ = try f.store.write { try Alerting(f.context).raise(rule: "worker.job-failed", subject: "janitor", labels: ["job": "janitor"], message: "boom") }
        }
        try raise()
        try f.advance("30m")
        try raise()
        let rows = try f.alerts(rule: "worker.job-failed")
        #expect(rows.count == 1 && rows[0].count == 2 && rows[0].state == .firing && rows[0].severity == "warning")
        try f.advance("59m")
        try evaluate()
        #expect(try f.alerts(rule: "worker.job-failed").first?.state == .firing)
        try f.advance("1m")
        try evaluate()
        #expect(try f.alerts(rule: "worker.job-failed").first?.state == .resolved)
        #expect(notifier.told("worker.job-failed") == [.firing, .resolved])
        try raise()
        #expect(try f.alerts(rule: "worker.job-failed").count == 2, "a raise after resolution opens a new alert")
    }

    @Test("a disabled event rule raises nothing; a disabled expression rule's alert resolves")
    func disabledRules() throws {
        let service = AlertService(f.context, metrics: metrics, notifier: notifier)
        try service.setRule("worker.job-failed", enabled: false)
        _ = try f.store.write { try Alerting(f.context).raise(rule: "worker.job-failed", subject: "janitor", message: "boom") }
        #expect(try f.alerts(rule: "worker.job-failed").isEmpty)
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        try service.setRule("channel.breaker-open", enabled: false)
        try f.advance("10s")
        try evaluate()
        #expect(try f.alerts(rule: "channel.breaker-open").map(\.state) == [.firing], "cleared: keeps firing for its keep-firing time")
        try f.advance("2m")
        try evaluate()
        #expect(try f.alerts(rule: "channel.breaker-open").map(\.state) == [.resolved])
    }

    @Test("the dead-man fires from any process that checks, and not when the worker ran recently")
    func deadMan() throws {
        let service = AlertService(f.context, metrics: metrics, notifier: notifier)
        metrics.gaugesNow.workerLastRun = f.context.now.adding(milliseconds: -60_000)
        try service.checkDeadMan()
        #expect(try f.alerts(rule: "worker.dead-man").isEmpty)
        try f.advance("5m")
        try service.checkDeadMan()
        let rows = try f.alerts(rule: "worker.dead-man")
        #expect(rows.map(\.state) == [.firing])
        #expect(rows.first?.value == "360.0s" && rows.first?.threshold == "> 5m")
        #expect(notifier.told("worker.dead-man") == [.firing])
    }

    @Test("two evaluations in a row send each notice once")
    func noticeOnce() throws {
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        let second = AlertEngine(f.context, metrics: metrics, notifier: notifier)
        _ = try second.evaluate()
        try evaluate()
        #expect(notifier.told("channel.breaker-open") == [.firing])
    }
}

@Suite("Alert evaluation job")
struct AlertEvaluationJobTests {
    @Test("the worker's job evaluates at most every 10 s of store time, and with no metrics still resolves event alerts")
    func pace() throws {
        let f = try ServiceFixture()
        let metrics = FakeMetrics()
        let notifier = RecordingNotifier()
        let job = AlertEvaluationJob(metrics: { _ in metrics }, notifier: notifier)
        metrics.setBreaker(state: "OPEN")
        #expect(try job.runDue(f.context) == 2, "one alert opened FIRING, one notice sent")
        metrics.setBreaker(channel: "alipay", account: "alipay-a", state: "OPEN")
        try f.advance("9s")
        #expect(try job.runDue(f.context) == 0)
        #expect(try f.alerts(rule: "channel.breaker-open").count == 1)
        try f.advance("1s")
        #expect(try job.runDue(f.context) == 2)
        #expect(try f.alerts(rule: "channel.breaker-open").count == 2)

        let eventsOnly = AlertEvaluationJob(metrics: { _ in nil }, notifier: notifier)
        _ = try f.store.write { try Alerting(f.context).raise(rule: "worker.job-failed", subject: "janitor", message: "boom") }
        try f.advance("1h")
        _ = try eventsOnly.runDue(f.context)
        #expect(try f.alerts(rule: "worker.job-failed").map(\.state) == [.resolved])
        #expect(try f.alerts(rule: "channel.breaker-open").allSatisfy { $0.state == .firing }, "rules over metrics untouched without metrics")
    }
}

@Suite("Alert engine across processes")
struct AlertEngineRaceTests {
    @Test("four connections evaluating at once open one alert and send its notice once")
    func race() throws {
        let f = try ServiceFixture()
        let path = f.directory.path("store.db")
        for _ in 0..<5 {
            let results = concurrently(4) { _ -> Int in
                do {
                    let store = try Store.open(path: path)
                    let context = try ServiceContext(store: store, actor: .system)
                    let metrics = FakeMetrics()
                    metrics.setBreaker(state: "OPEN")
                    let notifier = RecordingNotifier()
                    _ = try AlertEngine(context, metrics: metrics, notifier: notifier).evaluate()
                    return notifier.notices.count
                } catch {
                    return -1000
                }
            }
            #expect(results.allSatisfy { $0 >= 0 }, "every evaluation went through: \(results)")
            #expect(results.reduce(0, +) == 1, "one notice among them: \(results)")
            #expect(try f.alerts(rule: "channel.breaker-open").filter { $0.state.isOpen }.count == 1)
            try f.store.write { try f.store.alertRules.setEnabled("channel.breaker-open", false) }
            _ = try AlertEngine(f.context, metrics: FakeMetrics(), notifier: RecordingNotifier()).evaluate()
            try f.advance("2m")
            _ = try AlertEngine(f.context, metrics: FakeMetrics(), notifier: RecordingNotifier()).evaluate()
            #expect(try f.alerts(rule: "channel.breaker-open").allSatisfy { $0.state == .resolved })
            try f.store.write { try f.store.alertRules.setEnabled("channel.breaker-open", true) }
        }
    }
}
