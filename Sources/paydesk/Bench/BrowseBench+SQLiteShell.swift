import Foundation
import PayStore

/// The `sqlite3` shell as a yardstick: how long it takes to run statements on the same store.
enum SQLiteShell {
    /// The mean time of one run of `statements`, in microseconds: the shell runs them R times in
    /// one process with rows sent to /dev/null, and the wall time of the same process running as
    /// many trivial statements (`OrderSQL.shellBaseline`) is taken off (start-up, reading the script, dispatch, printing). R starts at
    /// `repeats` and is raised once so that the work takes about `targetMicros` (out of the start-up
    /// noise); the final figure is the best of three runs each side. nil when the shell is missing or fails.
    static func meanMicros(path: String, statements: [String], repeats: Int, targetMicros: Double) -> Double? {
        let once = statements.map { $0 + ";\n" }.joined()
        // why: a script of a few tens of MB at most, however long the statements.
        let cap = max(1, 30_000_000 / max(1, once.utf8.count))
        func scripts(_ runs: Int) -> (work: String, idle: String) {
            (String(repeating: once, count: runs),
             String(repeating: OrderSQL.shellBaseline.sql + ";\n", count: runs * statements.count))
        }
        var runs = min(max(1, repeats), cap)
        let probe = scripts(runs)
        guard let busy = wallMicros(path: path, script: probe.work), let base = wallMicros(path: path, script: probe.idle) else { return nil }
        let perRun = max(1, (busy - base) / Double(runs))
        runs = min(cap, max(runs, Int(targetMicros / perRun)))
        let final = scripts(runs)
        guard let bestBusy = best(path: path, script: final.work), let bestBase = best(path: path, script: final.idle) else { return nil }
        return max(0, bestBusy - bestBase) / Double(runs)
    }

    static func best(path: String, script: String) -> Double? {
        var times: [Double] = []
        for _ in 0..<3 {
            guard let time = wallMicros(path: path, script: script) else { return nil }
            times.append(time)
        }
        return times.min()
    }

    static func wallMicros(path: String, script: String) -> Double? {
        let scriptPath = NSTemporaryDirectory() + "/paydesk-bench-shell-\(getpid()).sql"
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }
        guard FileManager.default.createFile(atPath: scriptPath, contents: Data((".output /dev/null\n" + script).utf8)),
              let input = FileHandle(forReadingAtPath: scriptPath) else { return nil }
        defer { try? input.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-batch", "-bail", "-readonly", path]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else { return nil }
        return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    }
}
