import Foundation
import PayCore
import PayServices
import TUIKit

/// One repair action from the menu to its result: the action menu, the preview (what will
/// change, what can be refunded, a refusal), the amount of a refund, the reason, the approver
/// when one is needed, then the request. The idempotency key is made once for the dialog, so a
/// second Enter or a retry answers the first result instead of acting twice.
@MainActor
final class RepairFlow {
    let app: ConsoleApp
    let order: Order
    /// Called with the order as it is after the action (or after a conflict showed it moved).
    let changed: (Order) -> Void
    let idempotencyKey = "console-" + UUID().uuidString.lowercased()
    private var preview: RepairPreview?
    private var action: RepairAction?
    private var reason = ""
    private var submitted = false

    private init(app: ConsoleApp, order: Order, changed: @escaping (Order) -> Void) {
        self.app = app
        self.order = order
        self.changed = changed
    }

    /// Opens the action menu for the order; the flow keeps itself alive through its dialogs.
    @discardableResult
    static func start(app: ConsoleApp, order: Order, changed: @escaping (Order) -> Void) -> RepairFlow {
        let flow = RepairFlow(app: app, order: order, changed: changed)
        flow.chooseAction()
        return flow
    }

    private var orderName: String { "order \(order.orderNo)" }

    func chooseAction() {
        let orderId = order.id
        app.ask({ support throws(PayError) in try await support.actions(orderId: orderId) }) { [self] result in
            switch result {
            case .failure(let error): app.showMessage(error.message, error: true)
            case .success(let actions) where actions.isEmpty:
                app.showMessage("no repair action applies to \(orderName) (\(order.status.rawValue)) now")
            case .success(let actions):
                let menu = ListMenu(title: "Actions — \(orderName)", items: actions.map { ListMenu.Item($0.menuTitle) })
                app.present(menu) { [self] index in
                    guard let index else { return }
                    showPreview(of: actions[index])
                }
            }
        }
    }

    func showPreview(of action: RepairAction) {
        let orderId = order.id
        app.ask({ support throws(PayError) in try await support.preview(action, orderId: orderId) }) { [self] result in
            switch result {
            case .failure(let error): app.showMessage(error.message, error: true)
            case .success(let preview):
                self.preview = preview
                self.action = preview.action
                app.present(Self.previewDialog(preview)) { [self] outcome in
                    guard outcome == .confirmed, preview.refusal == nil else { return }
                    if preview.action.isRefund, let refundable = preview.refundable { askAmount(refundable: refundable, error: nil) } else { askReason(error: nil) }
                }
            }
        }
    }

    /// The preview as a dialog: a refusal is a message; anything else asks to go on.
    static func previewDialog(_ preview: RepairPreview) -> Dialog {
        var lines = preview.changes.map { "• " + $0 }
        if let refundable = preview.refundable { lines.append("Refundable now: \(refundable.displayString)") }
        if preview.needsApprover { lines.append("Above your refund limit: a second person approves on the spot.") }
        if let refusal = preview.refusal {
            lines.append("")
            lines.append("Refused: \(refusal)")
            return .message(preview.title, lines)
        }
        lines.append("")
        lines.append("Continue to give a reason; nothing changes until you confirm it.")
        return .confirm(preview.title, lines, yes: "Continue", no: "Cancel")
    }

    // MARK: Amount, reason, approver

    func askAmount(refundable: Money, error: String?) {
        var lines = ["Refundable: \(refundable.displayString). Leave empty to refund all of it."]
        if let error { lines.append("⚠ " + error) }
        let field = TextField(filter: .decimal, maxLength: 20, placeholder: refundable.decimalString)
        app.present(.input("Refund amount", lines, label: "Amount (\(refundable.currency.code))", field: field)) { [self] outcome in
            guard case .submitted(let text) = outcome else { return }
            switch Self.refundAmount(text, refundable: refundable) {
            case .failure(let error): askAmount(refundable: refundable, error: error.message)
            case .success(let amount):
                if case .refund(let payment, _) = action { action = .refund(payment: payment, amount: amount) }
                recheckApprover(amount: amount)
            }
        }
    }

