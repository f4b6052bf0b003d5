import PayCore
import PayStore
import PayServices

/// What the alert commands evaluate with: the store's metrics and the configured sinks.
enum AlertWiring {
    static func metrics(_ context: ServiceContext) -> (any MetricsReading)? { MetricsService(context) }
    static func notifier() -> any AlertNotifying { AlertSinks() }
    static func service(_ context: ServiceContext) -> AlertService {
        AlertService(context, metrics: metrics(context), notifier: notifier())
    }
}

/// `paydesk alerts …`: list, show, acknowledge, silence, rules, evaluate.
enum AlertCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["alerts"], summary: "list alerts: open ones first by severity and age, then recently resolved",
                    options: [.value("state", "S", "only alerts in this state (PENDING, FIRING, ACKNOWLEDGED, RESOLVED)", repeatable: true)],
                    run: list),
        CommandSpec(path: ["alerts", "show"], summary: "one alert: its rule, value against threshold, silence, the orders it concerns",
                    positionals: ["ID"], options: [], run: show),
        CommandSpec(path: ["alerts", "ack"], summary: "acknowledge a firing alert", positionals: ["ID"], options: [], run: ack),
        CommandSpec(path: ["alerts", "silence"], summary: "silence the alerts matching every --match (nothing is sent for them)",
                    details: "Label names: alertname (the rule), channel, account, job, … A silence that matches no open alert\nis kept (it covers alerts that come later) with a warning.",
                    options: [.value("match", "NAME=VALUE", "a label the alerts must carry", repeatable: true),
                              .value("alert", "ID", "silence this alert (its rule and all its labels) instead of --match"),
                              .value("for", "DURATION", "how long, e.g. 30m, 2h, 1d (1m to 30d)"),
                              .value("reason", "TEXT", "why (required; shown on the panel)")],
                    run: silence),
        CommandSpec(path: ["alerts", "silences"], summary: "list silences in force", options: [.flag("all", "also ended and expired ones")],
                    run: silences),
        CommandSpec(path: ["alerts", "unsilence"], summary: "end a silence now", positionals: ["ID"], options: [], run: unsilence),
        CommandSpec(path: ["alerts", "rules", "list"], summary: "list the alert rules", options: [], run: rulesList),
        CommandSpec(path: ["alerts", "rules", "add"], summary: "add an alert rule over the metrics (admin)",
                    details: "Expression: comparisons of a signal with a number, a percent or a duration, joined by and / or,\ne.g. 'success_rate(5m) < 90% and requests(5m) >= 20', 'latency_p95(5m) > 2s', 'breaker_open > 0'.\nSignals: \(AlertSignal.allCases.map { $0.isWindowed ? "\($0.rawValue)(W)" : $0.rawValue }.joined(separator: ", ")).",
                    positionals: ["NAME"],
                    options: [.value("expr", "EXPRESSION", "when the rule holds"),
                              .value("for", "DURATION", "how long it must hold before it fires (default 0s)"),
                              .value("keep-firing-for", "DURATION", "how long it keeps firing after it clears (default 0s)"),
                              .value("severity", "S", "info, warning (default) or critical"),
                              .value("label", "K=V", "a label every alert of the rule carries", repeatable: true),
                              .value("summary", "TEXT", "what it means, for the panel")],
                    run: rulesAdd),
        CommandSpec(path: ["alerts", "rules", "disable"], summary: "disable an alert rule (admin)", positionals: ["NAME"], options: [],
                    run: { args, io in try rulesEnable(args, &io, enabled: false) }),
        CommandSpec(path: ["alerts", "rules", "enable"], summary: "enable an alert rule (admin)", positionals: ["NAME"], options: [],
                    run: { args, io in try rulesEnable(args, &io, enabled: true) }),
        CommandSpec(path: ["alerts", "evaluate"], summary: "evaluate every alert rule now and print what moved", options: [], run: evaluate),
    ]

    static func id(_ args: ParsedArguments, _ what: String) throws(PayError) -> Int64 {
        guard let text = args.positionals.first else { throw PayError.usage("give the \(what)'s number") }
        guard let id = Int64(text), id > 0 else { throw PayError.invalidInput("\(what) '\(text)': not a number") }
        return id
    }

    static func line(_ a: AlertSummary) -> String {
        var marks: [String] = []
        if let silence = a.silence { marks.append("silenced by #\(silence.id)") }
        if let by = a.inhibitedBy { marks.append("inhibited by #\(by)") }
        if a.returnedFromSilence { marks.append("returned") }
        let labels = a.labels.isEmpty ? "" : " \(a.labels)"
        let value = a.value.map { " \($0)" + (a.threshold.map { " (\($0))" } ?? "") } ?? ""
        return "#\(a.id) \(a.state.rawValue) \(a.severity.rawValue) \(a.rule)\(labels) ×\(a.firings)\(value) since \(a.startedAt.displayString)"
            + (marks.isEmpty ? "" : " [\(marks.joined(separator: ", "))]") + " — \(a.message)"
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var states: Set<AlertState>?
        for s in args.all("state") {
            guard let state = AlertState(rawValue: s.uppercased()) else {
                throw PayError.invalidInput("--state '\(s)': one of \(AlertState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            states = (states ?? []).union([state])
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let service = AlertWiring.service(context)
        // why: whoever looks notices a dead worker (the dead-man rule fires from any process).
        _ = try? service.checkDeadMan()
        let alerts = try service.list(states: states)
        if args.has("json") {
            struct Result: Encodable { let alerts: [AlertJSON] }
            try io.json(Result(alerts: alerts.map(AlertJSON.init)))
        } else if alerts.isEmpty {
            io.out("No alerts.")
        } else {
            for a in alerts { io.out(line(a)) }
        }
        return 0
    }

    static func show(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "alert")
        let context = try CommandLineApp.openContext(args, io: io)
        let detail = try AlertWiring.service(context).detail(id: id)
        let a = detail.alert
        if args.has("json") {
            struct Result: Encodable { let alert: AlertJSON; let rule: RuleJSON?; let orderFilter: String? }
            try io.json(Result(alert: AlertJSON(a), rule: detail.rule.map(RuleJSON.init), orderFilter: detail.orderFilter))
            return 0
        }
        io.out(line(a))
        if let rule = detail.rule {
            io.out("rule \(rule.name) (\(rule.kind.rawValue), \(rule.severity.rawValue)\(rule.enabled ? "" : ", disabled")): \(rule.expression.isEmpty ? rule.summary : rule.expression)")
            if rule.kind == .expression {
                io.out("for \(DurationText.describe(rule.forMilliseconds)), keep firing for \(DurationText.describe(rule.keepFiringForMilliseconds))")
            }
        }
        io.out("fired \(a.firings) time\(a.firings == 1 ? "" : "s"), first \(a.startedAt.displayString), last \(a.lastSeenAt.displayString)")
        if let by = a.acknowledgedBy { io.out("acknowledged by \(by)") }
        if let resolved = a.resolvedAt { io.out("resolved \(resolved.displayString)") }
        if let silence = a.silence {
            io.out("silenced by #\(silence.id) (\(silence.createdBy), until \(silence.expiresAt.displayString)): \(silence.reason)")
        }
        if let by = a.inhibitedBy { io.out("inhibited by alert #\(by)") }
        if let filter = detail.orderFilter { io.out("orders: paydesk orders --filter '\(filter)'") }
        return 0
    }

    static func ack(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "alert")
        let context = try CommandLineApp.openContext(args, io: io)
        try AlertWiring.service(context).acknowledge(id)
        if args.has("json") {
            struct Result: Encodable { let acknowledged: Int64 }
            try io.json(Result(acknowledged: id))
            return 0
        }
        io.out("Alert #\(id) acknowledged.")
        return 0
    }

    static func silence(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let duration = try DurationText.milliseconds(try args.required("for"), field: "--for", in: AlertService.silenceRange)
        let reason = try args.required("reason")
        var matchers: [AlertMatcher] = []
        for text in args.all("match") {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw PayError.invalidInput("--match '\(text)': expected NAME=VALUE, e.g. channel=wechat")
            }
            matchers.append(AlertMatcher(name: String(text[..<equals]), value: String(text[text.index(after: equals)...])))
        }
        var alertId: Int64?
        if let text = args.value("alert") {
            guard let id = Int64(text), id > 0 else { throw PayError.invalidInput("--alert '\(text)': not a number") }
            guard matchers.isEmpty else { throw PayError.usage("give --alert or --match, not both") }
            alertId = id
        } else if matchers.isEmpty {
            throw PayError.usage("missing --match NAME=VALUE (or --alert ID)")
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let service = AlertWiring.service(context)
        let silence = try alertId.map { id throws(PayError) in try service.silence(alertId: id, forMilliseconds: duration, reason: reason) }
            ?? service.silence(matchers: matchers, forMilliseconds: duration, reason: reason)
        if silence.matchedAlerts == 0 {
            io.err("warning: silence #\(silence.id) matches no open alert now; it will cover matching alerts until \(silence.expiresAt.displayString)")
        }
        if args.has("json") {
            struct Result: Encodable { let silence: SilenceJSON }
            try io.json(Result(silence: SilenceJSON(silence, now: context.now)))
            return 0
        }
        io.out("Silence #\(silence.id) until \(silence.expiresAt.displayString): \(silence.matchedAlerts) open alert\(silence.matchedAlerts == 1 ? "" : "s") silenced.")
        return 0
    }

    static func silences(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let silences = try AlertWiring.service(context).silences(includeEnded: args.has("all"))
        let now = context.now
        if args.has("json") {
            struct Result: Encodable { let silences: [SilenceJSON] }
            try io.json(Result(silences: silences.map { SilenceJSON($0, now: now) }))
            return 0
        }
        if silences.isEmpty { io.out("No silences.") }
        for s in silences {
            let matchers = s.matchers.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            let status = s.endedAt.map { "ended \($0.displayString)" } ?? (s.expiresAt <= now ? "expired" : "until \(s.expiresAt.displayString)")
            io.out("#\(s.id) \(matchers) \(status) by \(s.createdBy), \(s.matchedAlerts) open matched — \(s.reason)")
        }
        return 0
    }

    static func unsilence(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "silence")
        let context = try CommandLineApp.openContext(args, io: io)
        try AlertWiring.service(context).endSilence(id)
        if args.has("json") {
            struct Result: Encodable { let ended: Int64 }
            try io.json(Result(ended: id))
            return 0
        }
        io.out("Silence #\(id) ended.")
        return 0
    }

    static func rulesList(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let rules = try AlertWiring.service(context).rules()
        if args.has("json") {
            struct Result: Encodable { let rules: [RuleJSON] }
            try io.json(Result(rules: rules.map(RuleJSON.init)))
            return 0
        }
        for rule in rules {
            let state = rule.enabled ? "" : " (disabled)"
            if rule.kind == .expression {
                io.out("\(rule.name)\(state) \(rule.severity.rawValue): \(rule.expression) for \(DurationText.describe(rule.forMilliseconds)) keep \(DurationText.describe(rule.keepFiringForMilliseconds))\(rule.labels.isEmpty ? "" : " \(rule.labels)")")
            } else {
                io.out("\(rule.name)\(state) \(rule.severity.rawValue): event — \(rule.summary); resolves \(DurationText.describe(rule.keepFiringForMilliseconds)) after the last")
            }
        }
        return 0
    }

    static func rulesAdd(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let name = args.positionals.first else { throw PayError.usage("give the rule's NAME") }
        let expression = try args.required("expr")
        let forMs = try args.value("for").map { text throws(PayError) in try DurationText.milliseconds(text, field: "--for") } ?? 0
        let keepMs = try args.value("keep-firing-for").map { text throws(PayError) in try DurationText.milliseconds(text, field: "--keep-firing-for") } ?? 0
        let severity = try args.value("severity").map { text throws(PayError) in try AlertSeverity.parse(text, field: "--severity") } ?? .warning
        var labels = AlertLabels()
        for text in args.all("label") {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw PayError.invalidInput("--label '\(text)': expected K=V, e.g. team=payments")
            }
            labels[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let rule = try AlertWiring.service(context).addRule(name: name, expression: expression, forMilliseconds: forMs,
                                                            keepFiringForMilliseconds: keepMs, severity: severity, labels: labels,
                                                            summary: args.value("summary") ?? "")
        if args.has("json") {
            struct Result: Encodable { let rule: RuleJSON }
            try io.json(Result(rule: RuleJSON(rule)))
            return 0
        }
        io.out("Rule \(rule.name) added: \(rule.expression).")
        return 0
    }

    static func rulesEnable(_ args: ParsedArguments, _ io: inout CommandIO, enabled: Bool) throws -> Int32 {
        guard let name = args.positionals.first else { throw PayError.usage("give the rule's NAME") }
        let context = try CommandLineApp.openContext(args, io: io)
        try AlertWiring.service(context).setRule(name, enabled: enabled)
        if args.has("json") {
            struct Result: Encodable { let rule: String; let enabled: Bool }
            try io.json(Result(rule: name, enabled: enabled))
            return 0
        }
        io.out("Rule \(name) \(enabled ? "enabled" : "disabled").")
        return 0
    }

    static func evaluate(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let evaluation = try AlertWiring.service(context).evaluate()
        if args.has("json") {
            struct Move: Encodable { let alertId: Int64; let rule, state: String; let labels: [String: String] }
            struct Sent: Encodable { let alertId: Int64; let notice: String }
            struct Result: Encodable { let moves: [Move]; let sent: [Sent]; let errors: [String: String] }
            try io.json(Result(moves: evaluation.moves.map { Move(alertId: $0.alertId, rule: $0.rule, state: $0.state.rawValue, labels: $0.labels.dictionary) },
                               sent: evaluation.sent.map { Sent(alertId: $0.alertId, notice: $0.notice.rawValue) }, errors: evaluation.errors))
            return 0
        }
        for move in evaluation.moves {
            io.out("#\(move.alertId) \(move.rule)\(move.labels.isEmpty ? "" : " \(move.labels)") → \(move.state.rawValue)")
        }
        for sent in evaluation.sent { io.out("#\(sent.alertId) \(sent.notice.rawValue) notice passed to the sinks") }
        for (rule, error) in evaluation.errors.sorted(by: { $0.key < $1.key }) { io.err("rule \(rule): \(error)") }
        if evaluation.isEmpty { io.out("Nothing moved.") }
        return 0
    }
}

