import Foundation
import Testing
import TestSupport

/// Issue 12, as support meets an outage: the built binary in tmux on a simulated clock. Alipay
/// goes down, payments from the command line fail until both breakers open; the console's own
/// worker evaluates the rules, so the alert appears in F4 and the open breaker in F5. Support
/// acknowledges it; Alipay comes back, a payment closes the breaker, and once the keep-firing time
/// has passed on the clock the console's worker resolves it by itself — one alert all along.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct MonitoringConsoleEndToEndTests {
    @Test func anOutageAppearsInTheAlertPanelAndTheDashboardIsAcknowledgedAndResolvesAfterRecovery() throws {
        let directory = TemporaryDirectory("monitoring-e2e")
        let store = directory.path("store.db")
        func paydesk(_ arguments: [String]) throws -> RunResult { try Paydesk.run(arguments + ["--db", store]) }
        func pay(_ orderNo: String) throws -> RunResult {
            #expect(try paydesk(["order", "create", "--business", "retail", "--order", orderNo, "--amount", "10.00"]).exitCode == 0)
            return try paydesk(["pay", "--business", "retail", "--order", orderNo, "--method", "alipay", "--auth-code", "2812345678901234"])
        }
        #expect(try paydesk(["init", "--demo", "--simulated-clock"]).exitCode == 0)
        #expect(try paydesk(["sandbox", "outage", "--channel", "alipay", "--on"]).exitCode == 0)
        for n in 1...6 { #expect(try pay("OUT\(n)").exitCode != 0) }

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && '\(Paydesk.binary)' --db '\(store)'; sleep 60")
        try tmux.wait(for: "Operator login")
        tmux.logIn("support")
        try tmux.wait(for: "all orders, newest first")

        tmux.send("F4")
        let firing = try tmux.wait(for: "FIRING     critical channel.breaker-open")
        #expect(firing.contains("account=alipay-main channel=alipay"), "\(firing)")
        #expect(firing.contains("alerts 1"), "the status bar counts it: \(firing)")

        tmux.send("F5")
        let dashboard = try tmux.wait(for: "alipay/alipay-main")
        #expect(dashboard.contains("PayDesk — Dashboard"))
        #expect(dashboard.split(separator: "\n").contains { $0.contains("alipay/alipay-main") && $0.contains("OPEN") }, "\(dashboard)")

        tmux.send("F4")
        try tmux.wait(for: "FIRING     critical channel.breaker-open")
        tmux.send(literal: "a")
        try tmux.wait(for: "Acknowledge alert")
        tmux.send(literal: "y")
        let acknowledged = try tmux.wait(for: "ACKNOWLEDGED critical channel.breaker-open")
        #expect(!acknowledged.contains("● FIRING"), "\(acknowledged)")

        // Alipay comes back: after the breaker's cool-down one payment closes it; two minutes of
        // keep-firing later the alert resolves by itself, and the panel shows it without a key.
        #expect(try paydesk(["sandbox", "outage", "--channel", "alipay", "--off"]).exitCode == 0)
        #expect(try paydesk(["clock", "advance", "40s"]).exitCode == 0)
        #expect(try pay("BACK1").exitCode == 0)
        // Keep-firing counts from the first evaluation that finds the breaker closed (as
        // Prometheus does); any process may evaluate, so the command line makes that one now.
        #expect(try paydesk(["clock", "advance", "15s"]).exitCode == 0)
        let cleared = try paydesk(["alerts", "evaluate"])
        #expect(cleared.exitCode == 0, "\(cleared)")
        #expect(try paydesk(["alerts", "--state", "ACKNOWLEDGED"]).stdout.contains("channel.breaker-open"), "not resolved before its keep-firing time")
        #expect(try paydesk(["clock", "advance", "3m"]).exitCode == 0)
        let resolved = try tmux.wait(for: "RESOLVED     critical channel.breaker-open")
        #expect(resolved.contains("0 firing · 0 pending · 0 acknowledged"), "\(resolved)")

        // One alert for the whole outage, however many rounds evaluated it.
        let listed = try paydesk(["alerts", "--json"])
        let alerts = try #require(try listed.json()["alerts"] as? [[String: Any]], "\(listed)")
        #expect(alerts.filter { $0["rule"] as? String == "channel.breaker-open" }.count == 1, "\(alerts)")
    }
}
