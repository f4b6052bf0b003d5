import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

@Suite("Alert rule expressions")
struct AlertExpressionTests {
    @Test("the default rules' expressions parse, with their primary signal and threshold")
    func defaults() throws {
        let e = try AlertExpression.parse("success_rate(5m) < 90% and requests(5m) >= 20")
        #expect(e.primary.signal == .successRate && e.primary.threshold == 0.9 && e.primary.windowMilliseconds == 300_000)
        #expect(try AlertExpression.parse("latency_p95(5m) > 2s").primary.threshold == 2000)
        #expect(try AlertExpression.parse("notification_backlog > 100 or notification_oldest_age > 10m")
                == .or(.compare(signal: .notificationBacklog, windowMilliseconds: nil, op: .greater, threshold: 100, literal: "100"),
                       .compare(signal: .notificationOldestAge, windowMilliseconds: nil, op: .greater, threshold: 600_000, literal: "10m")))
        let grouped = try AlertExpression.parse("(breaker_open > 0 or unknown_attempts >= 3) and requests(1m) > 0")
        guard case .and(.or, .compare) = grouped else {
            Issue.record("parentheses group: \(grouped)")
            return
        }
    }

    @Test("parse errors name the column and what was expected", arguments: [
        ("success_rate(5m) < 90% andd requests(5m) > 1", "column 24"),
        ("succes_rate(5m) < 90%", "column 1: unknown signal 'succes_rate'"),
        ("requests > 3", "column 1: requests is counted over a window"),
        ("breaker_open(5m) > 0", "column 1: breaker_open is read at an instant"),
        ("requests(5m) > 90%", "column 16: requests is a count"),
        ("latency_p95(5m) > 90%", "column 19: latency_p95 is a duration"),
        ("(breaker_open > 0", "column 18: expected ')'"),
        ("requests(30s) > 1", "column 10: window 30s"),
        ("breaker_open >", "column 15: expected a number"),
        ("breaker_open => 1", "column 14: unknown operator '=>'"),
        ("breaker_open > 1 $", "column 18: unexpected '$'"),
    ])
    func errors(_ text: String, _ expected: String) {
        do {
            _ = try AlertExpression.parse(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.exitCode == 3)
        }
    }
}

@Suite("Alert service")
struct AlertServiceTests {
    let f: ServiceFixture
    let metrics = FakeMetrics()
    let notifier = RecordingNotifier()

    init() throws { f = try ServiceFixture() }

    var service: AlertService { AlertService(f.context, metrics: metrics, notifier: notifier) }

    @Test("acknowledging is guarded: a FIRING alert once, then a clear refusal; the ack is audited")
    func acknowledge() throws {
        metrics.setBreaker(state: "OPEN")
        _ = try service.evaluate()
        let alert = try #require(try service.list().first)
        let acked = try service.acknowledge(alert.id)
        #expect(acked.state == .acknowledged && acked.acknowledgedBy == f.context.actor.name)
        #expect(throws: PayError.self) { try service.acknowledge(alert.id) }
        #expect(try AuditLog(f.context).entries(target: "alert:\(alert.id)").map(\.action) == ["alert.ack"])
        #expect(try service.counts() == [.acknowledged: 1])
    }

    @Test("the list puts open alerts first, loudest then oldest, resolved after")
    func listOrder() throws {
        metrics.gaugesNow.notificationBacklog = 500
        _ = try service.evaluate()
        try f.advance("1m")
        metrics.setBreaker(state: "OPEN")
        metrics.gaugesNow.notificationBacklog = 0
        _ = try service.evaluate()
        try f.advance("10m")
        _ = try service.evaluate()
        metrics.gaugesNow.oldestUnknownAge = 3_600_000
        _ = try service.evaluate()
        #expect(try service.list().map(\.rule) == ["channel.breaker-open", "payments.unknown-old", "notifications.backlog"])
        #expect(try service.list(states: [.resolved]).map(\.rule) == ["notifications.backlog"])
    }

    @Test("detail: the rule, an hour of its value and the threshold, and the orders it concerns")
    func detail() throws {
        metrics.setTraffic(requests: 40, succeeded: 10)
        _ = try service.evaluate()
        let alert = try #require(try service.list().first)
        let detail = try service.detail(id: alert.id)
        #expect(detail.rule?.name == "channel.success-rate")
        #expect(detail.history.count == 60 && detail.history.last == 0.25)
        #expect(detail.thresholdValue == 0.9)
        #expect(detail.orderFilter == "channel:wechat since:1h")
        #expect(throws: PayError.self) { try service.detail(id: 9999) }
    }

    @Test("an event alert about an order points the browser at it; its labels come from the payment")
    func eventOrderFilter() throws {
        let order = try f.order("A-1")
        let id = try #require(try f.store.write { try Alerting(f.context).raise(rule: "payment.duplicate", subject: "order:\(order.id)",
                                                                                 labels: ["channel": "wechat"], message: "paid twice") })
        let detail = try service.detail(id: id)
        #expect(detail.orderFilter == order.serial.rawValue)
        #expect(detail.alert.labels["channel"] == "wechat" && detail.alert.severity == .warning)
    }

    @Test("silences need a reason, matchers and a sane duration; they are audited")
    func silenceValidation() throws {
        let m = [AlertMatcher(name: "channel", value: "wechat")]
        #expect(throws: PayError.self) { try service.silence(matchers: m, forMilliseconds: 3_600_000, reason: "  ") }
        #expect(throws: PayError.self) { try service.silence(matchers: [], forMilliseconds: 3_600_000, reason: "x") }
        #expect(throws: PayError.self) { try service.silence(matchers: m, forMilliseconds: 1000, reason: "x") }
        let silence = try service.silence(matchers: m, forMilliseconds: 3_600_000, reason: "maintenance")
        #expect(try service.silences().map(\.id) == [silence.id])
        try f.advance("2h")
        #expect(try service.silences().isEmpty)
        #expect(try service.silences(includeEnded: true).map(\.id) == [silence.id])
        #expect(try AuditLog(f.context).entries(target: "silence:\(silence.id)").map(\.action) == ["alert.silence"])
    }

    @Test("rules: an admin adds one (the expression must parse), it evaluates; support may not add or disable")
    func rules() throws {
        #expect(throws: PayError.self) { try service.addRule(name: "my.rule", expression: "requests(5m) >") }
        try service.addRule(name: "my.rule", expression: "requests(5m) > 30", severity: .info, labels: AlertLabels(["team": "pay"]))
        #expect(throws: PayError.self) { try service.addRule(name: "my.rule", expression: "requests(5m) > 30") }
        metrics.setTraffic(requests: 31, succeeded: 31)
        _ = try service.evaluate()
        let alert = try #require(try service.list().first { $0.rule == "my.rule" })
        #expect(alert.labels["team"] == "pay" && alert.severity == .info && alert.state == .firing)

        f.context.actor = Actor(name: "sue", role: .support, origin: "test")
        let refused = #expect(throws: PayError.self) { try service.addRule(name: "other.rule", expression: "requests(5m) > 1") }
        #expect(refused?.exitCode == 8)
        #expect(throws: PayError.self) { try service.setRule("my.rule", enabled: false) }
        #expect(try service.rules().contains { $0.name == "my.rule" && $0.enabled })
    }
}
