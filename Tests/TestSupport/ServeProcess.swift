import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A running `paydesk serve` on a free loopback port, for end-to-end tests: started with
/// `--listen 127.0.0.1:0`, ready once it printed its "listening on" line; its stderr (one line
/// per request) is collected. Stopped with SIGTERM (`stop`) or SIGKILL (`kill`); a released one
/// is killed.
public final class ServeProcess: @unchecked Sendable {
    public let port: Int
    public let store: String
    private let process: Process
    private let collected = Collected()
    private let readers = DispatchGroup()

    /// `extra` arguments go after `COMMAND --db STORE --listen 127.0.0.1:0` (COMMAND: `serve`, or
    /// another command that prints "listening on http://HOST:PORT" once ready).
    public init(store: String, command: [String] = ["serve"], extra: [String] = [], environment: [String: String] = [:],
                readySeconds: Double = 30) throws {
        self.store = store
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paydesk.binary)
        process.arguments = command + ["--db", store, "--listen", "127.0.0.1:0"] + extra
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "USER": "tester", "LANG": "C.UTF-8"]
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let collected = self.collected
        self.process = process
        try process.run()
        for (pipe, isOut) in [(out, true), (err, false)] {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async(group: readers) {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    let text = String(decoding: data, as: UTF8.self)
                    collected.state.withLock { if isOut { $0.out += text } else { $0.err += text } }
                }
            }
        }
        let deadline = Date().addingTimeInterval(readySeconds)
        var found: Int?
        while Date() < deadline, process.isRunning {
            let out = collected.state.withLock { $0.out }
            if let range = out.range(of: #"listening on http://[^ ]+:(\d+)"#, options: .regularExpression) {
                found = Int(out[range].split(separator: ":").last ?? "")
                break
            }
            usleep(20_000)
        }
        guard let found else {
            process.terminate()
            let text = collected.state.withLock { "stdout: \($0.out)\nstderr: \($0.err)" }
            throw ServeProcessError.notReady(text)
        }
        port = found
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var stdout: String { collected.state.withLock { $0.out } }
    public var stderr: String { collected.state.withLock { $0.err } }
    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.processIdentifier }

    /// SIGTERM, then waits for the exit (at most `seconds`); the exit status.
    @discardableResult
    public func stop(seconds: Double = 30) -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        return wait(seconds: seconds)
    }

    /// SIGKILL: the process dies mid-whatever, as on a crash.
    public func killHard() {
        kill(process.processIdentifier, SIGKILL)
        _ = wait(seconds: 10)
    }

    private func wait(seconds: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = readers.wait(timeout: .now() + 5)
        return process.terminationStatus
    }
}

/// What the server printed so far, shared with the threads that read its pipes.
final class Collected: Sendable {
    let state = Mutex((out: "", err: ""))
}

public enum ServeProcessError: Error, CustomStringConvertible {
    case notReady(String)

    public var description: String {
        switch self {
        case .notReady(let output): "paydesk serve did not say it was listening:\n\(output)"
        }
    }
}
