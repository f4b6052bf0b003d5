import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// The alert engine where notices are easy to lose: silences over alerts already announced,
/// silences again after a return, inhibition across accounts, and expressions built to break it.
@Suite("Alert engine: edges")
struct AlertEdgeTests {
    let f: ServiceFixture
    let metrics = FakeMetrics()
    let notifier = RecordingNotifier()

    init() throws { f = try ServiceFixture() }

    var service: AlertService { AlertService(f.context, metrics: metrics, notifier: notifier) }

    func evaluate() throws { _ = try AlertEngine(f.context, metrics: metrics, notifier: notifier).evaluate() }

    @Test("a resolution reaches the sinks that heard of the firing, even when the alert was silenced since")
    func resolutionAfterSilence() throws {
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        let alert = try #require(try f.alerts(rule: "channel.breaker-open").first)
        _ = try service.silence(alertId: alert.id, forMilliseconds: 3_600_000, reason: "maintenance")
        metrics.setBreaker(state: "CLOSED")
        try f.advance("10s")
        try evaluate()
        try f.advance("2m")
        try evaluate()
        #expect(try f.alerts(rule: "channel.breaker-open").first?.state == .resolved)
        #expect(notifier.told("channel.breaker-open") == [.firing, .resolved], "the receiver's incident is closed")
    }

    @Test("an alert that comes back from a second silence is announced again")
    func returnsTwice() throws {
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        let alert = try #require(try f.alerts(rule: "channel.breaker-open").first)
        for _ in 0..<2 {
            _ = try service.silence(alertId: alert.id, forMilliseconds: 60_000, reason: "looking at it")
            try evaluate()
            try f.advance("70s")
            try evaluate()
        }
        #expect(notifier.told("channel.breaker-open") == [.firing, .returned, .returned])
    }

    @Test("an account's breaker inhibits that account's event alerts only; suspicious callbacks are never inhibited")
    func inhibitionPerAccount() throws {
        metrics.setBreaker(state: "OPEN")
        try evaluate()
        try f.store.write {
            try Alerting(f.context).raise(rule: "payment.unknown", subject: "attempt:903", labels: ["channel": "wechat", "account": "wechat-b"],
                                          message: "payment on the other account unknown")
            try Alerting(f.context).raise(rule: "callback.suspicious", subject: "attempt:904", labels: ["channel": "wechat", "account": "wechat-a"],
                                          message: "a verified callback does not match")
        }
        try evaluate()
        #expect(try f.alerts(rule: "payment.unknown").allSatisfy { $0.inhibitedBy == nil })
        #expect(try f.alerts(rule: "callback.suspicious").allSatisfy { $0.inhibitedBy == nil })
        #expect(notifier.told("payment.unknown") == [.firing])
        #expect(notifier.told("callback.suspicious") == [.firing])
    }

    @Test("expressions built to break the parser are refused with a reason, not a crash",
          arguments: [
              ("requests(99999999999999999999d) > 1", "window"),
              ("requests(5m) > 99999999999999999999", "out of range"),
              ("success_rate(5m) < 90", "write 90% for a percent"),
              (String(repeating: "(", count: 40) + "breaker_open > 0" + String(repeating: ")", count: 40), "parentheses"),
              (String(repeating: "breaker_open > 0 and ", count: 60) + "breaker_open > 0", "characters"),
          ])
    func hostileExpressions(_ text: String, _ says: String) throws {
        let error = #expect(throws: PayError.self) { try AlertExpression.parse(text) }
        #expect(error?.message.contains(says) == true, "\(error?.message ?? "")")
    }

    @Test("a sink's URL is shown without its user info or query values")
    func maskedTargets() {
        #expect(AlertSinkService.maskedTarget("https://ops:hunter2@hooks.example/x?access_token=abc&k=1") == "https://…@hooks.example/x?access_token=…&k=…")
        #expect(AlertSinkService.maskedTarget("http://127.0.0.1:9000/hook") == "http://127.0.0.1:9000/hook")
        #expect(AlertSinkService.hint("short-secret") == "")
    }
}
