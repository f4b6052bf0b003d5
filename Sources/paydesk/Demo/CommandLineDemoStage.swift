import Foundation
import PayConsole
import PayCore
import PayStore

/// The service layer as a tour reaches it: each `run` is a `paydesk` command run in this process
/// on the demo store, logged in as the tour's operator (`--operator`, the demo password), so the
/// command's permission is checked exactly as for anyone at a terminal.
@MainActor
final class CommandLineDemoStage: DemoStage {
    let storePath: String
    let workDirectory: String
    let environment: [String: String]
    /// The demo store's operators' password (`DemoSeeder`: demo stores only).
    let operatorPassword = "demo"

    init(storePath: String, workDirectory: String, environment: [String: String]) {
        self.storePath = storePath
        self.workDirectory = workDirectory
        self.environment = environment
    }

    func run(_ arguments: [String], as operatorName: String) -> DemoCommandResult {
        final class Capture { var out = ""; var err = "" }
        let capture = Capture()
        var environment = self.environment
        environment[OperatorLogin.passwordVariable] = operatorPassword
        // why: a tour's `--approver supervisor` (a refund above the limit) is the demo supervisor, same password.
        environment[OperatorLogin.approverPasswordVariable] = operatorPassword
        let io = CommandIO(environment: environment, stdout: { capture.out += $0 }, stderr: { capture.err += $0 })
        let code = CommandLineApp.run(["paydesk"] + arguments + ["--db", storePath, "--operator", operatorName], io: io)
        return DemoCommandResult(exitCode: code, stdout: capture.out, stderr: capture.err)
    }

    func now() -> Timestamp {
        (try? Store.open(path: storePath).clock().now()) ?? SystemClock().now()
    }

    /// Makes the throwaway store: the sandbox demo (`init --demo`) on a simulated clock, as the
    /// local administrator who runs `paydesk demo`.
    nonisolated static func makeStore(at path: String, environment: [String: String]) throws(PayError) {
        final class Capture { var text = "" }
        let capture = Capture()
        let io = CommandIO(environment: environment, stdout: { _ in }, stderr: { capture.text += $0 })
        let code = CommandLineApp.run(["paydesk", "init", "--demo", "--simulated-clock", "--db", path], io: io)
        guard code == 0 else { throw PayError.internal("demo store '\(path)': \(capture.text)") }
    }
}
