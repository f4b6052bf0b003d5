import PayCore
import PayStore

/// The alert panel's and the command line's actions: list, detail, acknowledge, silence, rules.
/// Every action checks its permission first; changes are audited.
public struct AlertService {
    /// Who may add, enable and disable alert rules: admins only (there is no separate
    /// alert-rule permission; rules as data are configuration like the risk rules).
    public static let rulePermission = Permission.manageRisk
    /// How long a silence may last.
    public static let silenceRange: ClosedRange<Int64> = 60_000...(30 * 86_400_000)
    /// How many recently resolved alerts `list` shows.
    public static let resolvedListed = 200
    /// The name of the dead-man rule `checkDeadMan()` evaluates.
    public static let deadManRule = "worker.dead-man"

    let context: ServiceContext
    let metrics: (any MetricsReading)?
    let notifier: any AlertNotifying

    /// `metrics` feeds the rule history in `detail`, `evaluate` and `checkDeadMan`; `notifier`
    /// the sinks those two may notify.
    public init(_ context: ServiceContext, metrics: (any MetricsReading)? = nil, notifier: any AlertNotifying = AlertSinks()) {
        self.context = context
        self.metrics = metrics
        self.notifier = notifier
    }

    // MARK: Reading

    /// Alerts in `states` (every state when nil): every open one first, by severity (loudest
    /// first) then age (oldest first); then the `resolvedListed` most recently resolved.
    public func list(states: Set<AlertState>? = nil) throws(PayError) -> [AlertSummary] {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        let store = context.store
        return try store.snapshot { () throws -> [AlertSummary] in
            let open = try store.alerts.open()
            var rows = open.filter { states?.contains($0.state) ?? true }
            if states?.contains(.resolved) ?? true { rows += try store.alerts.rows(states: [.resolved], limit: Self.resolvedListed) }
            // why by id: the panel reloads every few seconds; silences ever made only grow.
            var silences: [Int64: SilenceRow] = [:]
            for id in Set(rows.compactMap(\.silenceId)) { silences[id] = try store.silences.find(id) }
            let summaries = rows.map { AlertPresentation.summary($0, silence: $0.silenceId.flatMap { silences[$0] }, openAlerts: open) }
            return summaries.sorted(by: Self.panelOrder)
        }
    }

    static func panelOrder(_ a: AlertSummary, _ b: AlertSummary) -> Bool {
        if a.state.isOpen != b.state.isOpen { return a.state.isOpen }
        if !a.state.isOpen { return (a.resolvedAt ?? a.lastSeenAt, a.id) > (b.resolvedAt ?? b.lastSeenAt, b.id) }
        if a.severity != b.severity { return a.severity > b.severity }
        return (a.startedAt, a.id) < (b.startedAt, b.id)
    }

    /// Open alerts by state (PENDING, FIRING, ACKNOWLEDGED; no entry for none): the status bar's count.
    public func counts() throws(PayError) -> [AlertState: Int] {
        try Authorizer.require(.viewStatus, actor: context.actor)
        let store = context.store
        let counts = try store.read { try store.alerts.openCounts() }
        return counts.reduce(into: [:]) { $0[$1.state, default: 0] += Int($1.count) }
    }

