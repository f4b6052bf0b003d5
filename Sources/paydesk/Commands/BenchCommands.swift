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
            then times --decisions decisions of each kind, and a payment's route and risk decision together beside
            its floor: the statements it ran, replayed raw. Prints figures, no verdict.
            """,
            options: [
                .value("rules", "N", "routing rules and risk rules each (default 1000)"),
                .value("payments", "N", "past payments of the benchmarked customer (default 10000)"),
                .value("decisions", "N", "decisions timed per kind (default 2000)"),
            ],
            run: route),
        browseSpec, reconcileSpec, cliSpec,
        CommandSpec(
            path: ["bench", "render"],
            summary: "time drawing a full console checkout frame into an in-memory terminal",
            options: [.value("size", "COLSxROWS", "terminal size (default 200x60)"), .value("frames", "N", "frames timed (default 500)")],
            run: render),
        CommandSpec(
            path: ["bench", "pay"],
            summary: "end-to-end payments per second and latency on a durable store, beside SQLite's raw durable commit rate",
            details: """
            Barcode payments through routing, risk, the WeChat sandbox (instant) and the store, on a throwaway store.
            Beside them the floor: the statements those payments ran on the store, recorded with their arguments and
            replayed on a copy of the store as it was before, each prepared once, with no service code (one thread a
            client); and the statements and write transactions a payment costs.
            """,
            options: [.value("n", "N", "payments (default 2000)"), .value("clients", "K", "concurrent clients, each its own connection (default 1)"),
                      .value("concurrency", "N", "N threads over the lane pool of `paydesk serve`, without and with group commit (each run --n payments)"),
                      .value("method", "M", "wechat, alipay or unionpay barcodes (default wechat), card, wallet"),
                      .value("store", "PATH", "pay into this existing demo store and keep it (default: a throwaway store)"),
                      .flag("tmpfs", "the throwaway store, the floor's copy and the raw commits on /dev/shm (memory), not the disk"),
                      .flag("statements", "print the store statements of the last payment, with their arguments")],
            run: pay),
        CommandSpec(
            path: ["bench", "serve"],
            summary: "signed pay requests per second over loopback HTTP, beside in-process bench pay and the raw commit rate",
            details: "Starts the real server stack (libmicrohttpd, the /v1 API, lanes, group commit) on a throwaway store in this\nprocess and pays barcode orders through it, one sequence of requests per connection.",
            options: [.value("n", "N", "payments per run (default 1000)"),
                      .value("connections", "N[,N…]", "client connections, one run each (default 1,4)"),
                      .flag("no-group-commit", "every request's write its own durable commit")],
            run: serve),
    ]

    static func render(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let text = args.value("size") ?? "200x60"
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let columns = Int(parts[0]), let rows = Int(parts[1]), (80...1000).contains(columns), (24...500).contains(rows) else {
            throw PayError.invalidInput("--size '\(text)': COLSxROWS, at least 80x24, e.g. 200x60")
        }
        let frames = try count(args, "frames", default: 500, range: 1...100_000)
        let report = try MainActor.assumeIsolated { try RenderBench.run(columns: columns, rows: rows, frames: frames) }
        if args.has("json") {
            try io.json(report)
        } else {
            io.out("bench render: " + report.frame.line)
        }
        return 0
    }

    static func pay(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var settings = PayBench.Settings()
        settings.payments = try count(args, "n", default: settings.payments, range: 1...1_000_000)
        settings.clients = try count(args, "clients", default: settings.clients, range: 1...64)
        settings.storePath = args.value("store")
        settings.showStatements = args.has("statements")
        if args.has("tmpfs") {
            guard FileManager.default.fileExists(atPath: "/dev/shm") else { throw PayError.invalidInput("--tmpfs: /dev/shm does not exist on this machine") }
            settings.directory = "/dev/shm"
        }
        if let text = args.value("method") {
            settings.method = try PaymentMethod.parse(text, field: "--method")
            guard settings.method != .paypal else { throw PayError.invalidInput("--method paypal: not benchmarked (USD only)") }
        }
        let json = args.has("json")
        let err = io.stderr
        if args.value("concurrency") != nil {
            let concurrency = try count(args, "concurrency", default: 1, range: 1...256)
            guard settings.clients == 1 else { throw PayError.invalidInput("--clients with --concurrency: choose one (clients are connections of their own, concurrency is lanes)") }
            let report = try PayBench.runLanes(settings, concurrency: concurrency) { line in if !json { err(line + "\n") } }
            if json {
                try io.json(report)
            } else {
                io.out("bench pay: \(report.payments) \(settings.method.rawValue) payments a run, \(report.concurrency) lane(s)")
                io.out("  raw durable single-row commits: \(report.rawCommitsPerSecond.oneDecimal)/s on the same disk")
                for run in report.runs {
                    io.out("  \(run.groupCommit ? "group commit:   " : "commit per write:") \(run.paymentsPerSecond.oneDecimal) payments/s, \(run.succeeded) paid in \(run.seconds.oneDecimal) s, " +
                           "\(run.storeCommitsPerPayment.twoDecimals) durable commits per payment (+ \(run.sandboxCommitsPerPayment.twoDecimals) in the simulated channel's file), " +
                           "\((run.ratio * 100).oneDecimal) % of one payment per raw commit")
                    io.out("    " + run.latency.line)
                }
            }
            return 0
        }
        let report = try PayBench.run(settings) { line in if !json { err(line + "\n") } }
        if json {
            try io.json(report)
        } else {
            io.out("bench pay: \(report.payments) \(settings.method.rawValue) payments, \(report.clients) client(s), \(report.succeeded) paid, in \(report.seconds.oneDecimal) s")
            io.out("  \(report.paymentsPerSecond.oneDecimal) payments/s")
            io.out("  " + report.latency.line)
            io.out("  raw durable single-row commits: \(report.rawCommitsPerSecond.oneDecimal)/s on the same disk")
            io.out("  ratio: \((report.ratio * 100).oneDecimal) % of one payment per raw commit")
            io.out("  durable commits per payment: \(report.storeCommitsPerPayment.oneDecimal) in the store (+ \(report.sandboxCommitsPerPayment.oneDecimal) in the simulated channel's file)")
            io.out("  store statements per payment: \(report.statementsPerPayment.oneDecimal) (BEGIN/COMMIT included), \(report.writeTransactionsPerPayment.oneDecimal) BEGIN IMMEDIATE")
            io.out("  floor (the same statements replayed, no service code): \(report.floorPaymentsPerSecond.oneDecimal) payments/s; payments ÷ floor: \(report.floorRatio.twoDecimals)"
                   + (report.floorReplayFailures > 0 ? " (\(report.floorReplayFailures) replayed statements failed)" : ""))
            io.out("  files in \(report.folder)\(settings.directory == "/dev/shm" ? " (tmpfs)" : "")")
            if let statements = report.lastPayment {
                io.out("  the last payment's store statements:")
                for (index, statement) in statements.enumerated() { io.out("  \(index + 1). \(statement)") }
            }
        }
        return 0
    }

    static func serve(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var settings = ServeBench.Settings()
        settings.payments = try count(args, "n", default: settings.payments, range: 1...1_000_000)
        settings.groupCommit = !args.has("no-group-commit")
        if let text = args.value("connections") {
            let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0.map { (1...256).contains($0) } ?? false }) else {
                throw PayError.invalidInput("--connections '\(text)': whole numbers from 1 to 256, separated by commas (e.g. 1,4,64)")
            }
            settings.connections = values.map { $0! }
        }
        let json = args.has("json")
        let err = io.stderr
        let report = try ServeBench.run(settings) { line in if !json { err(line + "\n") } }
        if json {
            try io.json(report)
            return 0
        }
        let single = report.runs.first { $0.connections == 1 }?.requestsPerSecond
        for run in report.runs {
            io.out("bench serve: \(run.requests) signed wechat pay requests over \(run.connections) connection(s), \(run.paid) paid, in \(run.seconds.oneDecimal) s (group commit \(report.groupCommit ? "on" : "off"))")
            var scale = ""
            if let single, run.connections > 1, single > 0 { scale = "; \((run.requestsPerSecond / single).oneDecimal)× one connection" }
            io.out("  \(run.requestsPerSecond.oneDecimal) requests/s\(scale)")
            io.out("  " + run.latency.line)
            io.out("  in-process bench pay, \(run.connections) client(s), same run: \(run.inProcessPaymentsPerSecond.oneDecimal) payments/s; the HTTP layer costs \((run.httpCost * 100).oneDecimal) %")
        }
        io.out("  raw durable single-row commits: \(report.rawCommitsPerSecond.oneDecimal)/s on the same disk")
        return 0
    }

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
        lines.append("  " + report.routeAndRisk.line)
        lines.append("  " + report.routeAndRiskFloor.line)
        if report.routeAndRiskFloor.p99Micros > 0 {
            lines.append("  route + risk p99 ÷ its floor's p99: \((report.routeAndRisk.p99Micros / report.routeAndRiskFloor.p99Micros).oneDecimal)")
        }
        let aim = report.routeAndRisk.p99Micros <= report.routeAndRiskAimP99Micros ? "within" : "over"
        lines.append("  aim: route + risk p99 ≤ \(Int(report.routeAndRiskAimP99Micros)) µs (\(report.routeRules) routing rules, \(report.riskRules) risk rules, \(report.customerPayments) past payments): \(aim) it")
        io.out(lines.joined(separator: "\n"))
        return 0
    }
}
