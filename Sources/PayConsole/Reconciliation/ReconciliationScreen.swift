import Foundation
import PayCore
import PayServices
import TUIKit

/// F6: reconciliation runs, newest bill date first, per channel account with their counts
/// (lines, matched, mismatches still open, held in the pool). Enter opens a run's mismatches.
@MainActor
final class ReconciliationScreen: ConsoleScreen {
    static let columns: [TableColumn] = [
        TableColumn("Date", width: .fixed(10)),
        TableColumn("Account", width: .flex(min: 12)),
        TableColumn("Channel", width: .fixed(8), priority: 2),
        TableColumn("Ver", width: .fixed(3), alignment: .right, priority: 1),
        TableColumn("Status", width: .fixed(10)),
        TableColumn("Lines", width: .fixed(7), alignment: .right, priority: 3),
        TableColumn("Matched", width: .fixed(7), alignment: .right, priority: 3),
        TableColumn("Mismatch", width: .fixed(8), alignment: .right),
        TableColumn("Held", width: .fixed(4), alignment: .right, priority: 2),
    ]

    let title = "Reconciliation"
    var destination: Destination? { .reconciliation }
    private(set) var runs: [ReconciliationRun] = []
    private(set) var table = Table(columns: ReconciliationScreen.columns)
    private(set) var loadError: String?

    init(app: ConsoleApp) { reload(app: app) }

    var hints: [KeyHint] {
        [KeyHint("F1", "Help"), KeyHint("Enter", "Mismatches"), KeyHint("r", "Reload"), KeyHint("F3", "Orders")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Reconciliation", [
            KeyHint("↑↓ j k PgUp PgDn", "move"),
            KeyHint("Enter", "the run: its totals against the bill's, its mismatches"),
            KeyHint("r", "reload"),
        ])]
    }

    var statusSegments: [String] {
        let open = runs.filter { $0.status == .mismatched || $0.status == .failed }.count
        return ["\(open) to look at"]
    }

    var selected: ReconciliationRun? { runs.indices.contains(table.cursor) ? runs[table.cursor] : nil }

    func reload(app: ConsoleApp) {
        guard let desk = app.reconciliation else { return }
        do {
            runs = try desk.runs()
            loadError = nil
        } catch {
            loadError = error.message
        }
        let keep = table.cursor
        table.rows = runs.map(Self.cells)
        var styles: [Int: String] = [:]
        for (index, run) in runs.enumerated() {
            switch run.status {
            case .failed: styles[index] = "error"
            case .mismatched: styles[index] = "notice"
            case .noBill: styles[index] = "hint"
            case .matched: break
            }
        }
        table.rowStyles = styles
        table.moveCursor(to: keep)
    }

    static func cells(_ run: ReconciliationRun) -> [String] {
        [run.billDate, run.account, run.channel, "\(run.version)", run.status.rawValue, "\(run.billLines)", "\(run.matched)",
         "\(run.mismatches)", "\(run.held)"]
    }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        guard app.reconciliation != nil else { return false }
        switch key {
        case .character("r"):
            reload(app: app)
            return true
        case .enter:
            guard let run = selected else { return true }
            guard let report = app.askReconciliation({ desk throws(PayError) in try desk.report(run: run.id) }) else { return true }
            app.push(ReconciliationRunScreen(report: report) { [weak self] in self?.reload(app: app) })
            return true
        default:
            return table.handle(key)
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        guard app.reconciliation != nil else {
            let lines = ["Reconciliation: not connected.", "Meanwhile: paydesk reconcile list"]
            for (index, line) in lines.enumerated() {
                buffer.put(line, in: Rect(x: area.x, y: area.y + area.height / 2 - 1 + index, width: area.width, height: 1),
                           style: index == 0 ? app.theme["notice"] : app.theme["hint"], alignment: .center)
            }
            return nil
        }
        let mismatched = runs.filter { $0.status == .mismatched }.count
        let failed = runs.filter { $0.status == .failed }.count
        buffer.put(" Reconciliation runs — \(runs.count) run\(runs.count == 1 ? "" : "s") · \(mismatched) with mismatches · \(failed) failed",
                   in: Rect(x: area.x, y: area.y, width: area.width, height: 1), style: app.theme["subtitle"])
        if let loadError {
            buffer.put(" " + loadError, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: 1), style: app.theme["error"])
        } else {
            buffer.put(" Enter a run's mismatches · r reload · paydesk reconcile --account A --date D runs one",
                       in: Rect(x: area.x, y: area.y + 1, width: area.width, height: 1), style: app.theme["hint"])
        }
        let tableArea = Rect(x: area.x, y: area.y + 2, width: area.width, height: max(0, area.height - 3))
        table.render(into: &buffer, area: tableArea, theme: app.theme)
        if runs.isEmpty {
            buffer.put("No reconciliation runs yet.", in: Rect(x: area.x, y: tableArea.y + 2, width: area.width, height: 1),
                       style: app.theme["hint"], alignment: .center)
        }
        if let run = selected {
            let line = run.error.map { " #\(run.id) \($0)" } ?? " #\(run.id) bill \(run.bill.payments) payments, \(run.bill.refunds) refunds; released \(run.released) from the pool"
            buffer.put(line, in: Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1), style: app.theme["hint"])
        }
        return nil
    }
}

extension ConsoleApp {
    /// The reconciliation services F6 asks (nil when the composition root gave none).
    public var reconciliation: (any ReconciliationDesk)? { services?.reconciliation }

    /// Runs one call to the reconciliation services; an error goes to the status line and `work` answers nil.
    func askReconciliation<T>(_ work: (any ReconciliationDesk) throws(PayError) -> T) -> T? {
        guard let reconciliation else {
            showMessage("reconciliation not connected", error: true)
            return nil
        }
        do {
            return try work(reconciliation)
        } catch {
            showMessage(error.message, error: true)
            return nil
        }
    }
}
