import PayCore
import PayStore

/// What one evaluation moved.
public struct AlertEvaluation: Sendable, Equatable {
    public struct Move: Sendable, Equatable {
        public var alertId: Int64
        public var rule: String
        public var labels: AlertLabels
        /// The state it went to (PENDING or FIRING when new).
        public var state: AlertState
    }

    public struct Sent: Sendable, Equatable {
        public var alertId: Int64
        public var notice: AlertNotice
    }

    public var at: Timestamp
    /// New alerts, PENDING→FIRING, and resolutions, in the order they happened.
    public var moves: [Move] = []
    /// Notices passed to the sinks.
    public var sent: [Sent] = []
    /// Rules that could not be evaluated, with why (a stored expression that no longer parses).
    public var errors: [String: String] = [:]

    public init(at: Timestamp) { self.at = at }

    public var isEmpty: Bool { moves.isEmpty && sent.isEmpty && errors.isEmpty }
}

/// Evaluates the alert rules against the metrics and moves alerts through the `AlertState`
/// table, marks silences and inhibitions, then passes the notices due to the sinks.
///
/// Per enabled expression rule, the label sets for which it holds now: a new one opens an alert
/// (PENDING, or FIRING at once when `for` is 0); PENDING held for `for` goes FIRING; holding again
/// while firing counts a firing; the first evaluation that finds it false sets `cleared_at`, and
/// it resolves once cleared for `keep_firing_for` (PENDING resolves at once); holding again
/// before that clears `cleared_at`. Event alerts resolve `keep_firing_for` after their last raise.
/// Every move is a guarded update: two processes evaluating at once move each alert once.
public struct AlertEngine {
    /// Rules whose firing for a channel account inhibits that account's event alerts.
    public static let inhibitingRules: Set<String> = ["channel.breaker-open", "channel.success-rate"]
    /// Event rules never inhibited: money moved or a forged message, whatever the channel's health.
    public static let neverInhibited: Set<String> = ["callback.suspicious", "refund.late-success", "refund.order-mismatch",
                                                      "payment.late-success"]

    let context: ServiceContext
    let metrics: (any MetricsReading)?
    let notifier: any AlertNotifying

    public init(_ context: ServiceContext, metrics: (any MetricsReading)?, notifier: any AlertNotifying) {
        self.context = context
        self.metrics = metrics
        self.notifier = notifier
    }

    /// One evaluation of every rule at the store's now. With no metrics wired only event alerts move.
    public func evaluate() throws(PayError) -> AlertEvaluation {
        try evaluate(only: nil)
    }

    /// Evaluates only the named expression rules (all when nil); event alerts, marks and notices as usual.
    func evaluate(only names: Set<String>?) throws(PayError) -> AlertEvaluation {
        let store = context.store
        let now = context.now
        var evaluation = AlertEvaluation(at: now)
        let rules = try store.read { try store.alertRules.all() }
        var holds: [String: [AlertLabels: (value: String?, threshold: String)]] = [:]
        if let metrics {
            let reader = AlertSignalReader(metrics: metrics, now: now)
            for rule in rules where rule.kind == AlertRuleView.Kind.expression.rawValue && (names?.contains(rule.name) ?? true) {
                let expression: AlertExpression
                do {
                    expression = try AlertExpression.parse(rule.expression)
                } catch {
                    // why: a stored rule that no longer parses holds for nothing, so its open
                    // alerts resolve instead of staying open forever.
                    evaluation.errors[rule.name] = error.message
                    holds[rule.name] = [:]
                    continue
                }
                var found: [AlertLabels: (value: String?, threshold: String)] = [:]
                let primary = expression.primary
                let threshold = "\(primary.op.rawValue) \(primary.literal)"
                if rule.enabled {
                    let ruleLabels = AlertLabels(fingerprint: rule.labels) ?? AlertLabels()
                    for labels in try reader.evaluate(expression).keys {
                        let value = try reader.primaryValue(expression, labels: labels).map(primary.signal.format)
                        var all = labels
                        for pair in ruleLabels.pairs where all[pair.name] == nil { all[pair.name] = pair.value }
                        found[all] = (value, threshold)
                    }
                }
                holds[rule.name] = found
            }
        }
        try store.write {
            for rule in rules {
                if let held = holds[rule.name] {
                    try apply(rule, holding: held, at: now, into: &evaluation)
                } else if rule.kind == AlertRuleView.Kind.event.rawValue {
                    try expireEvents(rule, at: now, into: &evaluation)
                }
            }
            try mark(at: now)
        }
        try dispatch(into: &evaluation)
        return evaluation
    }

    private func apply(_ rule: AlertRuleRow, holding series: [AlertLabels: (value: String?, threshold: String)], at now: Timestamp,
                       into evaluation: inout AlertEvaluation) throws {
        let alerts = context.store.alerts
        var seen: Set<String> = []
        for alert in try alerts.open(rule: rule.name) {
            let labels = AlertLabels(fingerprint: alert.labels) ?? AlertLabels()
            seen.insert(alert.key)
            if let found = series[labels] {
                switch alert.state {
                case .pending:
                    if now.milliseconds - alert.firstAt.milliseconds >= rule.forMilliseconds {
                        if try alerts.markFiring(alert.id, at: now, value: found.value) {
                            evaluation.moves.append(.init(alertId: alert.id, rule: rule.name, labels: labels, state: .firing))
                        }
                    } else {
                        _ = try alerts.hold(alert.id, state: .pending, at: now, value: found.value, countsFiring: false)
                    }
                case .firing, .acknowledged:
                    _ = try alerts.hold(alert.id, state: alert.state, at: now, value: found.value, countsFiring: true)
                case .resolved:
                    break
                }
            } else {
                let clearedAt = alert.clearedAt ?? now
                if alert.state == .pending || now.milliseconds - clearedAt.milliseconds >= rule.keepFiringForMilliseconds {
                    if try alerts.resolve(alert.id, from: alert.state, at: now) {
                        evaluation.moves.append(.init(alertId: alert.id, rule: rule.name, labels: labels, state: .resolved))
                    }
                } else if alert.clearedAt == nil {
                    _ = try alerts.markCleared(alert.id, state: alert.state, at: now)
                }
            }
        }
        for (labels, found) in series.sorted(by: { $0.key.fingerprint < $1.key.fingerprint }) where !seen.contains(labels.fingerprint) {
            let state: AlertState = rule.forMilliseconds == 0 ? .firing : .pending
            let message = found.value.map { "\(rule.summary) (\($0), \(found.threshold))" } ?? rule.summary
            if let id = try alerts.insert(rule: rule.name, key: labels.fingerprint, labels: labels.fingerprint, severity: rule.severity,
                                          state: state, message: message, value: found.value, threshold: found.threshold, at: now) {
                evaluation.moves.append(.init(alertId: id, rule: rule.name, labels: labels, state: state))
            }
        }
    }