    /// One alert with its rule, an hour of its rule's value (one point a minute, for expression
    /// rules with metrics wired) and the order-browser filter for the orders it concerns.
    public func detail(id: Int64) throws(PayError) -> AlertDetail {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        let store = context.store
        let (row, rule, silence) = try store.snapshot { () throws -> (AlertRow?, AlertRuleRow?, SilenceRow?) in
            guard let row = try store.alerts.find(id) else { return (nil, nil, nil) }
            return (row, try store.alertRules.find(row.rule), try row.silenceId.flatMap { try store.silences.find($0) })
        }
        guard let row else { throw PayError.notFound("alert #\(id): no alert with that number") }
        let open = try store.read { try store.alerts.open() }
        let summary = AlertPresentation.summary(row, silence: silence, openAlerts: open)
        var history: [Double?] = []
        var thresholdValue: Double?
        if let rule, rule.kind == AlertRuleView.Kind.expression.rawValue, let expression = try? AlertExpression.parse(rule.expression) {
            thresholdValue = expression.primary.threshold
            if let metrics {
                let now = context.now
                // why: gauges (breakers, backlog, ages) are read now and kept nowhere, so an instant
                // signal has one point, this minute's; drawing it over the hour would invent a past.
                let minutes = expression.primary.signal.isWindowed ? 60 : 1
                history = Array(repeating: nil, count: 60 - minutes)
                for minute in (0..<minutes).reversed() {
                    let reader = AlertSignalReader(metrics: metrics, now: now.adding(milliseconds: -Int64(minute) * 60_000))
                    history.append(try reader.primaryValue(expression, labels: summary.labels))
                }
            }
        }
        return AlertDetail(alert: summary, rule: rule.map(AlertPresentation.rule), history: history, thresholdValue: thresholdValue,
                           orderFilter: try orderFilter(row))
    }

    /// The browser filter for the orders an alert concerns: the order's serial for an alert about
    /// one payment, refund, order or notification; the channel (and UNKNOWN status) for a rule
    /// alert about a channel; nil when it concerns no orders.
    func orderFilter(_ row: AlertRow) throws(PayError) -> String? {
        let store = context.store
        let labels = AlertLabels(fingerprint: row.labels) ?? AlertLabels()
        let parts = row.key.split(separator: ":", maxSplits: 1)
        var filter: String?
        if parts.count == 2, let id = Int64(parts[1]) {
            filter = try store.read { () throws -> String? in
                var orderId: Int64?
                switch parts[0] {
                case "attempt": orderId = try store.attempts.find(id: id)?.orderId
                case "refund": orderId = try store.refunds.find(id: id)?.orderId
                case "order": orderId = id
                case "outbox": orderId = try store.outbox.find(id: id)?.orderId
                default: break
                }
                return try orderId.flatMap { try store.orders.find(id: $0) }.map { $0.serial.rawValue }
            }
        }
        if filter == nil {
            switch row.rule {
            case "payments.unknown-old", "payment.unknown": filter = "status:unknown"
            default:
                if let channel = labels["channel"] {
                    filter = row.rule == "callbacks.suspicious" || row.rule == "payments.duplicates"
                        ? "channel:\(channel)" : "channel:\(channel) since:1h"
                }
            }
        }
        guard let filter, (try? OrderQuery.parse(filter, now: context.now)) != nil else { return nil }
        return filter
    }

    public func rules() throws(PayError) -> [AlertRuleView] {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        let store = context.store
        return try store.read { try store.alertRules.all() }.map(AlertPresentation.rule)
    }

    /// Silences in force (and, with `includeEnded`, ended and expired ones too), newest first.
    public func silences(includeEnded: Bool = false) throws(PayError) -> [SilenceView] {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        let store = context.store
        let now = context.now
        return try store.snapshot { () throws -> [SilenceView] in
            let open = try store.alerts.open()
            return try store.silences.all().filter { includeEnded || $0.isActive(at: now) }.map { silence in
                AlertPresentation.silence(silence, matchedAlerts: open.filter { AlertPresentation.silenceMatches(silence, $0) }.count)
            }
        }
    }

    // MARK: Changing

    /// FIRING → ACKNOWLEDGED (it keeps counting, and resolves by itself when it clears).
    @discardableResult
    public func acknowledge(_ id: Int64) throws(PayError) -> AlertSummary {
        try Authorizer.require(.manageAlerts, actor: context.actor)
        let store = context.store
        return try store.write { () throws -> AlertSummary in
            guard try store.alerts.acknowledge(id, by: context.actor.name, at: context.now), let row = try store.alerts.find(id) else {
                guard let state = try store.alerts.find(id)?.state else { throw PayError.notFound("alert #\(id): no alert with that number") }
                throw PayError.conflict("alert #\(id): it is \(state.rawValue), only a FIRING alert is acknowledged")
            }
            try AuditLog(context).append(actor: context.actor, action: "alert.ack", target: "alert:\(id)", detail: row.rule)
            return try AlertPresentation.summary(row, store: store)
        }
    }

