import Foundation
import PayCore
import PayServices
import TUIKit

/// Drawing the checkout: the layout, the entry row, the scan field and the card form.
extension CheckoutScreen {
    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        let panelWidth = max(34, area.width * 2 / 5) - 2
        table.showsCursor = sale.order == nil && !sale.items.isEmpty
        let shown = panel(app: app, width: panelWidth)
        let regions = layout.render(sale: sale, panel: shown, table: &table, into: &buffer,
                                    area: area, theme: theme, unicode: app.terminal.supportsUnicode)
        if let payCode = shown.payCode, let box = regions.paymentArea {
            renderPayCode(payCode, into: &buffer, area: box, below: shown.lines.count, app: app)
        }
        var cursor: (x: Int, y: Int)?
        if let row = regions.entryRow {
            cursor = renderEntry(into: &buffer, row: row, theme: theme)
        }
        if case .paying = phase, let rect = regions.scanField, card == nil {
            let x = scan.render(into: &buffer, x: rect.x, y: rect.y, width: rect.width, style: theme["field.focus"], placeholderStyle: theme["field.focus"])
            cursor = (x, rect.y)
        }
        if card != nil { cursor = renderCard(into: &buffer, area: area, theme: theme) }
        if case .ringing = phase {} else if card == nil, case .paying = phase {} else if card == nil { cursor = nil }
        return cursor
    }

    /// The pay code under the panel's lines: a QR code when it fits (a scanner needs the whole
    /// symbol), and always the URL under it, cut into lines of the box's width, never shortened.
    func renderPayCode(_ payCode: String, into buffer: inout ScreenBuffer, area: Rect, below used: Int, app: ConsoleApp) {
        let width = area.width - 1
        guard width > 0 else { return }
        var urlLines: [String] = []
        var rest = Substring(payCode)
        while !rest.isEmpty {
            var line = "", columns = 0
            while let next = rest.first, columns + DisplayWidth.of(next) <= width { line.append(next); columns += DisplayWidth.of(next); rest.removeFirst() }
            if line.isEmpty { break }
            urlLines.append(line)
        }
        var y = area.y + used
        let room = Rect(x: area.x, y: y, width: area.width, height: max(0, area.maxY - y - urlLines.count))
        let view = QRCodeView(payCode, colors: app.terminal.colorSupport != .none)
        if let rows = view.render(into: &buffer, area: room) { y += rows }
        for line in urlLines where y < area.maxY {
            buffer.put(" " + line, x: area.x, y: y, style: app.theme["channel"], maxWidth: area.width)
            y += 1
        }
    }

    func renderEntry(into buffer: inout ScreenBuffer, row: Rect, theme: Theme) -> (x: Int, y: Int)? {
        let label = theme["label"]
        let active: Bool
        if case .ringing = phase { active = true } else { active = false }
        // why one column more than the longest value: the cursor sits after it, and the whole value stays in view.
        let quantityWidth = Self.quantityDigits + 1, priceWidth = Self.priceCharacters + 1
        let nameWidth = max(8, row.width - 5 - 5 - quantityWidth - 7 - priceWidth)
        var x = row.x
        x += buffer.put("Item ", x: x, y: row.y, style: label)
        let nameX = name.render(into: &buffer, x: x, y: row.y, width: nameWidth, style: active && entryFocus == 0 ? theme["field.focus"] : theme["field"],
                                placeholderStyle: theme["field"])
        x += nameWidth
        x += buffer.put(" Qty ", x: x, y: row.y, style: label)
        let quantityX = quantity.render(into: &buffer, x: x, y: row.y, width: quantityWidth, style: active && entryFocus == 1 ? theme["field.focus"] : theme["field"],
                                        placeholderStyle: theme["field"])
        x += quantityWidth
        x += buffer.put(" Price ", x: x, y: row.y, style: label)
        let priceX = price.render(into: &buffer, x: x, y: row.y, width: min(priceWidth, row.maxX - x), style: active && entryFocus == 2 ? theme["field.focus"] : theme["field"],
                                  placeholderStyle: theme["field"])
        guard active else { return nil }
        return [(nameX, row.y), (quantityX, row.y), (priceX, row.y)][entryFocus]
    }

    func renderCard(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) -> (x: Int, y: Int)? {
        guard var form = card else { return nil }
        let box = area.centered(width: 46, height: 10)
        let body = theme["dialog"]
        buffer.fill(box, style: body)
        buffer.box(box, style: body, title: "\(form.applePay ? "Apple Pay" : "Card payment") · \(sale.total.displayString)", titleStyle: theme["dialog.title"])
        let inner = box.inset(2)
        let label = theme["label"].withBackground(of: body)
        var cursor: (x: Int, y: Int)?
        for (index, title) in ["Number", "Expiry", "CVC"].enumerated() {
            let y = inner.y + index * 2
            buffer.put(title, x: inner.x, y: y, style: label)
            let style = form.focus == index ? theme["field.focus"] : theme["field"]
            let x: Int
            switch index {
            case 0: x = form.number.render(into: &buffer, x: inner.x + 9, y: y, width: 22, style: style, placeholderStyle: style)
            case 1: x = form.expiry.render(into: &buffer, x: inner.x + 9, y: y, width: 6, style: style, placeholderStyle: style)
            default: x = form.cvc.render(into: &buffer, x: inner.x + 9, y: y, width: 5, style: style, placeholderStyle: style)
            }
            if form.focus == index { cursor = (x, y) }
            if let problem = form.problem, problem.field == index {
                buffer.put(problem.text, x: inner.x, y: y + 1, style: theme["error"].withBackground(of: body), maxWidth: inner.width)
            }
        }
        card = form
        return cursor
    }
}
