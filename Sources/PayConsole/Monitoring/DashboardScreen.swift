import Foundation
import PayCore
import PayServices
import TUIKit

/// F5: the dashboard. Per channel account a row — breaker (styled by state), success rate,
/// p50/p95, request volume, success-rate and p95 sparklines over the last hour, amounts today — and
/// below the notification backlog, UNKNOWN and PENDING attempts, the worker's last run and the
/// open alerts. On a narrow terminal the p95 sparkline hides first, then p50, then today's amounts. Reloads every few seconds into the same layout: what did not change stays put.
@MainActor
final class DashboardScreen: ConsoleScreen {
    static let refreshMilliseconds: Int64 = 3_000
    /// Where the p95 sparkline marks a minute as slow (the default latency rule: p95 above 2 s).
    static let slowMilliseconds = 2_000.0
    static let columns: [TableColumn] = [
        TableColumn("Channel/account", width: .flex(min: 22)),
        TableColumn("Breaker", width: .fixed(9)),
        TableColumn("Success", width: .fixed(7), alignment: .right),
        TableColumn("p50", width: .fixed(6), alignment: .right, priority: 1),
        TableColumn("p95", width: .fixed(6), alignment: .right),
        TableColumn("Reqs 1h", width: .flex(min: 8)),
        TableColumn("OK% 1h", width: .flex(min: 8), priority: 3),
        TableColumn("p95 1h", width: .flex(min: 8), priority: 0),
        TableColumn("Today", width: .flex(min: 14), alignment: .right, priority: 2),
    ]

    let title = "Dashboard"
    var destination: Destination? { .dashboard }
    private(set) var snapshot: DashboardSnapshot?
    private(set) var loadError: String?
    /// The first account row shown (↑/↓ scroll when there are more accounts than rows).
    private(set) var offset = 0
    private var lastRefresh: Timestamp

    init(app: ConsoleApp) {
        lastRefresh = app.clock.now()
        reload(app: app)
    }

