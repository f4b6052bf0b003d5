import Foundation

/// A Python script run with the virtual environment `make test` makes under `.build/venv`
/// (`$PAYDESK_VENV` when set): the official channel SDKs, schemathesis, and the like.
public enum PythonTool {
    /// The repository's root, where `tools/` and `docs/` are.
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The environment's interpreter, or nil when there is none (`make test` was not run).
    public static var python: String? {
        let venv = ProcessInfo.processInfo.environment["PAYDESK_VENV"] ?? root.appendingPathComponent(".build/venv").path
        let python = venv + "/bin/python"
        return FileManager.default.isExecutableFile(atPath: python) ? python : nil
    }

    /// Runs `script` (a path under the repository's root) with `arguments` in `directory`, which is
    /// also its home; its exit status and its output and errors together.
    public static func run(_ script: String, _ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        guard let python else {
            return (127, "no virtual environment at \(ProcessInfo.processInfo.environment["PAYDESK_VENV"] ?? ".build/venv"): run `make test` (it makes one)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent(script).path] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
