import PayCore
import TUIKit

/// The checkout screen's arrangement for one kind of business line (template method): `render`
/// fixes the sections — header, line items with the order summary, business-specific block,
/// payment methods, footer — and subclasses override the parts that differ. A new business line
/// is one subclass and one entry in `CheckoutLayoutFactory`.
open class CheckoutLayout {
    public init() {}

    /// The layout's name as business lines refer to it ("retail", "hotel" …).
    open var name: String { "retail" }
    /// The title of the business-specific block.
    open var businessTitle: String { "Sale" }
    /// The details the cashier fills in (F7).
    open var fields: [CheckoutField] { [CheckoutField("customer", "Customer id", placeholder: "walk-in")] }
    /// The first letter of order numbers this checkout makes.
    open var orderPrefix: String { "R" }

    /// The business block's rows (label, value).
    open func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        [("Customer", sale.attribute("customer") ?? "walk-in"), ("Items", "\(sale.items.count)")]
    }

    /// Adjusts the order about to be created before the service prices and checks it; the
    /// retail counter's customer id becomes the order's customer, not a detail.
    open func prepare(_ draft: OrderDraft, sale: CheckoutSale) throws(PayError) -> OrderDraft {
        var draft = draft
        if let customer = sale.attribute("customer") { draft.customerId = customer }
        draft.attributes["customer"] = nil
        return draft
    }

    // MARK: The template

    /// Draws every section into `area` and says where the screen's own fields go.
    public final func render(sale: CheckoutSale, panel: PaymentPanel, table: inout Table, into buffer: inout ScreenBuffer,
                             area: Rect, theme: Theme, unicode: Bool) -> CheckoutRegions {
        let (headerRow, rest) = area.splitTop(1)
        let body = Rect(x: rest.x, y: rest.y, width: rest.width, height: rest.height - 1)
        let footerRow = Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1)
        let rightWidth = max(34, area.width * 2 / 5)
        let (left, right) = body.splitLeft(body.width - rightWidth)
        let blockHeight = min(right.height / 2, max(5, businessBlock(sale).count + 2))
        let (blockBox, paymentBox) = right.splitTop(blockHeight)

        renderHeader(sale, into: &buffer, row: headerRow, theme: theme)
        buffer.box(left, style: theme["border"], title: panel.receipt == nil ? "Items" : "Receipt", titleStyle: theme["subtitle"], ascii: !unicode)
        let inner = left.inset(1)
        var regions = CheckoutRegions(entryRow: nil, scanField: nil, itemsArea: inner)
        if let receipt = panel.receipt {
            for (index, line) in receipt.enumerated() where index < inner.height {
                buffer.put(" " + line, x: inner.x, y: inner.y + index, style: theme["body"], maxWidth: inner.width)
            }
        } else {
            let editable = sale.order == nil
            let tableArea = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - (editable ? 2 : 1))
            renderLineItems(sale, table: &table, into: &buffer, area: tableArea, theme: theme)
            renderSummary(sale, into: &buffer, row: Rect(x: inner.x, y: tableArea.maxY, width: inner.width, height: 1), theme: theme)
            if editable { regions.entryRow = Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1) }
        }
        buffer.box(blockBox, style: theme["border"], title: businessTitle, titleStyle: theme["subtitle"], ascii: !unicode)
        renderBusinessBlock(sale, into: &buffer, area: blockBox.inset(1), theme: theme)
        buffer.box(paymentBox, style: theme["border"], title: "Payment", titleStyle: theme["subtitle"], ascii: !unicode)
        regions.scanField = renderPaymentMethods(panel, into: &buffer, area: paymentBox.inset(1), theme: theme)
        regions.paymentArea = paymentBox.inset(1)
        renderFooter(panel, into: &buffer, row: footerRow, theme: theme)
        return regions
    }

    /// Business line, order no and status on the left; the total on the right.
    open func renderHeader(_ sale: CheckoutSale, into buffer: inout ScreenBuffer, row: Rect, theme: Theme) {
        var left = " \(sale.line.name)"
        if let order = sale.order { left += " · order \(order.orderNo) · \(order.status.rawValue)" } else { left += " · new sale" }
        let total = "Total \(sale.total.displayString) "
        buffer.put(left, x: row.x, y: row.y, style: theme["subtitle"], maxWidth: row.width - total.displayWidth - 1)
        buffer.put(total, x: row.maxX - total.displayWidth, y: row.y, style: theme["total"])
    }

    /// The items table: #, item, quantity, unit price, amount.
    open func renderLineItems(_ sale: CheckoutSale, table: inout Table, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        table.rows = sale.items.enumerated().map { index, item in
            ["\(index + 1)", item.name, "\(item.quantity)", item.unitPrice.displayString, (try? item.total().displayString) ?? "overflow"]
        }
        // why measured: a quantity or an amount is never cut or ellipsized; the item name gives way.
        func widest(_ column: Int, atLeast: Int) -> Int { max(atLeast, table.rows.map { $0[column].displayWidth }.max() ?? 0) }
        table.columns = [TableColumn("#", width: .fixed(widest(0, atLeast: 2)), alignment: .right), TableColumn("Item", width: .flex(min: 10)),
                         TableColumn("Qty", width: .fixed(widest(2, atLeast: 4)), alignment: .right),
                         TableColumn("Price", width: .fixed(widest(3, atLeast: 11)), alignment: .right),
                         TableColumn("Amount", width: .fixed(widest(4, atLeast: 12)), alignment: .right)]
        table.render(into: &buffer, area: area, theme: theme)
        if sale.items.isEmpty, area.height > 2 {
            buffer.put("No items yet: ring them up below, or F6 to load an order.", x: area.x + 1, y: area.y + 2,
                       style: theme["hint"], maxWidth: area.width - 2)
        }
    }

    /// The order summary: item count, the details' add-ons in the total, and the total in the
    /// order's currency.
    open func renderSummary(_ sale: CheckoutSale, into buffer: inout ScreenBuffer, row: Rect, theme: Theme) {
        let count = sale.items.reduce(Int64(0)) { $0 + $1.quantity }
        var left = "\(sale.items.count) line\(sale.items.count == 1 ? "" : "s"), \(count) item\(count == 1 ? "" : "s") · \(sale.currency.code)"
        if sale.order == nil, !sale.addOns.isEmpty {
            // why: the row is narrow at 80 columns; what the total holds beyond the items matters more than counts.
            left = "incl. " + sale.addOns.map { "\(CheckoutLayout.shortName($0.name)) \((try? $0.total().displayString) ?? "?")" }.joined(separator: ", ")
        }
        let total = "Total \(sale.total.displayString)"
        buffer.put(left, x: row.x + 1, y: row.y, style: theme["hint"], maxWidth: row.width - total.displayWidth - 2)
        buffer.put(total, x: row.maxX - total.displayWidth, y: row.y, style: theme["total"])
    }

    /// "Deposit" of "押金 Deposit (refundable)": the add-on's English word for the summary line.
    static func shortName(_ name: String) -> String {
        let words = name.split(separator: " ").filter { $0.unicodeScalars.allSatisfy(\.isASCII) && !$0.hasPrefix("(") }
        return words.last.map { $0.prefix(1).lowercased() + $0.dropFirst() } ?? name
    }

    /// The business-specific rows.
    open func renderBusinessBlock(_ sale: CheckoutSale, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let rows = businessBlock(sale)
        let labelWidth = min(12, (rows.map { $0.0.displayWidth }.max() ?? 0) + 1)
        for (index, row) in rows.enumerated() where index < area.height {
            buffer.put(" " + row.0, x: area.x, y: area.y + index, style: theme["label"], maxWidth: labelWidth + 1)
            buffer.put(row.1, x: area.x + labelWidth + 2, y: area.y + index, style: theme["body"], maxWidth: area.width - labelWidth - 2)
        }
    }

    /// The payment section; returns where the scan field goes, when it is live.
    open func renderPaymentMethods(_ panel: PaymentPanel, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) -> Rect? {
        var scan: Rect?
        for (index, line) in panel.lines.enumerated() where index < area.height {
            let y = area.y + index
            if index == panel.scanLine {
                let label = " " + line.text + " "
                let used = buffer.put(label, x: area.x, y: y, style: theme["label"], maxWidth: area.width)
                scan = Rect(x: area.x + used, y: y, width: max(0, area.width - used - 1), height: 1)
            } else {
                buffer.put(" " + line.text, x: area.x, y: y, style: theme[line.style], maxWidth: area.width)
            }
        }
        return scan
    }

    /// The footer: the panel's message, or what the cashier can do next.
    open func renderFooter(_ panel: PaymentPanel, into buffer: inout ScreenBuffer, row: Rect, theme: Theme) {
        if let footer = panel.footer {
            buffer.put(" " + footer.text, x: row.x, y: row.y, style: theme[footer.style], maxWidth: row.width)
        }
    }
}