    /// Silences the alerts whose labels (and `alertname`, the rule) match every matcher, for
    /// `forMilliseconds`; `matchedAlerts` 0 means it matches no open alert now (the caller warns).
    public func silence(matchers: [AlertMatcher], forMilliseconds duration: Int64, reason: String) throws(PayError) -> SilenceView {
        try Authorizer.require(.manageAlerts, actor: context.actor)
        let reason = String(reason.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !reason.isEmpty else { throw PayError.invalidInput("--reason: say why the alerts are silenced") }
        guard reason.count <= 500 else { throw PayError.invalidInput("--reason: at most 500 characters") }
        guard !matchers.isEmpty else { throw PayError.invalidInput("--match: give at least one NAME=VALUE (alertname=RULE, channel=…, account=…)") }
        var labels: [String: String] = [:]
        for matcher in matchers {
            guard !matcher.name.isEmpty, matcher.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw PayError.invalidInput("--match '\(matcher.name)=\(matcher.value)': a label name is letters, digits and _")
            }
            guard labels[matcher.name] == nil else {
                throw PayError.invalidInput("--match '\(matcher.name)': given twice")
            }
            labels[matcher.name] = matcher.value
        }
        guard Self.silenceRange.contains(duration) else {
            throw PayError.invalidInput("--for '\(DurationText.describe(duration))': out of range; give from 1m to 30d")
        }
        let store = context.store
        let now = context.now
        let text = AlertLabels(labels).fingerprint
        return try store.write { () throws -> SilenceView in
            let id = try store.silences.insert(matchers: text, reason: CardNumberMask.mask(reason), createdBy: context.actor.name,
                                               at: now, expiresAt: now.adding(milliseconds: duration))
            guard let row = try store.silences.find(id) else { throw PayError.internal("silence #\(id) vanished") }
            let matched = try store.alerts.open().filter { AlertPresentation.silenceMatches(row, $0) }
            for alert in matched where alert.silenceId == nil {
                try store.alerts.setMarks(alert.id, silenceId: id, inhibitedBy: alert.inhibitedBy, returnedFromSilence: alert.returnedFromSilence)
            }
            try AuditLog(context).append(actor: context.actor, action: "alert.silence", target: "silence:\(id)",
                                         detail: "{\(text)} for \(DurationText.describe(duration)): \(reason)")
            return AlertPresentation.silence(row, matchedAlerts: matched.count)
        }
    }

    /// Silences one alert: its rule and every one of its labels.
    public func silence(alertId: Int64, forMilliseconds duration: Int64, reason: String) throws(PayError) -> SilenceView {
        try Authorizer.require(.manageAlerts, actor: context.actor)
        let store = context.store
        guard let row = try store.read({ try store.alerts.find(alertId) }) else {
            throw PayError.notFound("alert #\(alertId): no alert with that number")
        }
        let labels = AlertPresentation.matchLabels(row)
        return try silence(matchers: labels.pairs.map { AlertMatcher(name: $0.name, value: $0.value) }, forMilliseconds: duration, reason: reason)
    }

    /// Ends a silence early; the alerts it held back that still fire come back (sent `.returned`).
    public func endSilence(_ id: Int64) throws(PayError) {
        try Authorizer.require(.manageAlerts, actor: context.actor)
        let store = context.store
        try store.write {
            guard try store.silences.end(id, at: context.now) else {
                throw PayError.notFound("silence #\(id): \(try store.silences.find(id) == nil ? "no silence with that number" : "it has ended already")")
            }
            try AuditLog(context).append(actor: context.actor, action: "alert.unsilence", target: "silence:\(id)")
        }
    }