    /// The amount typed for a refund: empty is everything refundable; more than that, zero or a
    /// malformed amount is an error naming the amount.
    static func refundAmount(_ text: String, refundable: Money) -> Result<Money, PayError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .success(refundable) }
        do {
            let amount = try Money.parse(trimmed, currency: refundable.currency, field: "amount")
            guard amount.isPositive else { return .failure(.invalidInput("amount '\(trimmed)': must be more than zero")) }
            guard amount <= refundable else {
                return .failure(.invalidInput("amount '\(trimmed)': above the refundable \(refundable.displayString)"))
            }
            return .success(amount)
        } catch {
            return .failure(error)
        }
    }

    /// A partial refund may be within the operator's limit: ask the service again before asking
    /// for an approver. The order as first previewed stays the expected version.
    private func recheckApprover(amount: Money) {
        guard let action, let first = preview, amount != first.refundable else { askReason(error: nil); return }
        let orderId = order.id
        app.ask({ support throws(PayError) in try await support.preview(action, orderId: orderId) }) { [self] result in
            switch result {
            case .failure(let error): app.showMessage(error.message, error: true)
            case .success(let again):
                preview = RepairPreview(action: action, title: again.title, changes: again.changes, refundable: again.refundable,
                                        needsApprover: again.needsApprover, refusal: again.refusal, version: first.version)
                if let refusal = again.refusal { app.present(.message(again.title, ["Refused: \(refusal)"])) { _ in }; return }
                askReason(error: nil)
            }
        }
    }

    func askReason(error: String?) {
        var lines = ["Why? The reason goes into the audit log with your name."]
        if let error { lines.append("⚠ " + error) }
        app.present(.input(preview?.title ?? "Reason", lines, label: "Reason", field: TextField(maxLength: 200))) { [self] outcome in
            guard case .submitted(let text) = outcome else { return }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { askReason(error: "reason: empty; say why you take this action"); return }
            reason = trimmed
            if preview?.needsApprover == true { askApproverName() } else { submit(approver: nil) }
        }
    }

    private func askApproverName() {
        let lines = ["Above your limit: the approving supervisor types their name and password here."]
        app.present(.input("Approval", lines, label: "Approver")) { [self] outcome in
            guard case .submitted(let text) = outcome else { return }
            let name = text.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { askApproverName(); return }
            app.present(.input("Approval", ["Password of \(name)"], label: "Password", field: TextField(masking: .all))) { [self] outcome in
                guard case .submitted(let password) = outcome else { return }
                submit(approver: (name, password))
            }
        }
    }

    // MARK: Taking the action

    func submit(approver: (name: String, password: String)?) {
        guard let action, let preview, !submitted else { return }
        submitted = true
        let request = RepairRequest(action: action, reason: reason, expected: preview.version, idempotencyKey: idempotencyKey, approver: approver)
        let orderId = order.id
        app.ask({ support throws(PayError) in try await support.perform(request, orderId: orderId) }) { [self] result in
            switch result {
            case .success(let done):
                app.showMessage(done.summary)
                changed(done.order)
            case .failure(let error) where error.kind == .conflict:
                showConflict(error)
            case .failure(let error):
                // why: the same key may be sent again (a retry answers the first result).
                submitted = false
                app.showMessage(error.message, error: true)
            }
        }
    }

    /// The order moved since the preview: nothing was done; show it as it is now and refresh.
    private func showConflict(_ error: PayError) {
        let orderId = order.id
        app.ask({ support throws(PayError) in try await support.reload(ids: [orderId]) }) { [self] result in
            var lines = [error.message, "Nothing was changed."]
            if case .success(let orders) = result, let now = orders.first {
                lines.append("Now: \(now.status.rawValue) · paid \(now.paidAmount.displayString) · refunded \(now.refundedAmount.displayString)")
                changed(now)
            }
            lines.append("Look at the order again before acting.")
            app.present(.message("Order changed meanwhile", lines)) { _ in }
        }
    }
}
