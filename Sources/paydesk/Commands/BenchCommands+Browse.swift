import Foundation
import PayCore
import PayStore

/// `paydesk bench browse [--orders N] [--repeats R] [--keep PATH]`.
extension BenchCommands {
    static let browseSpec =
        CommandSpec(
            path: ["bench", "browse"],
            summary: "time the order browser's queries on a store of N orders beside the sqlite3 shell (figures, not pass/fail)",
            details: """
            Builds the store in a temporary file unless --keep names one (reused when it already holds N orders).
            Each query is shown with PayDesk's mean and p95, the sqlite3 shell's mean for the same SQL on the same
            store, and their ratio (PayDesk / sqlite3); the output says how the shell was timed.
            """,
            options: [.value("orders", "N", "how many orders (default 100000, at most 10000000)"),
                      .value("repeats", "R", "how often each query runs (default 200, at most 100000)"),
                      .value("keep", "PATH", "build the store at PATH and keep it"),
                      .value("shell-ms", "MS", "how long the sqlite3 shell runs each query's statements for its figure (default 100, 1 to 10000)")],
            run: browse)

    static func browse(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        // why ranges: each repeat keeps a timing and each order a row; an unchecked count asks for exabytes.
        let orders = try count(args, "orders", default: 100_000, range: 1...10_000_000)
        let repeats = try count(args, "repeats", default: 200, range: 1...100_000)
        let temporary = args.value("keep") == nil
        let path = args.value("keep") ?? NSTemporaryDirectory() + "/paydesk-bench-browse-\(getpid()).db"
        defer {
            if temporary {
                for suffix in ["", "-wal", "-shm", ".audit-key", ".audit-anchor", ".sandbox.db", ".sandbox.db-wal", ".sandbox.db-shm"] {
                    try? FileManager.default.removeItem(atPath: path + suffix)
                }
            }
        }
        let json = args.has("json")
        let log: (String) -> Void = { line in if !json { io.err(line) } }
        let shellMs = try count(args, "shell-ms", default: 100, range: 1...10_000)
        let report = try BrowseBench.run(path: path, orders: orders, repeats: repeats, shellTargetMicros: Double(shellMs) * 1000, log: log)
        if json {
            try io.json(report)
        } else {
            io.out("bench browse: \(report.orders) orders (built in \(report.buildSeconds.oneDecimal) s, store \(report.storeBytes / 1_048_576) MiB)")
            io.out(BrowseBench.Figure.header)
            for figure in report.figures { io.out(figure.line) }
            io.out("export: \(Int(report.exportRowsPerSecond)) orders/s as CSV")
            io.out("how: \(report.shellMethod)")
            io.out("peak memory: \(report.peakMemoryMiB.oneDecimal) MiB")
        }
        return 0
    }
}
