import Foundation
import PayCore
import PayServices
import TUIKit

/// One run: the bill's totals against the center's, the counts per mismatch type, and the
/// mismatches (open ones marked). Enter opens a mismatch side by side.
@MainActor
final class ReconciliationRunScreen: ConsoleScreen {
    static let columns: [TableColumn] = [
        TableColumn("Item", width: .fixed(5), alignment: .right),
        TableColumn("Type", width: .fixed(26)),
        TableColumn("Serial", width: .flex(min: 14)),
        TableColumn("Amount", width: .fixed(12), alignment: .right),
        TableColumn("Ours", width: .fixed(10), priority: 2),
        TableColumn("Channel", width: .fixed(10), priority: 2),
        TableColumn("State", width: .fixed(8)),
    ]
    /// Rows above the table: the title line, bill, center, counts.
    static let headerRows = 4

    private(set) var report: ReconciliationReport
    private(set) var table = Table(columns: ReconciliationRunScreen.columns)
    private let changed: () -> Void

    init(report: ReconciliationReport, changed: @escaping () -> Void = {}) {
        self.report = report
        self.changed = changed
        fill()
    }

    var title: String { "Run #\(report.run.id) \(report.run.account) \(report.run.billDate)" }

    var hints: [KeyHint] { [KeyHint("F1", "Help"), KeyHint("Enter", "Side by side"), KeyHint("r", "Reload"), KeyHint("Esc", "Back")] }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Run", [
            KeyHint("↑↓ j k", "move"),
            KeyHint("Enter", "the mismatch side by side (ours | channel), to resolve it"),
            KeyHint("r", "reload"),
            KeyHint("Esc", "back to the runs"),
        ])]
    }

    var statusSegments: [String] { ["\(report.mismatches.filter { $0.state == .open }.count) open"] }

    var selected: Mismatch? { report.mismatches.indices.contains(table.cursor) ? report.mismatches[table.cursor] : nil }

    private func fill() {
        let keep = table.cursor
        table.rows = report.mismatches.map { item in
            ["\(item.id)", item.type.phrase, item.key, item.amount.map { "\($0.decimalString) \($0.currency.code)" } ?? "—",
             item.center?.status ?? "—", item.channel?.outcome ?? "—", item.state.rawValue]
        }
        var styles: [Int: String] = [:]
        for (index, item) in report.mismatches.enumerated() { styles[index] = item.state == .open ? "notice" : "hint" }
        table.rowStyles = styles
        table.moveCursor(to: keep)
    }

    func reload(app: ConsoleApp) {
        let id = report.run.id
        if let fresh = app.askReconciliation({ desk throws(PayError) in try desk.report(run: id) }) {
            report = fresh
            fill()
        }
    }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .character("r"):
            reload(app: app)
            return true
        case .enter:
            guard let item = selected else { return true }
            app.push(MismatchScreen(item: item, currency: report.run.currency) { [weak self] in
                self?.reload(app: app)
                self?.changed()
            })
            return true
        default:
            return table.handle(key)
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let run = report.run
        let cur = run.currency
        func money(_ minor: Int64) -> String { cur.map { Money(minorUnits: minor, currency: $0).decimalString } ?? "\(minor)" }
        let row = { (y: Int) in Rect(x: area.x, y: area.y + y, width: area.width, height: 1) }
        buffer.put(" \(run.account) (\(run.channel)) \(run.billDate) v\(run.version) \(run.status.rawValue) — \(run.billLines) lines, \(run.matched) matched, \(run.mismatches) mismatches, \(run.held) held",
                   in: row(0), style: app.theme["subtitle"])
        buffer.put(" bill:   \(run.bill.payments) payments \(money(run.bill.paid)) · \(run.bill.refunds) refunds \(money(run.bill.refunded)) · fees \(money(run.bill.fees))",
                   in: row(1), style: app.theme["body"])
        buffer.put(" center: \(run.center.payments) payments \(money(run.center.paid)) · \(run.center.refunds) refunds \(money(run.center.refunded)) · fees by terms \(money(run.center.fees))",
                   in: row(2), style: app.theme["body"])
        let counts = report.typeCounts.map { "\($0.type.phrase) \($0.count)" }.joined(separator: " · ")
        buffer.put(" " + (run.error ?? (counts.isEmpty ? "no mismatches" : counts)), in: row(3), style: app.theme[run.error == nil ? "hint" : "error"])
        let tableArea = Rect(x: area.x, y: area.y + Self.headerRows, width: area.width, height: max(0, area.height - Self.headerRows - 1))
        table.render(into: &buffer, area: tableArea, theme: app.theme)
        if report.mismatches.isEmpty {
            buffer.put("No mismatches in this run.", in: Rect(x: area.x, y: tableArea.y + 2, width: area.width, height: 1),
                       style: app.theme["hint"], alignment: .center)
        }
        if let item = selected, !item.note.isEmpty {
            buffer.put(" " + item.note, in: Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1), style: app.theme["hint"])
        }
        return nil
    }
}
