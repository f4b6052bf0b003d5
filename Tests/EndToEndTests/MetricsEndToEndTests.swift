import Testing
import Foundation
import TestSupport

/// `paydesk metrics` after real traffic from the command line, checked by Prometheus's own
/// `promtool check metrics` (Debian's `prometheus` package, in the Makefile's DEB_PKGS).
@Suite("Metrics from the command line")
struct MetricsEndToEndTests {
    let dir = TemporaryDirectory("e2e-metrics")
    var db: String { dir.path("store.db") }

    @discardableResult
    func paydesk(_ args: [String]) throws -> RunResult {
        try Paydesk.run(args + ["--db", db])
    }

    func pay(_ no: String, _ amount: String, _ method: [String]) throws -> Int32 {
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", no, "--amount", amount]).exitCode == 0)
        return try paydesk(["pay", "--business", "retail", "--order", no] + method).exitCode
    }

    static let promtool = "/usr/bin/promtool"

    @Test("after payments, declines, an outage and callbacks, promtool accepts the output and the figures are the traffic's")
    func promtoolAccepts() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        #expect(try paydesk(["sandbox", "latency", "--channel", "wechat", "--ms", "0"]).exitCode == 0)
        #expect(try pay("E1", "12.00", ["--method", "wechat", "--auth-code", "134567890123456789"]) == 0)
        #expect(try pay("E2", "12.51", ["--method", "alipay", "--auth-code", "2812345678901234"]) == 4)
        #expect(try pay("E3", "20.00", ["--method", "wechat", "--wait", "10"]) == 0)
        #expect(try paydesk(["sandbox", "outage", "--channel", "alipay", "--on"]).exitCode == 0)
        #expect(try pay("E4", "13.00", ["--method", "alipay", "--auth-code", "2812345678901234"]) != 0)
        #expect(try paydesk(["sandbox", "outage", "--channel", "alipay", "--off"]).exitCode == 0)
        #expect(try paydesk(["worker", "--once"]).exitCode == 0)
        let junk = dir.path("junk.json")
        try Data("{\"not\": \"a callback\"}".utf8).write(to: URL(fileURLWithPath: junk))
        #expect(try paydesk(["notify", "--channel", "card", "--body-file", junk]).exitCode == 3)

        let metrics = try paydesk(["metrics"])
        #expect(metrics.exitCode == 0, "\(metrics)")
        let text = metrics.stdout
        #expect(text.contains("# TYPE paydesk_channel_calls_total counter"))
        #expect(text.contains("# TYPE paydesk_channel_call_duration_seconds histogram"))
        #expect(text.contains(#"operation="pay",outcome="declined"} 1"#))
        #expect(text.contains(#"paydesk_callbacks_rejected_total{channel="card"} 1"#))
        #expect(text.contains(#"paydesk_risk_allows_total{line="retail"} 4"#))
        #expect(text.contains("paydesk_worker_last_run_timestamp_seconds "))
        #expect(text.contains(#",state="OPEN"} 1"#) || text.contains(#"outcome="system_error"} "#), "the outage shows")
        let lines = text.split(separator: "\n")
        let systemErrors = lines.filter { $0.hasPrefix("paydesk_channel_calls_total{channel=\"alipay\"") && $0.contains("system_error") }
            .compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
        #expect(systemErrors >= 1, "the outage's failed calls are counted")
        let paid = lines.filter { $0.hasPrefix("paydesk_payment_amount_minor_total{") && $0.contains(#"currency="CNY""#) }
            .compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
        #expect(paid == 3_200, "12.00 and 20.00 paid; the declined and the failed payments add nothing")

        #expect(FileManager.default.isExecutableFile(atPath: Self.promtool), "promtool is missing: install Debian's `prometheus` (make deps)")
        let file = dir.path("metrics.prom")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: Self.promtool)
        check.arguments = ["check", "metrics"]
        check.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        let output = Pipe()
        check.standardOutput = output
        check.standardError = output
        try check.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "promtool: \(said)")
        #expect(said.isEmpty, "promtool: \(said)")
    }

    @Test("retention is shown and set; bad values name the option and change nothing")
    func retention() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        #expect(try paydesk(["metrics", "retention"]).stdout.contains("7 days of minutes, 90 days of hours"))
        let bad = try paydesk(["metrics", "retention", "--hours-days", "0"])
        #expect(bad.exitCode == 3)
        #expect(bad.stderr.contains("--hours-days '0'"), "\(bad)")
        let short = try paydesk(["metrics", "retention", "--minutes-days", "30", "--hours-days", "10"])
        #expect(short.exitCode == 3)
        #expect(short.stderr.contains("hour retention"), "\(short)")
        let set = try paydesk(["metrics", "retention", "--minutes-days", "3"])
        #expect(set.exitCode == 0, "\(set)")
        #expect(try paydesk(["metrics", "retention"]).stdout.contains("3 days of minutes, 90 days of hours"))
    }
}