    private func expireEvents(_ rule: AlertRuleRow, at now: Timestamp, into evaluation: inout AlertEvaluation) throws {
        let alerts = context.store.alerts
        for alert in try alerts.open(rule: rule.name) where now.milliseconds - alert.lastAt.milliseconds >= rule.keepFiringForMilliseconds {
            if try alerts.resolve(alert.id, from: alert.state, at: now) {
                evaluation.moves.append(.init(alertId: alert.id, rule: rule.name, labels: AlertLabels(fingerprint: alert.labels) ?? AlertLabels(),
                                              state: .resolved))
            }
        }
    }

    /// Marks each open alert with the silence that covers it, the alert that inhibits it, and
    /// whether it came back from a silence that ended while it still fired.
    private func mark(at now: Timestamp) throws {
        let store = context.store
        let silences = try store.silences.active(at: now)
        let open = try store.alerts.open()
        let ruleKinds = Dictionary(uniqueKeysWithValues: try store.alertRules.all().map { ($0.name, $0.kind) })
        // why per account: one account of a channel down says nothing of the channel's other accounts.
        var inhibitors: [String: Int64] = [:]
        func account(_ alert: AlertRow) -> String? {
            guard let labels = AlertLabels(fingerprint: alert.labels), let channel = labels["channel"], let account = labels["account"] else {
                return nil
            }
            return "\(channel)/\(account)"
        }
        for alert in open where Self.inhibitingRules.contains(alert.rule) && (alert.state == .firing || alert.state == .acknowledged) {
            if let key = account(alert), inhibitors[key] == nil { inhibitors[key] = alert.id }
        }
        for alert in open {
            let silence = silences.first { AlertPresentation.silenceMatches($0, alert) }
            var inhibitor: Int64?
            if ruleKinds[alert.rule] != AlertRuleView.Kind.expression.rawValue, !Self.neverInhibited.contains(alert.rule),
               let key = account(alert) {
                inhibitor = inhibitors[key]
            }
            let firing = alert.state == .firing || alert.state == .acknowledged
            var returned = alert.returnedFromSilence || (alert.silenceId != nil && silence == nil && firing)
            if returned, silence != nil {
                // why: silenced again after it came back; when this silence ends it comes back
                // anew, so the cursor goes back to "firing sent" and the mark is cleared.
                returned = false
                _ = try store.alerts.advanceCursor(alert.id, from: AlertNotice.returned.rawValue, to: AlertNotice.firing.rawValue)
            }
            if silence?.id != alert.silenceId || inhibitor != alert.inhibitedBy || returned != alert.returnedFromSilence {
                try store.alerts.setMarks(alert.id, silenceId: silence?.id, inhibitedBy: inhibitor, returnedFromSilence: returned)
            }
        }
    }

    /// Passes every alert whose notification cursor is behind to the sinks, each in the
    /// transaction that advances its cursor (guarded on the old one: never sent twice).
    private func dispatch(into evaluation: inout AlertEvaluation) throws(PayError) {
        let store = context.store
        let candidates = try store.read { try store.alerts.notificationCandidates() }
        for candidate in candidates where Self.notice(for: candidate) != nil {
            // why decided again inside the write: another process may have silenced, resolved or
            // sent it since the read; the cursor update is guarded on what this decision saw.
            let sent = try store.write { () throws -> AlertNotice? in
                guard let alert = try store.alerts.find(candidate.id), let (due, silent) = Self.notice(for: alert),
                      try store.alerts.advanceCursor(alert.id, from: alert.notified, to: due.rawValue) else { return nil }
                if silent { return nil }
                try notifier.notify(try AlertPresentation.summary(alert, store: store), due, context: context)
                return due
            }
            if let sent { evaluation.sent.append(.init(alertId: candidate.id, notice: sent)) }
        }
    }

    /// The notice an alert's cursor is behind on, and whether it moves silently (nothing sent);
    /// nil when nothing is due or it is held back (silenced or inhibited while it fires).
    static func notice(for alert: AlertRow) -> (notice: AlertNotice, silent: Bool)? {
        let due: AlertNotice
        switch alert.state {
        case .pending: return nil
        case .firing, .acknowledged: due = alert.returnedFromSilence ? .returned : .firing
        case .resolved: due = .resolved
        }
        guard due.rawValue != alert.notified else { return nil }
        if due == .resolved {
            // why: a resolution is news to sinks that heard of the firing — even when the alert was
            // silenced or inhibited since — and to nobody else.
            return (due, alert.notified.isEmpty)
        }
        if alert.silenceId != nil || alert.inhibitedBy != nil { return nil }
        return (due, false)
    }
}
