import Foundation
import PayCore
import PayServices
import TUIKit

/// The sale being rung up: lines, the business line and its details, loading an order.
extension CheckoutScreen {
    func addLine() {
        do {
            let count = quantity.isEmpty ? 1 : (Int64(quantity.text) ?? 0)
            let unit = try Money.parse(price.text, currency: sale.currency, field: "price")
            let item = try LineItem(name: name.text.trimmingCharacters(in: .whitespaces), quantity: count, unitPrice: unit)
            _ = try sale.total.adding(try item.total())
            sale.items.append(item)
            // why: the layout fills the table's rows when it draws; size them now so the cursor can follow the new line.
            table.rows = sale.items.map { _ in [] }
            table.moveCursor(to: sale.items.count - 1)
            name.clear(); quantity.clear(); price.clear()
            entryFocus = 0
            error = nil
        } catch {
            self.error = error.message
        }
    }

    func voidLine(_ app: ConsoleApp) {
        guard sale.order == nil, !sale.items.isEmpty else { error = "nothing to void"; return }
        let index = min(table.cursor, sale.items.count - 1)
        let item = sale.items[index]
        let amount = (try? item.total().displayString) ?? ""
        app.present(.confirm("Void line", ["Void line \(index + 1): \(item.name) × \(item.quantity)  \(amount)?"], yes: "Void", no: "Keep")) { [weak self] outcome in
            guard let self, outcome == .confirmed, index < self.sale.items.count else { return }
            self.sale.items.remove(at: index)
            app.showMessage("Line \(index + 1) voided")
        }
    }

    func cancelSale(_ app: ConsoleApp) {
        if case .paid = phase { newSale(); return }
        guard !sale.items.isEmpty || sale.order != nil else { newSale(); return }
        var lines = ["Cancel this sale of \(sale.total.displayString)?"]
        if sale.order != nil { lines.append("Its order stays unpaid and expires by itself.") }
        app.present(.confirm("Cancel sale", lines, yes: "Cancel sale", no: "Keep")) { [weak self] outcome in
            if outcome == .confirmed { self?.newSale() }
        }
    }

    func chooseLine(_ app: ConsoleApp) {
        let items = lines.map { ListMenu.Item($0.name, detail: $0.code.description) }
        let current = lines.firstIndex { $0.code == sale.line.code } ?? 0
        app.present(ListMenu(title: "Business line", items: items, cursor: current)) { [weak self] index in
            guard let self, let index else { return }
            self.switchLine(to: self.lines[index].code.description, app: app)
        }
    }

    func switchLine(to code: String, app: ConsoleApp) {
        guard sale.items.isEmpty && sale.order == nil else {
            app.showMessage("finish or cancel (F12) this sale before changing the business line", error: true)
            return
        }
        select(line: code)
    }

    func loadOrder(_ app: ConsoleApp) {
        guard sale.items.isEmpty && sale.order == nil else {
            app.showMessage("finish or cancel (F12) this sale before loading an order", error: true)
            return
        }
        app.present(.input("Load order", ["Order no, serial or channel serial", "(nothing typed: today's sales)"], label: "Find",
                           field: TextField(maxLength: 64))) { [weak self] outcome in
            guard let self, case .submitted(let text) = outcome else { return }
            let identifier = text.trimmingCharacters(in: .whitespaces)
            if identifier.isEmpty { self.chooseTodaysSale(app); return }
            self.load(identifier, app: app)
        }
    }

    func load(_ identifier: String, app: ConsoleApp) {
        guard let service = app.services?.orders, !identifier.isEmpty else { return }
        do {
            var order: Order?
            if let number = try? MerchantOrderNo(identifier) { order = try? service.find(sale.line.code, number) }
            if order == nil { order = try service.search(identifier).first }
            guard let order else { explainNotFound(identifier, app: app); return }
            // why: a paid sale opens at the till with its receipt, never as an amount due.
            if [.paid, .partiallyRefunded, .refunded].contains(order.status) { openTill(order, app: app); return }
            if order.businessLine != sale.line.code { select(line: order.businessLine.description) }
            sale.order = order
            sale.items = order.items
            sale.attributes = order.attributes
            if let customer = order.customerId { sale.attributes["customer"] = customer }
            switch order.status {
            case .created, .paying:
                phase = .paying
                scan.clear()
                refreshWalletBalance(app)
                showUnconfirmed(app)
            default:
                phase = .ringing
                app.showMessage("order \(order.orderNo) is \(order.status.rawValue): nothing to pay", error: true)
            }
        } catch {
            app.showMessage(error.message, error: true)
        }
    }
}
