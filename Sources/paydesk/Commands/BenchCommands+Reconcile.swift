import Foundation
import PayCore

/// `paydesk bench reconcile [--lines N]`.
extension BenchCommands {
    static let reconcileSpec =
        CommandSpec(
            path: ["bench", "reconcile"],
            summary: "time a reconciliation of a bill of N lines against N center payments, beside the bare parse (figures, not pass/fail)",
            details: """
            Builds a throwaway store of N settled card payments of one day and the acquirer's settlement bill of the
            same N lines, then times the bare parse of the bill (the floor) and the whole run, with peak memory after each.
            """,
            options: [.value("lines", "N", "bill lines and center payments (default 100000, at most 10000000)")],
            run: reconcile)

    static func reconcile(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let lines = try count(args, "lines", default: 100_000, range: 1...10_000_000)
        let path = NSTemporaryDirectory() + "/paydesk-bench-reconcile-\(getpid()).db"
        defer {
            for suffix in ["", "-wal", "-shm", ".audit-key", ".audit-anchor", ".bill.csv"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let json = args.has("json")
        let log: (String) -> Void = { line in if !json { io.err(line) } }
        let report = try ReconcileBench.run(path: path, lines: lines, log: log)
        if json {
            try io.json(report)
        } else {
            io.out("bench reconcile: \(report.lines) lines (store and bill built in \(report.buildSeconds.oneDecimal) s, bill \(report.billBytes / 1_048_576) MiB)")
            io.out("  parse only (floor): \(String(format: "%.2f", report.parseSeconds)) s, \(Int(Double(report.lines) / max(report.parseSeconds, 1e-9))) lines/s, peak \(report.parsePeakMiB.oneDecimal) MiB")
            io.out("  reconciliation run: \(String(format: "%.2f", report.runSeconds)) s, \(Int(Double(report.lines) / max(report.runSeconds, 1e-9))) lines/s, peak \(report.runPeakMiB.oneDecimal) MiB")
            io.out("  run/parse: \(String(format: "%.1f", report.runSeconds / max(report.parseSeconds, 1e-9)))×; \(report.status), \(report.matched) matched, \(report.mismatches) mismatches")
        }
        return 0
    }
}