    var hints: [KeyHint] {
        [KeyHint("F1", "Help"), KeyHint("↑↓", "Scroll"), KeyHint("r", "Reload"), KeyHint("F4", "Alerts"), KeyHint("F3", "Orders")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Dashboard", [
            KeyHint("↑↓ j k", "scroll the channel accounts"),
            KeyHint("r", "reload now (it reloads by itself every few seconds)"),
            KeyHint("F4", "the alerts"),
        ])]
    }

    var statusSegments: [String] {
        guard let snapshot else { return [] }
        return ["as of \(snapshot.at.displayString)"]
    }

    func reload(app: ConsoleApp) {
        guard let monitoring = app.monitoring else { return }
        lastRefresh = app.clock.now()
        do {
            let fresh = try monitoring.dashboard()
            loadError = nil
            if fresh != snapshot { snapshot = fresh }
        } catch {
            if loadError != error.message { app.showMessage(error.message, error: true) }
            loadError = error.message
        }
    }

    func tick(app: ConsoleApp) {
        guard app.monitoring != nil, !app.hasOverlay,
              app.clock.now().milliseconds - lastRefresh.milliseconds >= Self.refreshMilliseconds else { return }
        reload(app: app)
    }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        guard app.monitoring != nil else { return false }
        switch key {
        case .character("r"):
            reload(app: app)
        case .down, .character("j"):
            offset = min(offset + 1, max(0, (snapshot?.accounts.count ?? 0) - 1))
        case .up, .character("k"):
            offset = max(0, offset - 1)
        default:
            return false
        }
        return true
    }

    // MARK: Drawing

    static func breakerStyle(_ state: String) -> String {
        switch state.uppercased() {
        case "OPEN": return "error"
        case "HALF_OPEN": return "notice"
        case "CLOSED": return "status.paid"
        default: return "hint"
        }
    }

    /// The lines under the accounts: backlog, attempts, worker, open alerts.
    static func gaugeLines(_ snapshot: DashboardSnapshot) -> [(text: String, style: String)] {
        let g = snapshot.gauges, now = snapshot.at
        func oldest(_ age: Int64?) -> String { age.map { ", oldest \(MonitoringText.age($0))" } ?? "" }
        let notifications = "Notifications  \(g.notificationBacklog) undelivered\(oldest(g.oldestUndeliveredAge))"
        let attempts = "Attempts       \(g.unknownAttempts) UNKNOWN\(oldest(g.oldestUnknownAge)) · \(g.pendingAttempts) PENDING\(oldest(g.oldestPendingAge))"
        let worker = "Worker         " + (g.workerLastRun.map { "last round \(MonitoringText.age(since: $0, now: now)) ago (\($0.displayString))" } ?? "never ran")
        let open = AlertRow.stateOrder.dropLast().map { "\(snapshot.openAlerts[$0] ?? 0) \($0.rawValue)" }
        return [
            (notifications, g.notificationBacklog > 0 ? "notice" : "body"),
            (attempts, g.unknownAttempts > 0 ? "notice" : "body"),
            (worker, g.workerLastRun == nil ? "error" : "body"),
            ("Open alerts    " + open.joined(separator: " · "), (snapshot.openAlerts[.firing] ?? 0) > 0 ? "error" : "body"),
        ]
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        guard app.monitoring != nil else {
            MonitoringScreens.renderNotConnected("The dashboard", meanwhile: "Meanwhile: paydesk metrics", into: &buffer, area: area, app: app)
            return nil
        }
        guard let snapshot else {
            buffer.put(" " + (loadError ?? "loading…"), in: Rect(x: area.x, y: area.y, width: area.width, height: 1),
                       style: app.theme[loadError == nil ? "hint" : "error"])
            return nil
        }
        let theme = app.theme
        let title = " Channel accounts — last hour, per minute" + (loadError.map { " · \($0)" } ?? "")
        buffer.put(title, in: Rect(x: area.x, y: area.y, width: area.width, height: 1), style: theme[loadError == nil ? "subtitle" : "error"])
        let gauges = Self.gaugeLines(snapshot)
        let tableTop = area.y + 1
        // why: the gauges keep their rows at the bottom; the accounts get the rest.
        let rowsForAccounts = max(1, area.height - 1 - gauges.count - 2 - 1)
        let shownIndices = Table.visibleColumns(Self.columns, total: area.width)
        let widths = Table.widths(shownIndices.map { Self.columns[$0] }, total: area.width)
        buffer.fill(Rect(x: area.x, y: tableTop, width: area.width, height: 1), style: theme["table.header"])
        var x = area.x
        for (index, width) in zip(shownIndices, widths) {
            let column = Self.columns[index]
            buffer.put(column.title.padded(toWidth: width, alignment: column.alignment), x: x, y: tableTop, style: theme["table.header"], maxWidth: width)
            x += width + 1
        }
        let accounts = snapshot.accounts
        if accounts.isEmpty {
            buffer.put(" no channel accounts configured", x: area.x, y: tableTop + 1, style: theme["hint"])
        }
        let first = min(offset, max(0, accounts.count - 1))
        for (line, account) in accounts.dropFirst(first).prefix(rowsForAccounts).enumerated() {
            let y = tableTop + 1 + line
            var x = area.x
            for (index, width) in zip(shownIndices, widths) {
                drawCell(index, account, x: x, y: y, width: width, into: &buffer, theme: theme)
                x += width + 1
            }
        }
        if first + rowsForAccounts < accounts.count || first > 0 {
            let more = " \(accounts.count) accounts, \(first + 1)–\(min(accounts.count, first + rowsForAccounts)) shown · ↑↓ scroll"
            buffer.put(more, x: area.x, y: tableTop + 1 + rowsForAccounts, style: theme["hint"], maxWidth: area.width)
        }
        let gaugeTop = area.maxY - 1 - gauges.count
        for (index, line) in gauges.enumerated() {
            buffer.put(" " + line.text, x: area.x, y: gaugeTop + index, style: theme[line.style], maxWidth: area.width)
        }
        return nil
    }

    private func drawCell(_ column: Int, _ account: AccountHealth, x: Int, y: Int, width: Int, into buffer: inout ScreenBuffer, theme: Theme) {
        let spec = Self.columns[column]
        func text(_ value: String, _ style: String = "body") {
            buffer.put(value.padded(toWidth: width, alignment: spec.alignment), x: x, y: y, style: theme[style], maxWidth: width)
        }
        switch column {
        case 0: text("\(account.channel)/\(account.account)", "label")
        case 1: text(account.breaker, Self.breakerStyle(account.breaker))
        case 2:
            let low = (account.successRate ?? 1) < 0.9 && account.requests > 0
            text(MonitoringText.percent(account.successRate), low ? "error" : "body")
        case 3: text(MonitoringText.latency(account.p50Milliseconds))
        case 4: text(MonitoringText.latency(account.p95Milliseconds))
        case 5:
            let volume = Sparkline.fold(account.volumeSeries.map { Double($0) }, into: width, by: .sum)
            Sparkline(volume, missing: " ").render(into: &buffer, x: x, y: y, width: width, style: theme["amount"], breachStyle: theme["error"])
        case 6:
            let rates = Sparkline.fold(account.successSeries, into: width, by: .mean)
            Sparkline(rates, range: 0...1, threshold: Sparkline.Threshold(0.9, breach: .below))
                .render(into: &buffer, x: x, y: y, width: width, style: theme["status.paid"], breachStyle: theme["error"])
        case 7:
            let p95 = Sparkline.fold(account.p95Series, into: width, by: .max)
            Sparkline(p95, threshold: Sparkline.Threshold(Self.slowMilliseconds, breach: .above))
                .render(into: &buffer, x: x, y: y, width: width, style: theme["amount"], breachStyle: theme["error"])
        default: text(MonitoringText.amounts(account.amountsToday), "amount")
        }
    }
}
