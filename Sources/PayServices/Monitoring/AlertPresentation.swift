import PayCore
import PayStore

/// Store rows turned into the views the panel, the command line and the sinks see.
enum AlertPresentation {
    static func rule(_ row: AlertRuleRow) -> AlertRuleView {
        AlertRuleView(name: row.name, kind: AlertRuleView.Kind(rawValue: row.kind) ?? .event, expression: row.expression,
                      forMilliseconds: row.forMilliseconds, keepFiringForMilliseconds: row.keepFiringForMilliseconds,
                      severity: AlertSeverity(rawValue: row.severity) ?? .warning, labels: AlertLabels(fingerprint: row.labels) ?? AlertLabels(),
                      summary: row.summary, enabled: row.enabled, builtIn: row.builtIn)
    }

    static func matchers(_ text: String) -> [AlertMatcher] {
        (AlertLabels(fingerprint: text) ?? AlertLabels()).pairs.map { AlertMatcher(name: $0.name, value: $0.value) }
    }

    static func silence(_ row: SilenceRow, matchedAlerts: Int) -> SilenceView {
        SilenceView(id: row.id, matchers: matchers(row.matchers), reason: row.reason, createdBy: row.createdBy,
                    createdAt: row.createdAt, expiresAt: row.expiresAt, endedAt: row.endedAt, matchedAlerts: matchedAlerts)
    }

    /// The labels silences match: the alert's own plus `alertname` (its rule).
    static func matchLabels(_ row: AlertRow) -> AlertLabels {
        var labels = AlertLabels(fingerprint: row.labels) ?? AlertLabels()
        labels["alertname"] = row.rule
        return labels
    }

    static func silenceMatches(_ silence: SilenceRow, _ alert: AlertRow) -> Bool {
        guard let matchers = AlertLabels(fingerprint: silence.matchers), !matchers.isEmpty else { return false }
        return matchLabels(alert).contains(matchers)
    }

    static func summary(_ row: AlertRow, silence: SilenceRow?, openAlerts: [AlertRow] = []) -> AlertSummary {
        AlertSummary(id: row.id, rule: row.rule, labels: AlertLabels(fingerprint: row.labels) ?? AlertLabels(),
                     severity: AlertSeverity(rawValue: row.severity) ?? .warning, state: row.state, message: row.message,
                     firings: row.count, startedAt: row.firstAt, firedAt: row.firedAt, lastSeenAt: row.lastAt,
                     acknowledgedBy: row.ackedBy, resolvedAt: row.resolvedAt, value: row.value, threshold: row.threshold,
                     silence: silence.map { s in self.silence(s, matchedAlerts: openAlerts.filter { silenceMatches(s, $0) }.count) },
                     inhibitedBy: row.inhibitedBy, returnedFromSilence: row.returnedFromSilence)
    }

    /// Loads the silence an alert row names.
    static func summary(_ row: AlertRow, store: Store) throws -> AlertSummary {
        summary(row, silence: try row.silenceId.flatMap { try store.silences.find($0) })
    }
}
