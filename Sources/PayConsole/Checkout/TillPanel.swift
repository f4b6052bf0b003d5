import Foundation
import PayCore
import PayServices
import TUIKit

/// What the checkout shows while a paid sale is loaded: the receipt in place of the items, and in
/// the payment panel the sale's state, its refunds, and the refund being chosen.
extension CheckoutScreen {
    func tillPanel(_ state: TillState, app: ConsoleApp, width: Int) -> PaymentPanel {
        typealias Line = PaymentPanel.Line
        let order = state.sale.order
        let footer = error.map { Line($0, "error") }
        switch state.mode {
        case .working(let label):
            return PaymentPanel(lines: [Line("\(app.spinner.frame) \(label)", "status.pending")],
                                footer: footer ?? Line("Waiting for the payment service…", "hint"), receipt: state.receipt.lines(fitting: receiptColumns(app, panelWidth: width)))
        case .choosing:
            var lines = [Line("REFUND · choose the items", "title"), Line("")]
            let nameWidth = max(6, width - 18)
            for (position, item) in order.items.enumerated() {
                let left = state.sale.refundable(position)
                let marker = position == state.cursor ? "▶" : " "
                let count = left == 0 ? "refunded" : "\(state.chosen[position] ?? 0) of \(left)"
                let name = item.name.truncated(toWidth: nameWidth).padded(toWidth: nameWidth)
                lines.append(Line("\(marker)\(position + 1) \(name) \(count)", position == state.cursor ? "table.cursor" : (left == 0 ? "hint" : "body")))
            }
            lines += [Line(""), Line("Refund  \(state.chosenAmount.displayString)", "total"), Line(""),
                      Line("↑↓ item  + − quantity  A all", "hint"), Line("Enter refund   Esc back", "hint")]
            return PaymentPanel(lines: lines, footer: footer ?? Line("Choose what the customer brings back; the amount follows from the items.", "hint"))
        case .viewing:
            let paid = state.sale.paidBy
            var lines: [Line] = []
            switch order.status {
            case .paid: lines.append(Line("✔ PAID  \(order.amount.displayString)", "status.paid"))
            case .partiallyRefunded: lines.append(Line("✔ PAID  \(order.amount.displayString) · part refunded", "status.paid"))
            case .refunded: lines.append(Line("↩ REFUNDED  \(order.refundedAmount.displayString)", "status.failed"))
            default: lines.append(Line("\(order.status.rawValue)  \(order.amount.displayString)", "status.pending"))
            }
            if let paid { lines += [Line(Receipt.methodName(paid)), Line("Serial", "label"), Line(paid.serial.rawValue, "hint")] }
            if order.refundedAmount.isPositive { lines.append(Line("Refunded \(order.refundedAmount.displayString)", "label")) }
            for refund in state.sale.refunds.suffix(4) {
                let kind = refund.reason == TillService.voidReason ? "void" : "refund"
                lines.append(Line("  \(kind) \(refund.amount.displayString) \(refund.status.rawValue.lowercased())", "hint"))
            }
            lines.append(Line(""))
            if state.sale.isRefundable { lines += [Line("R   refund items", "hint"), Line("V   void (today's sale, all)", "hint")] }
            lines += [Line("P   reprint a receipt", "hint"), Line("F6  load another order", "hint"), Line("Enter new sale", "hint")]
            return PaymentPanel(lines: lines, footer: footer ?? Line("Paid sale: R refunds items, V voids, P reprints.", "hint"), receipt: state.receipt.lines(fitting: receiptColumns(app, panelWidth: width)))
        }
    }

    /// The columns the receipt gets on screen: the items box beside the payment panel, less its
    /// border and the leading space the layout puts before each line.
    func receiptColumns(_ app: ConsoleApp, panelWidth: Int) -> Int {
        app.terminal.size.columns - (panelWidth + 2) - 2 - 1
    }

    var tillHints: [KeyHint] {
        guard let till else { return [] }
        switch till.mode {
        case .choosing: return [KeyHint("F1", "Help"), KeyHint("+/-", "Qty"), KeyHint("A", "All"), KeyHint("Enter", "Refund"), KeyHint("Esc", "Back")]
        case .working: return [KeyHint("F1", "Help")]
        case .viewing:
            return [KeyHint("F1", "Help"), KeyHint("R", "Refund"), KeyHint("V", "Void"), KeyHint("P", "Reprint"), KeyHint("F6", "Load"),
                    KeyHint("Enter", "NewSale")]
        }
    }

    var tillHelp: [HelpOverlay.Section] {
        [HelpOverlay.Section("A paid sale", [
            KeyHint("R", "refund items: ↑↓ an item, + or Space one more, − one less, A all, Enter"),
            KeyHint("", "above your refund limit a supervisor approves with name and password"),
            KeyHint("V", "void: today's sale, every item, back to the customer at once"),
            KeyHint("P", "reprint the sale's receipt or a refund's"),
            KeyHint("F6", "load another order (empty: today's sales)"), KeyHint("Enter Esc F12", "new sale")])]
    }
}