    /// Adds an expression rule (admin). The expression must parse (errors name the column);
    /// the name is `word.word-word`, unique.
    @discardableResult
    public func addRule(name: String, expression: String, forMilliseconds: Int64 = 0, keepFiringForMilliseconds: Int64 = 0,
                        severity: AlertSeverity = .warning, labels: AlertLabels = AlertLabels(), summary: String = "") throws(PayError) -> AlertRuleView {
        try Authorizer.require(Self.rulePermission, actor: context.actor)
        guard !name.isEmpty, name.count <= 64,
              name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }), name.first?.isLetter == true else {
            throw PayError.invalidInput("rule name '\(name)': lower-case letters, digits, '.', '-' and '_', starting with a letter (at most 64)")
        }
        _ = try AlertExpression.parse(expression, field: "--expr")
        for (value, field) in [(forMilliseconds, "--for"), (keepFiringForMilliseconds, "--keep-firing-for")] where !(0...(7 * 86_400_000)).contains(value) {
            throw PayError.invalidInput("\(field) '\(DurationText.describe(value))': out of range; give from 0s to 7d")
        }
        for pair in labels.pairs where pair.name == "alertname" || pair.name.isEmpty || !pair.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            throw PayError.invalidInput("--label '\(pair.name)=\(pair.value)': a label name is letters, digits and _ (not alertname)")
        }
        let store = context.store
        let row = AlertRuleRow(name: name, kind: AlertRuleView.Kind.expression.rawValue, expression: expression,
                               forMilliseconds: forMilliseconds, keepFiringForMilliseconds: keepFiringForMilliseconds,
                               severity: severity.rawValue, labels: labels.fingerprint, summary: summary.isEmpty ? expression : summary,
                               enabled: true, builtIn: false, createdBy: context.actor.name, createdAt: context.now)
        try store.write {
            guard try store.alertRules.insert(row) else { throw PayError.conflict("rule '\(name)': a rule of that name exists") }
            try AuditLog(context).append(actor: context.actor, action: "alert.rule.add", target: "alert-rule:\(name)",
                                         detail: "\(expression) for \(DurationText.describe(forMilliseconds)) keep \(DurationText.describe(keepFiringForMilliseconds)) \(severity.rawValue)")
        }
        return AlertPresentation.rule(row)
    }

    /// Enables or disables a rule (admin). A disabled rule's open alerts resolve as if it cleared.
    public func setRule(_ name: String, enabled: Bool) throws(PayError) {
        try Authorizer.require(Self.rulePermission, actor: context.actor)
        let store = context.store
        try store.write {
            guard try store.alertRules.setEnabled(name, enabled) else {
                guard try store.alertRules.find(name) != nil else {
                    throw PayError.notFound("rule '\(name)': no such rule (see paydesk alerts rules list)")
                }
                return
            }
            try AuditLog(context).append(actor: context.actor, action: enabled ? "alert.rule.enable" : "alert.rule.disable",
                                         target: "alert-rule:\(name)")
        }
    }

    // MARK: Evaluating

    /// One evaluation of every rule now (what `alerts evaluate` and the worker job run).
    public func evaluate() throws(PayError) -> AlertEvaluation {
        try Authorizer.require(.runWorker, actor: context.actor)
        return try AlertEngine(context, metrics: metrics, notifier: notifier).evaluate()
    }

    /// The dead-man check any process may run cheaply (`paydesk alerts`, `paydesk metrics`, the
    /// console's status poll): evaluates only `worker.dead-man`, so a stopped worker is alerted
    /// by whoever notices. Does nothing without metrics.
    @discardableResult
    public func checkDeadMan() throws(PayError) -> AlertEvaluation? {
        try Authorizer.require(.viewMetrics, actor: context.actor)
        guard let metrics else { return nil }
        return try AlertEngine(context, metrics: metrics, notifier: notifier).evaluate(only: [Self.deadManRule])
    }
}
