import PayCore
import TUIKit

/// The customer of the sale: attached or changed (F7) once the order exists, until it is paid,
/// and asked for when a payment charges the customer's own account (wallet, PayPal).
extension CheckoutScreen {
    /// F7 with an order: asks for the customer's id (empty removes it) and stores it on the order;
    /// `then` runs with the id once it is stored.
    func askCustomer(_ app: ConsoleApp, why: String? = nil, then: ((String) -> Void)? = nil) {
        guard let order = sale.order else { editDetails(app); return }
        guard order.status == .created || order.status == .paying else {
            app.showMessage("order \(order.orderNo) is \(order.status.rawValue): its customer can no longer change", error: true)
            return
        }
        var lines = [why ?? "Who is paying for order \(order.orderNo)? (member no, phone …)"]
        lines.append(order.customerId.map { "Now: \($0). Empty removes the customer." } ?? "No customer yet (walk-in).")
        let field = TextField(order.customerId ?? "", maxLength: 64, placeholder: "customer id")
        app.present(.input("Customer", lines, label: "Customer", field: field)) { [weak self] outcome in
            guard let self, case .submitted(let typed) = outcome else { return }
            let text = typed.trimmingCharacters(in: .whitespaces)
            guard self.setCustomer(text.isEmpty ? nil : text, app: app), !text.isEmpty, let stored = self.sale.order?.customerId else { return }
            then?(stored)
        }
    }

    /// Stores the customer on the order (the service refuses once a payment is open or it is paid).
    @discardableResult
    func setCustomer(_ customer: String?, app: ConsoleApp) -> Bool {
        guard let order = sale.order, let orders = app.services?.orders else { return false }
        do {
            let updated = try orders.setCustomer(of: order, to: customer)
            sale.order = updated
            sale.attributes["customer"] = updated.customerId
            error = nil
            app.showMessage(updated.customerId.map { "Customer \($0) for order \(order.orderNo)" } ?? "Order \(order.orderNo) has no customer now")
            refreshWalletBalance(app)
            return true
        } catch {
            self.error = error.message
            return false
        }
    }

    /// Wallet and PayPal charge the customer's own account: with no customer on the order the
    /// cashier is asked for one first, never told about a missing argument.
    func payWithCustomer(_ app: ConsoleApp, _ method: @escaping (String) -> CheckoutPaymentMethod) {
        guard let order = sale.order else { return }
        if let customer = order.customerId { pay(method(customer), app: app); return }
        askCustomer(app, why: "This payment is charged to the customer's own account: whose?") { [weak self] customer in
            self?.pay(method(customer), app: app)
        }
    }

    /// Asks what the customer's wallet holds (off the main actor); the payment step shows it.
    func refreshWalletBalance(_ app: ConsoleApp) {
        guard let order = sale.order, let customer = order.customerId, let gateway = app.gateway else { wallet = nil; return }
        let currency = order.amount.currency
        app.perform({ await gateway.walletBalance(customer: customer, currency: currency) }) { [weak self] balance in
            guard let self, self.sale.order?.customerId == customer else { return }
            self.wallet = balance.map { (customer, $0) }
        }
    }
}
