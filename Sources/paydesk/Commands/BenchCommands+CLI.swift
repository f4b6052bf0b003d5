import Foundation
import PayCore

/// `paydesk bench cli [--runs N] [--store PATH --business L --order NO]`.
extension BenchCommands {
    static let cliSpec =
        CommandSpec(
            path: ["bench", "cli"],
            summary: "time `paydesk query` as a new process beside the sqlite3 shell doing the same lookup (figures, not pass/fail)",
            details: """
            Runs this binary's `query --business L --order NO` and `sqlite3 -readonly STORE "<the same SELECTs>"`
            alternately, each a process of its own with its output to /dev/null, and prints both (wall time from
            start to exit) and their ratio (medians); beside them `paydesk --version` (the start and exit alone)
            and the shared libraries each loads, as the dynamic loader reports them (LD_DEBUG=files). Without --store it builds a throwaway demo store and looks
            up its newest paid order. Needs the sqlite3 shell on PATH.
            """,
            options: [.value("runs", "N", "runs of each (default 100, at most 10000)"),
                      .value("store", "PATH", "look up in this existing store instead (with --business and --order)"),
                      .value("business", "L", "business line of the order to look up (with --store)"),
                      .value("order", "NO", "order number to look up (with --store)")],
            run: cli)

    static func cli(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var settings = CLIBench.Settings()
        settings.storePath = args.value("store")
        if let text = args.value("business") { settings.business = try BusinessLineCode(text, field: "--business") }
        if let text = args.value("order") { settings.orderNo = try MerchantOrderNo(text, field: "--order") }
        if settings.storePath == nil, settings.business != nil || settings.orderNo != nil {
            throw PayError.invalidInput("--business and --order: only with --store (the throwaway store picks its own order)")
        }
        if settings.storePath != nil, settings.business == nil || settings.orderNo == nil {
            throw PayError.invalidInput("--store: name the order to look up with --business L --order NO")
        }
        settings.runs = try count(args, "runs", default: settings.runs, range: 1...10_000)
        let json = args.has("json")
        let err = io.stderr
        let report = try CLIBench.run(settings) { line in if !json { err(line + "\n") } }
        if json {
            try io.json(report)
        } else {
            io.out("bench cli: order \(report.orderNo) of \(report.business), \(report.runs) runs each, a process per run")
            io.out("  " + report.query.line)
            io.out("  " + report.sqlite3.line)
            io.out("  " + report.startOnly.line)
            io.out("  ratio: query takes \(report.ratio.twoDecimals)× the sqlite3 shell (medians)")
            io.out("  query loads \(report.sharedLibraries) shared libraries (\(report.libraries.joined(separator: " "))); "
                   + "sqlite3 loads \(report.sqlite3SharedLibraries)")
        }
        return 0
    }
}
