import Foundation
import PayCore

/// `paydesk bench …`: figures, never pass/fail. Each benchmark is one spec of this group
/// (`bench route` here; `bench pay` and `bench browse` join the list).
enum BenchCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["bench", "route"],
            summary: "time route and risk decisions with many rules and a long customer history",
            details: """
            Builds a throwaway demo store in a temporary folder (removed afterwards): --rules routing
            rules and as many risk rules, and a customer with --payments past payments over 7 days;
            then times --decisions decisions of each kind. Prints figures, no verdict.
            """,
            options: [
                .value("rules", "N", "routing rules and risk rules each (default 1000)"),
                .value("payments", "N", "past payments of the benchmarked customer (default 10000)"),
                .value("decisions", "N", "decisions timed per kind (default 2000)"),
            ],
            run: route),
        browseSpec,
    ]

    static func count(_ args: ParsedArguments, _ name: String, default value: Int, range: ClosedRange<Int>) throws(PayError) -> Int {
        guard let text = args.value(name) else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw PayError.invalidInput("--\(name) '\(text)': a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    static func route(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var settings = RouteBench.Settings()
        settings.rules = try count(args, "rules", default: settings.rules, range: 0...100_000)
        settings.payments = try count(args, "payments", default: settings.payments, range: 0...1_000_000)
        settings.decisions = try count(args, "decisions", default: settings.decisions, range: 1...1_000_000)
        let report = try RouteBench.run(settings, io: io)
        if args.has("json") {
            try io.json(report)
            return 0
        }
        var lines = ["bench route: \(report.routeRules) routing rules, \(report.riskRules) risk rules, customer \(RouteBench.customer) with \(report.customerPayments) past payments (built in \(String(format: "%.1f", report.buildSeconds)) s)"]
        lines += report.route.map { "  " + $0.line }
        lines += report.risk.map { "  " + $0.line }
        lines.append("  risk: \(report.riskRulesEvaluated) rules evaluated, \(report.riskQueriesPerDecision) store queries per decision, answer \(report.riskAction)")
        io.out(lines.joined(separator: "\n"))
        return 0
    }
}