/// An alert as `alerts --json` and `alerts show --json` print it.
struct AlertJSON: Encodable {
    let id: Int64; let rule, severity, state, message: String; let labels: [String: String]; let firings: Int64
    let startedAt, lastSeenAt: String; let firedAt, resolvedAt, acknowledgedBy, value, threshold: String?
    let silenceId, inhibitedBy: Int64?; let returnedFromSilence: Bool

    init(_ a: AlertSummary) {
        id = a.id; rule = a.rule; severity = a.severity.rawValue; state = a.state.rawValue; message = a.message
        labels = a.labels.dictionary; firings = a.firings; startedAt = a.startedAt.iso8601; lastSeenAt = a.lastSeenAt.iso8601
        firedAt = a.firedAt?.iso8601; resolvedAt = a.resolvedAt?.iso8601; acknowledgedBy = a.acknowledgedBy
        value = a.value; threshold = a.threshold; silenceId = a.silence?.id; inhibitedBy = a.inhibitedBy
        returnedFromSilence = a.returnedFromSilence
    }
}

/// An alert rule as the `alerts rules … --json` commands print it.
struct RuleJSON: Encodable {
    let name, kind, expression, severity, summary: String
    let forMilliseconds, keepFiringForMilliseconds: Int64
    let labels: [String: String]; let enabled, builtIn: Bool

    init(_ rule: AlertRuleView) {
        name = rule.name; kind = rule.kind.rawValue; expression = rule.expression; severity = rule.severity.rawValue
        summary = rule.summary; forMilliseconds = rule.forMilliseconds; keepFiringForMilliseconds = rule.keepFiringForMilliseconds
        labels = rule.labels.dictionary; enabled = rule.enabled; builtIn = rule.builtIn
    }
}

/// A silence as the `alerts silence|silences --json` commands print it.
struct SilenceJSON: Encodable {
    let id: Int64; let matchers: [String: String]; let reason, createdBy, createdAt, expiresAt, status: String
    let endedAt: String?; let matchedAlerts: Int

    init(_ s: SilenceView, now: Timestamp) {
        id = s.id; matchers = Dictionary(s.matchers.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        reason = s.reason; createdBy = s.createdBy; createdAt = s.createdAt.iso8601; expiresAt = s.expiresAt.iso8601
        endedAt = s.endedAt?.iso8601; matchedAlerts = s.matchedAlerts
        status = s.endedAt != nil ? "ended" : s.expiresAt <= now ? "expired" : "active"
    }
}
