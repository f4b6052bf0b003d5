import PayCore
import PayServices
import TUIKit

/// The alert panel's columns, its order and how an alert fills a row. On a narrow terminal the
/// firings hide first, then the severity (the row's style still shows it), then the marks.
enum AlertRow {
    static let columns: [TableColumn] = [
        TableColumn("State", width: .fixed(12)),
        TableColumn("Severity", width: .fixed(8), priority: 2),
        TableColumn("Rule", width: .fixed(24)),
        TableColumn("Labels", width: .flex(min: 20), priority: 4),
        TableColumn("Age", width: .fixed(7), alignment: .right),
        TableColumn("Firings", width: .fixed(7), alignment: .right, priority: 1),
        TableColumn("Marks", width: .fixed(11), priority: 3),
    ]

    /// How long a resolved alert stays on the panel.
    static let recentResolvedMilliseconds: Int64 = 24 * 3_600_000

    /// The groups in panel order: what needs someone first.
    static let stateOrder: [AlertState] = [.firing, .pending, .acknowledged, .resolved]

    /// FIRING, PENDING, ACKNOWLEDGED, then RESOLVED in the last day; in each group the most
    /// severe first, then the oldest (resolved: the most recently resolved first).
    static func ordered(_ alerts: [AlertSummary], now: Timestamp) -> [AlertSummary] {
        alerts.filter { alert in
            guard alert.state == .resolved else { return true }
            let at = alert.resolvedAt ?? alert.lastSeenAt
            return now.milliseconds - at.milliseconds <= recentResolvedMilliseconds
        }.sorted { lhs, rhs in
            // why force unwrap: stateOrder lists every AlertState.
            let l = stateOrder.firstIndex(of: lhs.state)!, r = stateOrder.firstIndex(of: rhs.state)!
            if l != r { return l < r }
            if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
            if lhs.state == .resolved, let a = lhs.resolvedAt, let b = rhs.resolvedAt, a != b { return a > b }
            if since(lhs) != since(rhs) { return since(lhs) < since(rhs) }
            return lhs.id < rhs.id
        }
    }

    /// When the alert's age counts from: when it fired, else when it started pending.
    static func since(_ alert: AlertSummary) -> Timestamp { alert.firedAt ?? alert.startedAt }

    static func cells(_ alert: AlertSummary, now: Timestamp) -> [String] {
        [stateText(alert.state), alert.severity.rawValue, alert.rule, MonitoringText.labels(alert.labels),
         MonitoringText.age(since: since(alert), now: now), "\(alert.firings)", marks(alert)]
    }

    static func stateText(_ state: AlertState) -> String {
        state == .firing ? "● FIRING" : state.rawValue
    }

    /// ⏾ silenced, inhibited, returned (from a silence that expired while it still fired).
    static func marks(_ alert: AlertSummary) -> String {
        var marks: [String] = []
        if alert.silence != nil { marks.append("⏾ silenced") }
        if alert.inhibitedBy != nil { marks.append("inhibited") }
        if alert.returnedFromSilence { marks.append("returned") }
        return marks.joined(separator: " ")
    }

    /// The theme style of a row: a firing critical alert as an error, other firing or pending
    /// ones as a notice, quiet (silenced, inhibited, acknowledged, resolved) ones as a hint.
    static func style(_ alert: AlertSummary) -> String? {
        if alert.state == .resolved || alert.state == .acknowledged || alert.silence != nil || alert.inhibitedBy != nil { return "hint" }
        if alert.state == .firing && alert.severity == .critical { return "error" }
        if alert.severity != .info { return "notice" }
        return nil
    }

    /// Whether the alert matches the panel's `/` filter: every word found (case-insensitive) in
    /// its state, severity, rule, labels, message or marks.
    static func matches(_ alert: AlertSummary, filter: String) -> Bool {
        let haystack = [alert.state.rawValue, alert.severity.rawValue, alert.rule, MonitoringText.labels(alert.labels), alert.message,
                        marks(alert)].joined(separator: " ").lowercased()
        return filter.lowercased().split(separator: " ").allSatisfy { haystack.contains($0) }
    }
}
