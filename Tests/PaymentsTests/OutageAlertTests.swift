import Testing
import PayCore
import PayStore
import PayChannels
import PayServices
import TestSupport

/// Issue 12 across its parts, on a simulated clock: a sandbox outage, the real metrics, the alert
/// engine and an SMS sink. However many evaluations pass, the outage is one alert per account that
/// counts its firings; the on-call phone gets one message when it fires and one when it resolves.
@Suite("Monitoring: a sandbox outage end to end")
struct OutageAlertTests {
    static let phone = "+8613800000012"

    func evaluate(_ f: PaymentFixture) throws -> AlertEvaluation {
        try AlertEngine(f.context, metrics: MetricsService(f.context), notifier: AlertSinks()).evaluate()
    }

    func breakerAlerts(_ f: PaymentFixture) throws -> [AlertSummary] {
        try AlertService(f.context).list().filter { $0.rule == "channel.breaker-open" && $0.labels["account"] == "alipay-main" }
    }

    func sms(_ f: PaymentFixture) throws -> [String] {
        _ = try MerchantNotifications(f.context, poster: JanitorTests.RecordingPoster(), sms: SandboxSMSSender(f.sandbox)).deliverDue()
        return try f.sandbox.sms.list(to: Self.phone).map(\.text).filter { $0.contains("alipay-main") }
    }

    @Test("an outage fires one alert however many evaluations pass, counts them, and resolves after recovery plus keep-firing")
    func outage() throws {
        let f = try PaymentFixture()
        _ = try AlertSinkService(f.context).add(AlertSinkDraft(name: "oncall", kind: .sms, target: Self.phone))
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: true)
        for n in 1...6 {
            try f.order("OUT\(n)", 1_000)
            _ = try? f.pay("OUT\(n)", .alipay, authCode: Barcode.alipay)
        }
        #expect(try f.store.read { try f.store.breakers.state("alipay-main") }.state == .open)

        for _ in 0..<30 {
            _ = try evaluate(f)
            try f.advance("10s")
        }
        let firing = try #require(try breakerAlerts(f).first)
        #expect(try breakerAlerts(f).count == 1, "one alert, not a storm")
        #expect(firing.state == .firing)
        #expect(firing.firings == 30, "every evaluation that found the breaker open counted on the one alert")
        #expect(try sms(f).count == 1, "the on-call phone heard of it once")

        // Recovery: the breaker's probe payment goes through and closes it.
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: false)
        try f.order("BACK", 1_000)
        #expect(try f.pay("BACK", .alipay, authCode: Barcode.alipay).attempt?.status == .succeeded)
        #expect(try f.store.read { try f.store.breakers.state("alipay-main") }.state == .closed)
        _ = try evaluate(f)
        try f.advance("110s")
        _ = try evaluate(f)
        #expect(try breakerAlerts(f).first?.state == .firing, "still inside its 2 minutes of keep-firing")
        try f.advance("10s")
        _ = try evaluate(f)
        let resolved = try #require(try breakerAlerts(f).first)
        #expect(resolved.state == .resolved)
        #expect(resolved.id == firing.id)
        let messages = try sms(f)
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.last?.hasPrefix("PayDesk RESOLVED") == true, "\(messages)")
    }
}
