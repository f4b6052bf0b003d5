import Foundation
import PayCore
import PayServices

/// `paydesk metrics`: the monitoring figures in the Prometheus text format, and
/// `paydesk metrics retention` to read or set how long the rollups are kept.
enum MetricsCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["metrics"],
            summary: "print the metrics in the Prometheus text format (channel calls, latency, amounts, callbacks, risk, backlog, breakers)",
            details: """
            Counters are totals over the per-minute and per-hour rollups the store keeps (see `metrics
            retention`); a prune shows as a counter reset. Latency is a histogram in seconds. Serve the
            output to Prometheus with a textfile collector, or check it with `promtool check metrics`.
            """,
            options: [], run: run),
        CommandSpec(
            path: ["metrics", "retention"],
            summary: "show or set how long metric rollups are kept (default 7 days of minutes, 90 days of hours)",
            options: [
                .value("minutes-days", "N", "days of per-minute rollups to keep (1 to 3650)"),
                .value("hours-days", "N", "days of per-hour rollups to keep (at least the minutes', at most 36500)"),
            ],
            run: retention),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        // why: a stopped worker is alerted by whoever notices, a scrape included (the dead-man rule).
        // A busy store must not fail the scrape: the figures matter more than this check.
        _ = try? AlertWiring.service(context).checkDeadMan()
        let text = try MetricsService(context).exposition()
        if args.has("json") {
            struct Result: Encodable { let samples: [MetricSample] }
            try io.json(Result(samples: MetricSample.parse(text)))
        } else {
            io.stdout(text)
        }
        return 0
    }

    static func retention(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let minutes = try days(args, "minutes-days", range: 1...3_650)
        let hours = try days(args, "hours-days", range: 1...36_500)
        let context = try CommandLineApp.openContext(args, io: io)
        let service = MetricsService(context)
        let kept = minutes == nil && hours == nil ? try service.retentionDays() : try service.setRetention(minuteDays: minutes, hourDays: hours)
        if args.has("json") {
            struct Result: Encodable { let minutesDays, hoursDays: Int64 }
            try io.json(Result(minutesDays: kept.minutes, hoursDays: kept.hours))
        } else {
            io.out("metrics kept: \(kept.minutes) days of minutes, \(kept.hours) days of hours")
        }
        return 0
    }

    static func days(_ args: ParsedArguments, _ name: String, range: ClosedRange<Int64>) throws(PayError) -> Int64? {
        guard let text = args.value(name) else { return nil }
        guard let n = Int64(text), range.contains(n) else {
            throw PayError.invalidInput("--\(name) '\(text)': a whole number of days from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }
}

/// One sample of the Prometheus text format, for `metrics --json`: the metric's name, its labels
/// and its value as written (Prometheus values include `+Inf` and `NaN`, which JSON numbers lack).
struct MetricSample: Encodable, Equatable {
    let name: String
    let labels: [String: String]
    let value: String

    /// The samples of an exposition: every line but comments and blank ones, `name{k="v",…} value`.
    static func parse(_ text: String) -> [MetricSample] {
        text.split(separator: "\n").compactMap { line in
            let line = line.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            var name = "", labels: [String: String] = [:]
            var rest = Substring(line)
            if let brace = line.firstIndex(of: "{") {
                name = String(line[..<brace])
                rest = line[line.index(after: brace)...]
                // Label values are quoted with \\, \" and \n escaped (the exposition format's rules).
                while let equals = rest.firstIndex(of: "=") {
                    let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
                    var index = rest.index(after: equals)
                    guard index < rest.endIndex, rest[index] == "\"" else { break }
                    index = rest.index(after: index)
                    var value = ""
                    while index < rest.endIndex, rest[index] != "\"" {
                        if rest[index] == "\\", rest.index(after: index) < rest.endIndex {
                            index = rest.index(after: index)
                            value.append(rest[index] == "n" ? "\n" : rest[index])
                        } else {
                            value.append(rest[index])
                        }
                        index = rest.index(after: index)
                    }
                    labels[key] = value
                    rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
                    if rest.hasPrefix("}") { rest = rest.dropFirst(); break }
                }
            } else {
                name = String(line.prefix { $0 != " " })
                rest = line.dropFirst(name.count)
            }
            let value = rest.split(separator: " ").first.map(String.init) ?? ""
            return MetricSample(name: name, labels: labels, value: value)
        }
    }
}
