import Foundation
import PayCore
import PayStore
import PayServices
import TestSupport
@testable import paydesk

/// Runs `paydesk ARGS` inside the test process through `CommandLineApp.run`, with a `CommandIO`
/// that captures what the command prints: thousands of commands a second instead of a process each.
enum InProcess {
    final class Capture {
        var out = ""
        var err = ""
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) -> RunResult {
        let capture = Capture()
        // why: a fixed, clean environment: no $PAYDESK_DB from the developer's shell, and passwords
        // present so that no command ever waits for a prompt on a terminal.
        var env = ["USER": "tester", "PAYDESK_PASSWORD": "not-the-password", "PAYDESK_NEW_PASSWORD": "fuzz-password-1",
                   "PAYDESK_APPROVER_PASSWORD": "not-the-password"]
        for (key, value) in environment { env[key] = value }
        let io = CommandIO(environment: env, stdout: { capture.out += $0 }, stderr: { capture.err += $0 })
        let code = CommandLineApp.run(["paydesk"] + arguments, io: io)
        return RunResult(exitCode: code, stdout: capture.out, stderr: capture.err)
    }
}

/// A demo store on a simulated clock with fast password hashing, made once per test process
/// (seeding generates RSA keys) and copied for each test.
final class DemoStore {
    static let template: (directory: TemporaryDirectory, path: String) = {
        let directory = TemporaryDirectory("cli-template")
        let path = directory.path("store.db")
        do {
            let store = try Store.open(path: path, create: true)
            try store.write { try OperatorSettings(store).setPasswordIterations(OperatorSettings.minimumIterations) }
        } catch {
            fatalError("command line template store: \(error)")
        }
        let result = InProcess.run(["init", "--demo", "--simulated-clock", "--db", path])
        precondition(result.exitCode == 0, "init --demo: \(result)")
        return (directory, path)
    }()

    let directory = TemporaryDirectory("cli")
    let path: String

    init() throws {
        path = directory.path("store.db")
        try StoreFiles.copy(Self.template.path, to: path)
    }

    /// `paydesk ARGS --db <this store>`, in process.
    func run(_ arguments: [String], environment: [String: String] = [:]) -> RunResult {
        InProcess.run(arguments + ["--db", path], environment: environment)
    }

    /// As a demo operator (password `demo`).
    func run(_ arguments: [String], as name: String) -> RunResult {
        run(arguments + ["--operator", name], environment: ["PAYDESK_PASSWORD": "demo", "PAYDESK_APPROVER_PASSWORD": "demo"])
    }
}
