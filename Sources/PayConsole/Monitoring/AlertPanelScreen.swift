import Foundation
import PayCore
import PayServices
import TUIKit

/// F4: the alert panel. Alerts by state (FIRING, PENDING, ACKNOWLEDGED, then RESOLVED in the last
/// day), most severe then oldest first; Enter opens the detail, `a` acknowledges (asks first),
/// `s` silences, `o` opens the orders it concerns, `/` filters the list. Reloads every few seconds,
/// the cursor staying on the same alert.
@MainActor
final class AlertPanelScreen: ConsoleScreen {
    static let refreshMilliseconds: Int64 = 3_000
    /// Rows above the table: the header, the filter line.
    static let headerRows = 2

    let title = "Alerts"
    var destination: Destination? { .alerts }
    /// Every alert the desk returned, in panel order.
    private(set) var alerts: [AlertSummary] = []
    /// The alerts the filter lets through, as the table shows them.
    private(set) var shown: [AlertSummary] = []
    private(set) var table = Table(columns: AlertRow.columns)
    private(set) var filter = ""
    private(set) var filterField: TextField?
    /// Why the last load failed, shown in place of the list.
    private(set) var loadError: String?
    private var lastRefresh: Timestamp
    private var loadedAt: Timestamp

    init(app: ConsoleApp) {
        lastRefresh = app.clock.now()
        loadedAt = lastRefresh
        reload(app: app)
    }

    var capturesText: Bool { filterField != nil }

