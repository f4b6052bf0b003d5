import PayCore
import PayServices
import TUIKit

/// The order detail: the order (amounts paid and refunded), its items and sub-orders, every
/// payment and refund with its three identifiers, and the timeline (problems drawn as warnings,
/// overdue rows marked). Enter on a row with a raw message opens the viewer; `a` the repair actions.
@MainActor
final class OrderDetailScreen: ConsoleScreen {
    private(set) var order: Order
    private(set) var detail: OrderDetail?
    private(set) var entries: [TimelineEntry] = []
    private(set) var timeline = Table(columns: [
        TableColumn("Time", width: .fixed(19)),
        TableColumn("What", width: .fixed(12)),
        TableColumn("Who", width: .fixed(10), priority: 1),
        TableColumn("", width: .fixed(1)),
        TableColumn("Summary", width: .flex(min: 20)),
    ])
    private var loading = 0

    init(app: ConsoleApp, order: Order) {
        self.order = order
        reload(app: app)
    }

    var title: String { "Order \(order.orderNo)" }

    var hints: [KeyHint] {
        [KeyHint("F1", "Help"), KeyHint("↑↓", "Timeline"), KeyHint("Enter", "Raw"), KeyHint("a", "Actions"), KeyHint("r", "Reload"),
         KeyHint("Esc", "Back")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Order detail", [
            KeyHint("↑↓ j k PgUp PgDn", "scroll the timeline"),
            KeyHint("Enter", "open the raw callback or channel call of the row (marked ⧉)"),
            KeyHint("a", "repair actions: refund, query the channel, close, resend the notification…"),
            KeyHint("r", "reload the order and its timeline"),
            KeyHint("Esc", "back to the orders"),
        ])]
    }

    var statusSegments: [String] { ["\(entries.count) events"] }

    func reload(app: ConsoleApp) {
        let orderId = order.id
        loading += 2
        app.ask({ support throws(PayError) in try await support.detail(orderId: orderId) }) { [weak self] result in
            guard let self else { return }
            loading -= 1
            switch result {
            case .success(let detail):
                self.detail = detail
                order = detail.order
            case .failure(let error): app.showMessage(error.message, error: true)
            }
        }
        app.ask({ support throws(PayError) in try await support.timeline(orderId: orderId) }) { [weak self] result in
            guard let self else { return }
            loading -= 1
            switch result {
            case .success(let entries): show(entries)
            case .failure(let error): app.showMessage(error.message, error: true)
            }
        }
    }

    private func show(_ entries: [TimelineEntry]) {
        let cursor = timeline.cursor
        self.entries = entries
        timeline.rows = entries.map(Self.cells)
        var styles: [Int: String] = [:]
        for (index, entry) in entries.enumerated() where entry.isProblem || entry.kind == .overdue {
            styles[index] = entry.kind == .overdue ? "error" : "notice"
        }
        timeline.rowStyles = styles
        timeline.moveCursor(to: cursor)
    }

    static func cells(_ entry: TimelineEntry) -> [String] {
        let what = entry.kind == .overdue ? "⚠ OVERDUE" : kindLabel(entry.kind)
        return [entry.at.displayString, what, entry.actor ?? "", entry.raw == nil ? "" : "⧉", entry.summary]
    }

    static func kindLabel(_ kind: TimelineEntry.Kind) -> String {
        switch kind {
        case .transition: return "state"
        case .channelCall: return "channel"
        case .callback: return "callback"
        case .notification: return "notify"
        case .janitor: return "janitor"
        case .duplicate: return "duplicate"
        case .risk: return "risk"
        case .operatorAction: return "operator"
        case .alert: return "alert"
        case .overdue: return "overdue"
        }
    }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .enter:
            guard entries.indices.contains(timeline.cursor), let id = entries[timeline.cursor].raw else {
                app.showMessage("this row has no raw message to show")
                return true
            }
            app.ask({ support throws(PayError) in try await support.raw(id) }) { result in
                switch result {
                case .success(let record): app.push(RawViewerScreen(record: record, support: app.support))
                case .failure(let error): app.showMessage(error.message, error: true)
                }
            }
            return true
        case .character("a"):
            RepairFlow.start(app: app, order: order) { [weak self] changed in
                self?.order = changed
                self?.reload(app: app)
            }
            return true
        case .character("r"):
            reload(app: app)
            return true
        default:
            return timeline.handle(key)
        }
    }

    // MARK: Drawing

    /// The lines above the timeline: the order, its items and sub-orders, payments and refunds.
    func headerLines() -> [(text: String, style: String)] {
        var lines: [(String, String)] = []
        let o = order
        lines.append(("\(o.orderNo) · \(o.businessLine) · \(o.status.rawValue) · amount \(o.amount.displayString) · paid \(o.paidAmount.displayString) · refunded \(o.refundedAmount.displayString)", "subtitle"))
        lines.append(("serial \(o.serial) · customer \(o.customerId ?? "—") · channel \(o.channel ?? "—") · by \(o.operatorName ?? "—") · created \(o.createdAt.displayString)", "body"))
        for item in o.items {
            let total = (try? item.total())?.displayString ?? "—"
            lines.append(("  \(item.quantity) × \(item.name)  @ \(item.unitPrice.displayString)  = \(total)", "body"))
        }
        for sub in o.subOrders {
            lines.append(("  sub-order \(sub.amount.displayString) → \(sub.merchantAccount)", "body"))
        }
        if let details = DetailLines.summary(for: o) { lines.append(("  " + details, "body")) }
        guard let detail else { return lines }
        for attempt in detail.attempts {
            var text = "Payment \(attempt.serial) · channel serial \(attempt.channelSerial ?? "—") · order no \(o.orderNo) · \(attempt.channel) \(attempt.method.rawValue) \(attempt.amount.displayString) \(attempt.status.rawValue)"
            if let code = attempt.failureCode { text += " (\(code))" }
            lines.append((text, attempt.status == .unknown || attempt.status == .failed ? "notice" : "label"))
        }
        for refund in detail.refunds {
            lines.append(("Refund \(refund.serial) · channel refund serial \(refund.channelRefundSerial ?? "—") · refund no \(refund.refundNo ?? "—") · \(refund.amount.displayString) \(refund.status.rawValue)", refund.status == .failed ? "notice" : "label"))
        }
        return lines
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let lines = headerLines()
        // why: the timeline keeps at least half the screen; a long order's extra lines are cut.
        let shown = min(lines.count, max(2, area.height / 2 - 1))
        for (index, line) in lines.prefix(shown).enumerated() {
            buffer.put(" " + line.text, x: area.x, y: area.y + index, style: app.theme[line.style], maxWidth: area.width)
        }
        if shown < lines.count {
            buffer.put(" … \(lines.count - shown) more lines", x: area.x, y: area.y + shown - 1, style: app.theme["hint"], maxWidth: area.width)
        }
        let top = area.y + shown + 1
        let height = area.maxY - 1 - top
        buffer.put(" Timeline" + (loading > 0 ? " (loading…)" : ""), x: area.x, y: top - 1 + 0, style: app.theme["subtitle"])
        let tableArea = Rect(x: area.x, y: top, width: area.width, height: max(0, height))
        if entries.isEmpty {
            timeline.render(into: &buffer, area: Rect(x: tableArea.x, y: tableArea.y, width: tableArea.width, height: 1), theme: app.theme)
            if loading == 0 { buffer.put("  nothing recorded for this order", x: area.x, y: top + 1, style: app.theme["hint"]) }
        } else {
            timeline.render(into: &buffer, area: tableArea, theme: app.theme)
        }
        return nil
    }
}
