import Foundation
import PayCore
import PayServices
import TUIKit

/// The till after payment: opening a paid sale, today's sales, refunds by items with a
/// supervisor's approval on the spot, the same-day void and reprints. The money moves in the
/// services (`TillDesk`); the screen chooses, asks and shows.
extension CheckoutScreen {
    /// The till's printer setting from this terminal's environment (see `ReceiptOutput`).
    func receiptOutput(_ app: ConsoleApp) -> ReceiptOutput { ReceiptOutput.from(environment: app.options.environment) }

    /// Loads the sale `order` into the till (after payment: its receipt and actions).
    func openTill(_ order: Order, app: ConsoleApp) {
        guard let desk = app.services?.till, let actor = app.session else {
            app.showMessage("order \(order.orderNo) is \(order.status.rawValue): nothing to pay", error: true)
            return
        }
        app.perform({ () async -> Result<TillSale, PayError> in
            do throws(PayError) { return .success(try await desk.sale(orderId: order.id, operator: actor)) } catch { return .failure(error) }
        }) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let sale): self.show(sale, app: app)
            case .failure(let error): app.showMessage(error.message, error: true)
            }
        }
    }

    func show(_ tillSale: TillSale, app: ConsoleApp) {
        if tillSale.order.businessLine != sale.line.code { select(line: tillSale.order.businessLine.description) }
        sale.order = tillSale.order
        sale.items = tillSale.order.items
        sale.attributes = tillSale.order.attributes
        phase = .ringing
        error = nil
        till = TillState(sale: tillSale, cashier: app.session?.name ?? "")
    }

    /// F6 with nothing typed: the operator's sales of today, newest first; Enter loads one.
    func chooseTodaysSale(_ app: ConsoleApp) {
        guard let desk = app.services?.till, let actor = app.session else { return }
        app.perform({ () async -> Result<[Order], PayError> in
            do throws(PayError) { return .success(try await desk.todaysSales(operator: actor)) } catch { return .failure(error) }
        }) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error): app.showMessage(error.message, error: true)
            case .success(let orders) where orders.isEmpty: app.showMessage("no sales of yours today")
            case .success(let orders):
                let items = orders.map { order in
                    ListMenu.Item("\(order.orderNo)  \(order.amount.displayString)",
                                  detail: "\(order.status.rawValue.lowercased()) \(order.createdAt.displayString.suffix(8).prefix(5))")
                }
                app.present(ListMenu(title: "Today's sales", items: items)) { [weak self] index in
                    guard let self, let index else { return }
                    self.till = nil
                    self.newSale()
                    self.load(orders[index].orderNo.description, app: app)
                }
            }
        }
    }

    /// An identifier the checkout's own lookup did not find: the till's desk says why (another
    /// operator's sale, or no such order).
    func explainNotFound(_ identifier: String, app: ConsoleApp) {
        guard let desk = app.services?.till, let actor = app.session else {
            app.showMessage("no order has '\(identifier)' as its order no, serial or channel serial", error: true)
            return
        }
        app.perform({ () async -> Result<Order, PayError> in
            do throws(PayError) { return .success(try await desk.find(identifier, operator: actor)) } catch { return .failure(error) }
        }) { [weak self] result in
            switch result {
            case .success(let order): self?.openTill(order, app: app)
            case .failure(let error): app.showMessage(error.message, error: true)
            }
        }
    }

    // MARK: Keys

    func handleTill(_ key: Key, app: ConsoleApp) -> Bool {
        guard var state = till else { return false }
        switch state.mode {
        case .working:
            return true
        case .viewing:
            switch key {
            case .character("r"), .character("R"):
                guard state.sale.isRefundable else { app.showMessage("order \(state.sale.order.orderNo) is \(state.sale.order.status.rawValue): nothing to refund", error: true); return true }
                state.mode = .choosing
                state.chosen = [:]
                state.cursor = state.sale.order.items.indices.first { state.sale.refundable($0) > 0 } ?? 0
                error = nil
            case .character("v"), .character("V"):
                voidSale(app)
                return true
            case .character("p"), .character("P"):
                chooseReprint(app)
                return true
            case .function(6):
                newSale()
                loadOrder(app)
                return true
            case .enter, .escape, .function(12):
                newSale()
                return true
            default:
                return false
            }
        case .choosing:
            switch key {
            case .up: state.cursor = max(0, state.cursor - 1)
            case .down: state.cursor = min(state.sale.order.items.count - 1, state.cursor + 1)
            case .character("+"), .character(" "), .right: state.change(by: 1)
            case .character("-"), .left: state.change(by: -1)
            case .character("a"), .character("A"): state.chooseAll()
            case .escape: state.mode = .viewing; error = nil
            case .enter:
                till = state
                submitRefund(state.chosenLines, reason: nil, app: app)
                return true
            default: return false
            }
        }
        till = state
        return true
    }

    // MARK: Refund and void

    /// Asks the services what the refund comes to and whether a supervisor must approve it, then
    /// confirms with the cashier (and the supervisor) and refunds.
    func submitRefund(_ lines: [RefundLineRequest], reason: String?, app: ConsoleApp) {
        guard let state = till, let desk = app.services?.till, let actor = app.session else { return }
        guard !lines.isEmpty else { error = "choose the items to refund: ↑↓ an item, + or Space adds one, A all"; return }
        let sale = state.sale
        till?.mode = .working("Checking the refund…")
        app.perform({ () async -> Result<(amount: Money, approval: String?), PayError> in
            do throws(PayError) { return .success(try await desk.check(sale, lines: lines, operator: actor)) } catch { return .failure(error) }
        }) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.till?.mode = reason == nil ? .choosing : .viewing
                self.error = error.message
            case .success(let (amount, approval)):
                self.till?.mode = reason == nil ? .choosing : .viewing
                let what = reason == TillService.voidReason ? "Void the whole sale" : "Refund \(lines.reduce(0) { $0 + $1.quantity }) item(s)"
                var words = ["\(what) of order \(sale.order.orderNo):", "\(amount.displayString) back to the customer's payment."]
                if let approval { words += ["", "Above your limit: a supervisor approves next."] + approval.wrapped(toWidth: 52) }
                app.present(.confirm(reason == TillService.voidReason ? "Void" : "Refund", words, yes: approval == nil ? "Refund" : "Ask supervisor",
                                     no: "Back")) { [weak self] outcome in
                    guard let self, outcome == .confirmed else { return }
                    if approval != nil {
                        self.askRefundApprover(lines, reason: reason, amount: amount, app: app)
                    } else {
                        self.refund(lines, reason: reason, approver: nil, app: app)
                    }
                }
            }
        }
    }

    /// The supervisor's name and password, on the spot; checked by the operators' service (the
    /// same check as a login, locked out after repeated failures) before anything is refunded.
    func askRefundApprover(_ lines: [RefundLineRequest], reason: String?, amount: Money, app: ConsoleApp) {
        let words = ["A refund of \(amount.displayString) needs a supervisor.", "Supervisor: type your name, then your password."]
        app.present(.input("Supervisor approval", words, label: "Supervisor", field: TextField(maxLength: 64, placeholder: "name"))) { [weak self] outcome in
            guard let self, case .submitted(let typed) = outcome else { return }
            let name = typed.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { self.error = "no supervisor named: nothing refunded"; return }
            let field = TextField(masking: .all, maxLength: 128, placeholder: "password")
            app.present(.input("Supervisor approval", ["\(name), your password approves a refund of \(amount.displayString)."],
                               label: "Password", field: field)) { [weak self] outcome in
                guard let self, case .submitted(let password) = outcome else { return }
                guard let authenticator = app.authenticator else { self.error = "no store is open"; return }
                do {
                    let approver = try authenticator.authenticate(name: name, password: password, origin: app.options.origin)
                    guard Authorizer.allows(.approveRefund, actor: approver) else {
                        self.error = "\(approver.name) is \(approver.role.rawValue) and may not \(Permission.approveRefund.phrase): needs \(Authorizer.rolesText(.approveRefund)); nothing refunded"
                        return
                    }
                    self.refund(lines, reason: reason, approver: approver, app: app)
                } catch {
                    self.error = "approval refused: \(error.message); nothing refunded"
                }
            }
        }
    }

    func refund(_ lines: [RefundLineRequest], reason: String?, approver: Actor?, app: ConsoleApp) {
        guard let state = till, let desk = app.services?.till, let actor = app.session else { return }
        // why: a request whose answer said nothing final goes again under its key, so it replays
        // instead of refunding twice; any other request is a new refund.
        let key: String
        if let pending = state.pending, pending.lines == lines, pending.reason == reason {
            key = pending.key
        } else {
            key = "till-refund-\(state.sale.order.serial)-\(UUID().uuidString.prefix(12))"
        }
        till?.pending = (lines, reason, key)
        till?.mode = .working(reason == TillService.voidReason ? "Voiding…" : "Refunding…")
        error = nil
        let orderId = state.sale.order.id
        app.perform({ () async -> Result<(refund: Refund, sale: TillSale), PayError> in
            do throws(PayError) { return .success(try await desk.refund(orderId: orderId, lines: lines, approver: approver, reason: reason, key: key, operator: actor)) }
            catch { return .failure(error) }
        }) { [weak self] result in
            guard let self, self.till != nil else { return }
            switch result {
            case .failure(let error):
                if error.kind != .pending && error.kind != .internal { self.till?.pending = nil }
                self.till?.mode = .viewing
                self.error = error.kind == .pending ? error.message : "not refunded: \(error.message)"
                if let sale = self.till?.sale { self.openTill(sale.order, app: app) }
            case .success(let (refund, sale)):
                self.till?.pending = nil
                self.till?.sale = sale
                self.till?.mode = .viewing
                self.till?.chosen = [:]
                self.sale.order = sale.order
                let receipt = Receipt(refund: refund, of: sale, cashier: actor.name, approvedBy: approver?.name, reprint: false)
                self.till?.receipt = receipt
                let done = refund.status == .succeeded ? "refunded" : "refund sent (\(refund.status.rawValue.lowercased()))"
                app.showMessage("\(refund.amount.displayString) \(done): \(refund.serial)")
                self.printReceipt(receipt, app: app)
            }
        }
    }

    /// V: the same-day void, every item not refunded yet, as one refund labelled VOID.
    func voidSale(_ app: ConsoleApp) {
        guard let state = till, let desk = app.services?.till, let actor = app.session else { return }
        let sale = state.sale
        app.perform({ () async -> Result<[RefundLineRequest], PayError> in
            do throws(PayError) { return .success(try await desk.voidLines(sale, operator: actor)) } catch { return .failure(error) }
        }) { [weak self] result in
            switch result {
            case .failure(let error): self?.error = error.message
            case .success(let lines): self?.submitRefund(lines, reason: TillService.voidReason, app: app)
            }
        }
    }

    // MARK: Receipts

    /// P: the sale's receipt or one of its refunds', printed again marked as a copy.
    func chooseReprint(_ app: ConsoleApp) {
        guard let state = till else { return }
        let refunds = state.sale.refunds
        let cashier = app.session?.name ?? ""
        guard !refunds.isEmpty else {
            reprint(Receipt(sale: state.sale, cashier: cashier, reprint: true), app: app)
            return
        }
        var items = [ListMenu.Item("Sale receipt", detail: state.sale.order.amount.displayString)]
        items += refunds.map { ListMenu.Item("\($0.reason == TillService.voidReason ? "Void" : "Refund") \($0.serial)",
                                             detail: "\($0.amount.displayString) \($0.status.rawValue.lowercased())") }
        app.present(ListMenu(title: "Reprint", items: items)) { [weak self] index in
            guard let self, let index, let state = self.till else { return }
            if index == 0 {
                self.reprint(Receipt(sale: state.sale, cashier: cashier, reprint: true), app: app)
            } else {
                let refund = refunds[index - 1]
                self.reprint(Receipt(refund: refund, of: state.sale, cashier: cashier, approvedBy: nil, reprint: true), app: app)
            }
        }
    }

    func reprint(_ receipt: Receipt, app: ConsoleApp) {
        till?.receipt = receipt
        printReceipt(receipt, app: app)
    }

    /// Saves the receipt beside the store and prints it where this till's setting says.
    func printReceipt(_ receipt: Receipt, app: ConsoleApp) {
        guard let desk = app.services?.till else { return }
        let directory = app.options.receiptsDirectory
        let output = receiptOutput(app)
        let document = receipt.document
        app.perform({ () async -> Result<(path: String, printedOn: String?), PayError> in
            do throws(PayError) { return .success(try await desk.print(document, directory: directory, output: output)) } catch { return .failure(error) }
        }) { result in
            switch result {
            case .success(let (path, printedOn)):
                let name = URL(fileURLWithPath: path).lastPathComponent
                app.showMessage(printedOn.map { "Receipt printed on \($0), saved as \(name)" } ?? "Receipt saved as \(name)")
            case .failure(let error):
                app.showMessage(error.message, error: true)
            }
        }
    }
}
