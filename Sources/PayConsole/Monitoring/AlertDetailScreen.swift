import Foundation
import PayCore
import PayServices
import TUIKit

/// One alert: its rule (expression, `for`, keep-firing, severity, labels), the value against the
/// threshold with an hour's sparkline, the firings folded into one line, the silence or the
/// inhibition, who acknowledged it. `a`, `s` and `o` as on the panel; reloads every few seconds.
@MainActor
final class AlertDetailScreen: ConsoleScreen {
    private(set) var detail: AlertDetail
    private var lastRefresh: Timestamp
    /// Tells the screen below (the panel) that the alert changed here.
    private let changed: () -> Void

    init(app: ConsoleApp, detail: AlertDetail, changed: @escaping () -> Void = {}) {
        self.detail = detail
        self.changed = changed
        lastRefresh = app.clock.now()
    }

    var alert: AlertSummary { detail.alert }
    var title: String { "Alert #\(alert.id) \(alert.rule)" }

    var hints: [KeyHint] {
        [KeyHint("F1", "Help"), KeyHint("a", "Ack"), KeyHint("s", "Silence"), KeyHint("o", "Orders"), KeyHint("r", "Reload"),
         KeyHint("Esc", "Back")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Alert", [
            KeyHint("a", "acknowledge (a firing alert; it still resolves by itself)"),
            KeyHint("s", "silence its rule and labels for a while, with a reason"),
            KeyHint("o", "the orders it concerns, in the order browser"),
            KeyHint("r", "reload now (it reloads by itself every few seconds)"),
            KeyHint("Esc", "back to the alerts"),
        ])]
    }

    var statusSegments: [String] { [alert.state.rawValue.lowercased()] }

    func reload(app: ConsoleApp) {
        lastRefresh = app.clock.now()
        let id = alert.id
        if let fresh = app.askMonitoring({ desk throws(PayError) in try desk.alert(id: id) }) { detail = fresh }
    }

    func tick(app: ConsoleApp) {
        guard app.monitoring != nil, !app.hasOverlay,
              app.clock.now().milliseconds - lastRefresh.milliseconds >= AlertPanelScreen.refreshMilliseconds else { return }
        reload(app: app)
    }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .character("a"):
            AlertActions.acknowledge(alert, app: app) { [weak self] _ in
                self?.reload(app: app)
                self?.changed()
            }
            return true
        case .character("s"):
            AlertActions.silence(alert, app: app) { [weak self] _ in
                self?.reload(app: app)
                self?.changed()
            }
            return true
        case .character("o"):
            AlertActions.openOrders(of: alert, detail: detail, app: app)
            return true
        case .character("r"):
            reload(app: app)
            return true
        default:
            return false
        }
    }

    // MARK: Drawing

    /// The lines of the detail, each with its theme style.
    func lines(now: Timestamp) -> [(text: String, style: String)] {
        let a = alert
        var lines: [(String, String)] = []
        let stateStyle = a.state == .firing ? (a.severity == .critical ? "error" : "notice") : "label"
        lines.append(("\(AlertRow.stateText(a.state)) · \(a.severity.rawValue) · \(a.rule)", stateStyle))
        lines.append((a.message, "body"))
        let labels = MonitoringText.labels(a.labels)
        lines.append(("labels   " + (labels.isEmpty ? "—" : labels), "body"))
        if let rule = detail.rule {
            let expression = rule.kind == .expression ? rule.expression : "raised by the services (event rule)"
            lines.append(("rule     \(rule.name): \(expression)", "body"))
            lines.append(("         for \(DurationText.describe(rule.forMilliseconds)) · keep firing for \(DurationText.describe(rule.keepFiringForMilliseconds)) · \(rule.severity.rawValue)" + (rule.enabled ? "" : " · disabled"), "body"))
            if !rule.summary.isEmpty { lines.append(("         " + rule.summary, "hint")) }
        }
        if a.value != nil || a.threshold != nil {
            lines.append(("value    \(a.value ?? "—") against \(a.threshold ?? "—")", stateStyle == "label" ? "body" : stateStyle))
        }
        let first = a.firedAt ?? a.startedAt
        let times = a.firings == 1 ? "once" : "\(a.firings) times"
        var fired = a.firedAt == nil ? "pending since \(a.startedAt.displayString) (\(MonitoringText.age(since: a.startedAt, now: now)))"
            : "fired \(times), first \(first.displayString), last \(a.lastSeenAt.displayString)"
        if let resolved = a.resolvedAt { fired += " · resolved \(resolved.displayString)" }
        lines.append(("history  " + fired, "body"))
        if let by = a.acknowledgedBy { lines.append(("         acknowledged by \(by)", "label")) }
        if let silence = a.silence {
            lines.append(("         ⏾ silenced by \(silence.createdBy) until \(silence.expiresAt.displayString): \(silence.reason)", "notice"))
        }
        if let by = a.inhibitedBy { lines.append(("         inhibited by alert #\(by) (its channel is down; nothing is sent)", "notice")) }
        if a.returnedFromSilence { lines.append(("         returned: it still fired when its silence ended", "notice")) }
        if let filter = detail.orderFilter { lines.append(("orders   \(filter)  (o opens them)", "label")) }
        return lines
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let now = app.monitoring?.storeNow ?? app.clock.now()
        var y = area.y
        for line in lines(now: now) where y < area.maxY - 1 {
            buffer.put(" " + line.text, x: area.x, y: y, style: app.theme[line.style], maxWidth: area.width)
            y += 1
        }
        y += 1
        guard !detail.history.isEmpty, y + 2 < area.maxY else { return nil }
        let breach = MonitoringText.breach(of: alert.threshold) ?? .above
        let threshold = detail.thresholdValue.map { Sparkline.Threshold($0, breach: breach) }
        let chartWidth = min(detail.history.count, area.width - 12)
        let folded = Sparkline.fold(detail.history, into: chartWidth, by: .mean)
        // why: a rate near 90 % drawn from 0 is a flat bar; the chart spans what it shows.
        let span = folded.compactMap { $0 } + (detail.thresholdValue.map { [$0] } ?? [])
        let range = span.min().flatMap { low in span.max().map { high in low < high ? low...high : min(0, low)...high } }
        let sparkline = Sparkline(folded, range: range, threshold: threshold)
        buffer.put(" last hour", x: area.x, y: y, style: app.theme["subtitle"])
        buffer.put(" value ", x: area.x, y: y + 1, style: app.theme["label"])
        sparkline.render(into: &buffer, x: area.x + 8, y: y + 1, width: chartWidth, style: app.theme["amount"], breachStyle: app.theme["error"])
        var legend = " \(detail.history.count) min, oldest left"
        if let scale = sparkline.scale { legend += " · from \(Self.number(scale.lowerBound)) to \(Self.number(scale.upperBound))" }
        if let glyph = sparkline.thresholdGlyph, let value = detail.thresholdValue {
            legend += " · threshold \(glyph) \(Self.number(value)), breaching minutes highlighted"
        }
        buffer.put(legend, x: area.x + 7, y: y + 2, style: app.theme["hint"], maxWidth: area.width - 7)
        return nil
    }

    /// A scale figure: whole when whole, else two decimals.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : String(format: "%.2f", value)
    }
}
