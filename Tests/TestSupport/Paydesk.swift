import Foundation

/// What one run of the `paydesk` binary did.
public struct RunResult: Sendable, CustomStringConvertible {
    public let exitCode: Int32
    public let stdout: String
    public let stderr: String

    public init(exitCode: Int32, stdout: String, stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    public var description: String { "exit \(exitCode)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// stdout parsed as one JSON object.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        return object
    }
}

/// Runs the built `paydesk` binary as a script would: `$PAYDESK_BIN` (set by `make test` to the
/// debug build's), else the debug build beside the tests.
public enum Paydesk {
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["PAYDESK_BIN"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [".build/debug/paydesk", ".build/rel/release/paydesk", ".build/release/paydesk"] {
            let path = root.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/paydesk").path
    }

    /// Runs `paydesk ARGS` with `environment` added to a clean one, optionally feeding `stdin`;
    /// `through` runs that program instead, the binary among its arguments (`runuser`, to run as
    /// another user).
    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                           in directory: String? = nil, through program: String? = nil) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program ?? binary)
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "USER": "tester", "LANG": "C.UTF-8"]
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes before waiting so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        // why nonisolated(unsafe): each buffer is written by one block and read only after group.wait().
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        return RunResult(exitCode: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
    }
}