    var hints: [KeyHint] {
        if filterField != nil { return [KeyHint("Enter", "Apply"), KeyHint("Esc", "Cancel")] }
        var hints = [KeyHint("F1", "Help"), KeyHint("Enter", "Detail"), KeyHint("a", "Ack"), KeyHint("s", "Silence"),
                     KeyHint("o", "Orders"), KeyHint("/", "Filter")]
        if !filter.isEmpty { hints.append(KeyHint("Esc", "Clear")) }
        return hints + [KeyHint("F5", "Dashboard")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Alerts", [
            KeyHint("↑↓ j k PgUp PgDn", "move"),
            KeyHint("Enter", "the alert: its rule, value against the threshold, history, silence"),
            KeyHint("a", "acknowledge a firing alert (it still resolves by itself)"),
            KeyHint("s", "silence the alert's rule and labels for a while, with a reason"),
            KeyHint("o", "the orders the alert concerns, in the order browser"),
            KeyHint("/", "filter: words in the state, severity, rule, labels or marks"),
            KeyHint("r", "reload now (the list reloads by itself every few seconds)"),
            KeyHint("Esc", "clear the filter"),
        ])]
    }

    var statusSegments: [String] {
        let firing = alerts.filter { $0.state == .firing }.count
        return ["\(firing) firing"] + (filter.isEmpty ? [] : ["filter \(filter)"])
    }

    var selected: AlertSummary? { shown.indices.contains(table.cursor) ? shown[table.cursor] : nil }

    // MARK: Loading

    /// Asks the desk for every alert and shows them, keeping the cursor on the same alert.
    func reload(app: ConsoleApp) {
        guard let monitoring = app.monitoring else { return }
        lastRefresh = app.clock.now()
        do {
            let fresh = try monitoring.alerts(states: nil)
            loadError = nil
            let now = monitoring.storeNow
            show(AlertRow.ordered(fresh, now: now), now: now)
        } catch {
            // why: the last list stays visible; the failure is said once, not every refresh.
            if loadError != error.message { app.showMessage(error.message, error: true) }
            loadError = error.message
        }
    }

    func show(_ alerts: [AlertSummary], now: Timestamp) {
        let keep = selected?.id
        self.alerts = alerts
        loadedAt = now
        refilter(keeping: keep)
    }

    private func refilter(keeping id: Int64?) {
        shown = filter.isEmpty ? alerts : alerts.filter { AlertRow.matches($0, filter: filter) }
        let cursor = table.cursor
        table.rows = shown.map { AlertRow.cells($0, now: loadedAt) }
        var styles: [Int: String] = [:]
        for (index, alert) in shown.enumerated() { if let style = AlertRow.style(alert) { styles[index] = style } }
        table.rowStyles = styles
        if let id, let index = shown.firstIndex(where: { $0.id == id }) {
            table.moveCursor(to: index)
        } else {
            table.moveCursor(to: cursor)
        }
    }

    func tick(app: ConsoleApp) {
        guard app.monitoring != nil, !app.hasOverlay,
              app.clock.now().milliseconds - lastRefresh.milliseconds >= Self.refreshMilliseconds else { return }
        reload(app: app)
    }

    /// Puts a changed alert into its row at once (an acknowledgement), before the next reload.
    func replace(_ alert: AlertSummary) {
        guard let index = alerts.firstIndex(where: { $0.id == alert.id }) else { return }
        alerts[index] = alert
        refilter(keeping: selected?.id)
    }

    // MARK: Keys

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        if var field = filterField {
            switch key {
            case .escape:
                filterField = nil
            case .enter:
                filter = field.text.trimmingCharacters(in: .whitespaces)
                filterField = nil
                refilter(keeping: selected?.id)
            default:
                _ = field.handle(key)
                filterField = field
            }
            return true
        }
        guard app.monitoring != nil else { return false }
        switch key {
        case .character("/"):
            filterField = TextField(filter)
            return true
        case .escape:
            guard !filter.isEmpty else { return false }
            filter = ""
            refilter(keeping: selected?.id)
            return true
        case .character("r"):
            reload(app: app)
            return true
        case .enter:
            guard let alert = selected else { return true }
            guard let detail = app.askMonitoring({ desk throws(PayError) in try desk.alert(id: alert.id) }) else { return true }
            app.push(AlertDetailScreen(app: app, detail: detail) { [weak self] in self?.reload(app: app) })
            return true
        case .character("a"):
            guard let alert = selected else { return true }
            AlertActions.acknowledge(alert, app: app) { [weak self] updated in
                self?.replace(updated)
                self?.reload(app: app)
            }
            return true
        case .character("s"):
            guard let alert = selected else { return true }
            AlertActions.silence(alert, app: app) { [weak self] _ in self?.reload(app: app) }
            return true
        case .character("o"):
            guard let alert = selected else { return true }
            AlertActions.openOrders(of: alert, detail: nil, app: app)
            return true
        default:
            return table.handle(key)
        }
    }

    // MARK: Drawing

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        guard app.monitoring != nil else {
            MonitoringScreens.renderNotConnected("The alert panel", meanwhile: "Meanwhile: paydesk alerts", into: &buffer, area: area, app: app)
            return nil
        }
        var cursor: (x: Int, y: Int)?
        let counts = AlertRow.stateOrder.dropLast().map { state in "\(alerts.filter { $0.state == state }.count) \(state.rawValue.lowercased())" }
        let header = " Alerts — " + counts.joined(separator: " · ") + (filter.isEmpty ? "" : " · filter: \(filter)")
        buffer.put(header, in: Rect(x: area.x, y: area.y, width: area.width, height: 1), style: app.theme["subtitle"])
        let filterRow = Rect(x: area.x, y: area.y + 1, width: area.width, height: 1)
        if var field = filterField {
            buffer.put(" /", x: area.x, y: filterRow.y, style: app.theme["label"])
            let x = field.render(into: &buffer, x: area.x + 2, y: filterRow.y, width: area.width - 3, style: app.theme["field.focus"])
            filterField = field
            cursor = (x, filterRow.y)
        } else if let loadError {
            buffer.put(" " + loadError, in: filterRow, style: app.theme["error"])
        } else {
            buffer.put(" Enter detail · a acknowledge · s silence · o orders · / filter", in: filterRow, style: app.theme["hint"])
        }
        let tableArea = Rect(x: area.x, y: area.y + Self.headerRows, width: area.width, height: max(0, area.height - Self.headerRows - 1))
        table.showsCursor = filterField == nil
        if shown.isEmpty {
            table.render(into: &buffer, area: Rect(x: tableArea.x, y: tableArea.y, width: tableArea.width, height: 1), theme: app.theme)
            let empty = alerts.isEmpty ? "No alerts: every rule holds." : "No alerts match '\(filter)'."
            buffer.put(empty, in: Rect(x: area.x, y: tableArea.y + 2, width: area.width, height: 1), style: app.theme["hint"], alignment: .center)
        } else {
            table.render(into: &buffer, area: tableArea, theme: app.theme)
        }
        if let alert = selected, filterField == nil {
            buffer.put(" #\(alert.id) \(alert.message)", in: Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1), style: app.theme["hint"])
        }
        return cursor
    }
}

/// Drawing shared by the monitoring screens.
@MainActor
enum MonitoringScreens {
    /// What a monitoring screen shows without monitoring services.
    static func renderNotConnected(_ what: String, meanwhile: String, into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) {
        let lines = ["\(what): \(MonitoringText.notConnected).", meanwhile]
        let top = area.y + area.height / 2 - 1
        for (index, line) in lines.enumerated() {
            buffer.put(line, in: Rect(x: area.x, y: top + index, width: area.width, height: 1),
                       style: index == 0 ? app.theme["notice"] : app.theme["hint"], alignment: .center)
        }
    }
}
