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

    @Test("every command's success under --json is one JSON object on stdout")
    func everyCommandPrintsJSON() throws {
        let store = try DemoStore()
        let body = store.directory.path("callback.json")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: body))
        #expect(store.run(["order", "create", "--business", "retail", "--order", "FZ-1", "--amount", "10.00"]).exitCode == 0)
        #expect(store.run(["order", "create", "--business", "retail", "--order", "FZ-2", "--amount", "10.00"]).exitCode == 0)
        var succeeded: [String] = []
        var offenders: [String] = []
        for spec in CommandRegistry.all where !Self.skipped.contains(spec.name) {
            var arguments = spec.path + (CommandFuzzTests.baselines[spec.name] ?? []) + ["--json"]
            if spec.name == "notify" { arguments += ["--body-file", body] }
            let result = store.run(arguments)
            guard result.exitCode == 0 else { continue }
            succeeded.append(spec.name)
            let parsed = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
            if !(parsed is [String: Any]) {
                offenders.append("paydesk \(arguments.joined(separator: " ")):\n\(result.stdout.prefix(300))")
            }
        }
        #expect(offenders.isEmpty, "plain text under --json:\n\(offenders.joined(separator: "\n---\n"))")
        #expect(succeeded.count >= 30, "the walk reached most commands: \(succeeded)")
    }
}
