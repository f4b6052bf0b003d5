import Foundation
import Testing
import TestSupport
@testable import paydesk

/// With `--json`, every command that succeeds prints one JSON object on stdout and nothing else
/// there (issue 14's command-line polish): a script parses what it gets, on success as on failure.
@Suite("--json on success")
struct JSONOutputTests {
    /// Commands that measure for seconds or wait for a person; their JSON is tested where they are.
    static let skipped: Set<String> = ["bench pay", "bench browse", "bench route", "bench render", "bench serve", "bench reconcile",
                                       "bench cli", "operator passwd", "demo"]

    /// Arguments that make the commands the fuzz tests give no baseline succeed, in the order
    /// `CommandRegistry.all` runs them (a merchant `fzm`, an account secret file and wallet-main disabled, first).
    static func samples(secretFile: String) -> [String: [String]] {
        [
            "orders view save": ["fz-view", "--filter", "line:retail"],
            "orders view delete": ["fz-view"],
            "timeline": ["--order", "FZ-1", "--business", "retail"],
            "business add": ["fz-line", "--merchant", "fzm", "--name", "FZ line"],
            "business api-secret": ["retail"],
            "merchant add": ["fzm2", "--name", "FZ 2"],
            "merchant disable": ["fzm2"],
            "merchant enable": ["fzm2"],
            "account add": ["fz-card", "--channel", "card", "--merchant", "fzm", "--name", "FZ card"],
            "account import-key": ["fz-card", "api_secret", secretFile],
            "account set": ["alipay-main", "--set", "app_id=2021000000000042"],
            "account enable": ["wallet-main"],
            "account disable": ["wallet-main"],
            "account test": ["wallet-main"],
            "alerts silence": ["--match", "channel=wechat", "--for", "1h", "--reason", "fz"],
            "alerts unsilence": ["1"],
            "alerts rules disable": ["channel.breaker-open"],
            "alerts rules enable": ["channel.breaker-open"],
            "reconcile show": ["1"],
            "sandbox callbacks-to": ["--off"],
        ]
    }

    @Test("every command's success under --json is one JSON object on stdout")
    func everyCommandPrintsJSON() throws {
        let store = try DemoStore()
        let body = store.directory.path("callback.json")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: body))
        let secret = store.directory.path("api.secret")
        try "sk_fz_0123456789abcdef\n".write(toFile: secret, atomically: true, encoding: .utf8)
        #expect(store.run(["order", "create", "--business", "retail", "--order", "FZ-1", "--amount", "10.00"]).exitCode == 0)
        #expect(store.run(["order", "create", "--business", "retail", "--order", "FZ-2", "--amount", "10.00"]).exitCode == 0)
        #expect(store.run(["merchant", "add", "fzm", "--name", "FZ merchant"]).exitCode == 0)
        #expect(store.run(["account", "disable", "wallet-main"]).exitCode == 0)
        let samples = Self.samples(secretFile: secret)
        var succeeded: [String] = []
        var offenders: [String] = []
        for spec in CommandRegistry.all where !Self.skipped.contains(spec.name) {
            var arguments = spec.path + (samples[spec.name] ?? CommandFuzzTests.baselines[spec.name] ?? []) + ["--json"]
            if spec.name == "notify" { arguments += ["--body-file", body] }
            let result = store.run(arguments)
            guard result.exitCode == 0 else {
                // why: a failure under --json is JSON on stderr, whatever the command.
                if (try? JSONSerialization.jsonObject(with: Data(result.stderr.utf8))) as? [String: Any] == nil {
                    offenders.append("paydesk \(arguments.joined(separator: " ")) (exit \(result.exitCode)), stderr:\n\(result.stderr.prefix(300))")
                }
                continue
            }
            succeeded.append(spec.name)
            let parsed = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
            if !(parsed is [String: Any]) {
                offenders.append("paydesk \(arguments.joined(separator: " ")):\n\(result.stdout.prefix(300))")
            }
        }
        #expect(offenders.isEmpty, "plain text under --json:\n\(offenders.joined(separator: "\n---\n"))")
        #expect(succeeded.count >= 60, "the walk reached most commands: \(succeeded)")
    }
}
