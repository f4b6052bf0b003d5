import Foundation
import PayCore
import PayServices
import TUIKit

/// The business line's details (F7): each entry is checked by the service as it is made — a bad
/// one is refused with the field named and the sale keeps what it had — and the total follows
/// the add-ons the details bring (a deposit, insurance), priced by the service, never here.
extension CheckoutScreen {
    func editDetails(_ app: ConsoleApp) {
        guard sale.order == nil else { app.showMessage("the order is created: its details are fixed", error: true); return }
        let fields = layout.fields
        let items = fields.map { ListMenu.Item($0.label, detail: sale.attribute($0.key) ?? ($0.kind == .toggle ? "no" : "—")) }
        app.present(ListMenu(title: layout.businessTitle, items: items)) { [weak self] index in
            guard let self, let index else { return }
            let field = fields[index]
            if field.kind == .toggle {
                self.setDetail(field, to: self.sale.attribute(field.key) == "yes" ? "no" : "yes", app: app)
                return
            }
            let filter: TextField.Filter = field.kind == .money ? .decimal : (field.kind == .date ? .date : .any)
            var input = TextField(self.sale.attribute(field.key) ?? "", filter: filter, maxLength: 128, placeholder: field.placeholder)
            input.placeholder = field.placeholder
            app.present(.input(field.label, [], label: field.label, field: input)) { [weak self] outcome in
                guard let self, case .submitted(let text) = outcome else { return }
                self.setDetail(field, to: text.trimmingCharacters(in: .whitespaces), app: app)
            }
        }
    }

    /// Sets one detail when the service's pricing takes it, and the add-ons it brings; a refusal
    /// names the field and changes nothing.
    func setDetail(_ field: CheckoutField, to value: String, app: ConsoleApp) {
        var next = sale
        next.attributes[field.key] = value
        do {
            next.addOns = try addOns(of: next, app: app)
            sale = next
            error = nil
        } catch {
            self.error = wording(error.message, editing: field)
        }
    }

    /// The service's message with the detail's key in the cashier's words ("checkOut '…'" →
    /// "Check-out '…'"); the field being edited is named when the message is about another.
    func wording(_ message: String, editing field: CheckoutField) -> String {
        guard let (named, text) = cashierWords(message) else { return "\(field.label): \(message)" }
        return named.key == field.key ? text : "\(field.label): \(text)"
    }

    /// A refusal of the sale's details when the order is made, in the cashier's words and with
    /// the key that fixes it; any other message as it is.
    func detailsWording(_ message: String) -> String {
        guard let (_, text) = cashierWords(message) else { return message }
        return text + " (F7)"
    }

    func cashierWords(_ message: String) -> (CheckoutField, String)? {
        for named in layout.fields where message.hasPrefix(named.key + " ") || message.hasPrefix(named.key + ":") {
            return (named, named.label + message.dropFirst(named.key.count))
        }
        return nil
    }

    /// The lines the service's pricing would add to `sale` (deposit, insurance); none without a
    /// connected order service (the details are then checked when the order is made).
    func addOns(of sale: CheckoutSale, app: ConsoleApp) throws(PayError) -> [LineItem] {
        guard let orders = app.services?.orders else { return [] }
        let draft = try layout.prepare(OrderDraft(businessLine: sale.line.code, orderNo: try MerchantOrderNo("preview"),
                                                  amount: sale.goodsTotal, attributes: sale.attributes), sale: sale)
        return try orders.preview(draft).addOns
    }
}
