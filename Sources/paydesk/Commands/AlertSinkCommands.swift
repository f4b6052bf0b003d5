import PayCore
import PayServices

/// `paydesk alerts sinks list|add|disable|enable|test`: where alerts are sent (admin only).
enum AlertSinkCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["alerts", "sinks", "list"], summary: "list the alert sinks, their rate limits and what they sent or dropped",
                    options: [], run: list),
        CommandSpec(path: ["alerts", "sinks", "add"], summary: "add an alert sink: a signed webhook, a DingTalk robot or SMS",
                    details: """
                    The webhook's secret (and a DingTalk sink's, unless --secret-env names the robot's own) is made by
                    PayDesk and printed this once; keep it where the receiver checks the PayDesk-Signature header.
                    Each sink has a token bucket: --burst notices at once, then --rate a minute; the rest are dropped
                    and counted.
                    """,
                    positionals: ["NAME"],
                    options: [.value("kind", "K", "webhook, dingtalk or sms"),
                              .value("target", "T", "the http(s) URL (webhook, dingtalk) or the phone number (sms)"),
                              .value("min-severity", "S", "send only alerts at least this severe: info, warning (default), critical"),
                              .value("rate", "N/min", "tokens added a minute (default \(AlertSinkService.defaultRatePerMinute)/min)"),
                              .value("burst", "N", "the bucket's size (default \(AlertSinkService.defaultBurst))"),
                              .value("secret-env", "VAR", "dingtalk only: read the robot's SEC… secret from this environment variable")],
                    run: add),
        CommandSpec(path: ["alerts", "sinks", "disable"], summary: "stop sending alerts to a sink (its deliveries still queued fail unsent)",
                    positionals: ["NAME"], options: [], run: disable),
        CommandSpec(path: ["alerts", "sinks", "enable"], summary: "send alerts to a disabled sink again", positionals: ["NAME"], options: [], run: enable),
        CommandSpec(path: ["alerts", "sinks", "test"], summary: "queue a test notice through a sink (past its severity floor and rate limit)",
                    positionals: ["NAME"], options: [], run: test),
    ]

    struct SinkJSON: Encodable {
        let name, kind, target, secretHint, minSeverity: String
        let ratePerMinute, burst, tokens, sent, dropped: Int64
        let enabled: Bool
        let createdBy, createdAt: String

        init(_ sink: AlertSinkView) {
            name = sink.name
            kind = sink.kind.rawValue
            target = sink.target
            secretHint = sink.secretHint
            minSeverity = sink.minSeverity.rawValue
            ratePerMinute = sink.ratePerMinute
            burst = sink.burst
            tokens = sink.tokens
            sent = sink.sent
            dropped = sink.dropped
            enabled = sink.enabled
            createdBy = sink.createdBy
            createdAt = sink.createdAt.iso8601
        }
    }

    static func line(_ sink: AlertSinkView) -> String {
        "\(sink.name) \(sink.kind.rawValue) \(sink.target) \(sink.minSeverity.rawValue)+ \(sink.ratePerMinute)/min burst \(sink.burst)"
            + " tokens \(sink.tokens) sent \(sink.sent) dropped \(sink.dropped)\(sink.secretHint.isEmpty ? "" : " secret \(sink.secretHint)")"
            + (sink.enabled ? "" : " (disabled)")
    }

    static func name(_ args: ParsedArguments) throws(PayError) -> String {
        guard let name = args.positionals.first else { throw PayError.usage("missing the sink's NAME") }
        guard args.positionals.count == 1 else { throw PayError.usage("one sink NAME, not \(args.positionals.count)") }
        return name
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let sinks = try AlertSinkService(context).list()
        if args.has("json") {
            struct Result: Encodable { let sinks: [SinkJSON] }
            try io.json(Result(sinks: sinks.map(SinkJSON.init)))
        } else if sinks.isEmpty {
            io.out("No alert sinks; alerts show in the console (F4) only. Add one with `paydesk alerts sinks add`.")
        } else {
            for sink in sinks { io.out(line(sink)) }
        }
        return 0
    }

    /// `N/min` or `N`.
    static func rate(_ text: String) throws(PayError) -> Int64 {
        let number = text.hasSuffix("/min") ? String(text.dropLast(4)) : text
        guard let value = Int64(number), (1...AlertSinkService.maxRatePerMinute).contains(value) else {
            throw PayError.invalidInput("--rate '\(text)': a whole number of notices a minute, 1 to \(AlertSinkService.maxRatePerMinute) (e.g. 6/min)")
        }
        return value
    }

    static func add(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try name(args)
        let kind = try AlertSinkKind.parse(try args.required("kind"), field: "--kind")
        let target = try args.required("target")
        let severity = try args.value("min-severity").map { text throws(PayError) in try AlertSeverity.parse(text, field: "--min-severity") } ?? .warning
        let ratePerMinute = try args.value("rate").map { text throws(PayError) in try rate(text) } ?? AlertSinkService.defaultRatePerMinute
        var burst = AlertSinkService.defaultBurst
        if let text = args.value("burst") {
            guard let value = Int64(text), (1...AlertSinkService.maxBurst).contains(value) else {
                throw PayError.invalidInput("--burst '\(text)': a whole number of notices, 1 to \(AlertSinkService.maxBurst)")
            }
            burst = value
        }
        var secret: String?
        if let variable = args.value("secret-env") {
            guard kind == .dingtalk else { throw PayError.invalidInput("--secret-env: only a dingtalk sink takes its secret from outside") }
            guard let value = io.environment[variable], !value.isEmpty else {
                throw PayError.invalidInput("--secret-env '\(variable)': that environment variable is not set")
            }
            secret = value
        }
        let draft = AlertSinkDraft(name: name, kind: kind, target: target, minSeverity: severity, ratePerMinute: ratePerMinute,
                                   burst: burst, secret: secret)
        // why before opening the store: a bad target or name says so even without a store, and writes nothing.
        try AlertSinkService.validate(draft)
        let context = try CommandLineApp.openContext(args, io: io)
        let (sink, madeSecret) = try AlertSinkService(context).add(draft)
        let shown = secret == nil ? madeSecret : ""
        if args.has("json") {
            struct Result: Encodable { let sink: SinkJSON; let secret: String? }
            try io.json(Result(sink: SinkJSON(sink), secret: shown.isEmpty ? nil : shown))
        } else {
            io.out("Alert sink \(sink.name) added: \(line(sink))")
            if !shown.isEmpty {
                io.out("Secret (shown this once; PayDesk will not show it again): \(shown)")
            }
        }
        return 0
    }

    static func disable(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 { try setEnabled(args, &io, false) }
    static func enable(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 { try setEnabled(args, &io, true) }

    static func setEnabled(_ args: ParsedArguments, _ io: inout CommandIO, _ enabled: Bool) throws -> Int32 {
        let name = try name(args)
        let context = try CommandLineApp.openContext(args, io: io)
        let sink = try AlertSinkService(context).setEnabled(name, enabled)
        if args.has("json") {
            struct Result: Encodable { let sink: SinkJSON }
            try io.json(Result(sink: SinkJSON(sink)))
        } else {
            io.out("Alert sink \(sink.name) \(enabled ? "enabled" : "disabled").")
        }
        return 0
    }

    static func test(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try name(args)
        let context = try CommandLineApp.openContext(args, io: io)
        let id = try AlertSinkService(context).test(name)
        if args.has("json") {
            struct Result: Encodable { let sink: String; let delivery: String }
            try io.json(Result(sink: name, delivery: "A\(id)"))
        } else {
            io.out("Test notice A\(id) queued for \(name); the worker delivers it (`paydesk worker --once`).")
        }
        return 0
    }
}
