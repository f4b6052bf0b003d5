import Foundation
import PayCore
import PayServices
import TUIKit

/// Taking the payment: the order, the gateway calls off the main actor, the answers fed to
/// `CheckoutFlow`, the unconfirmed state and the supervisor's override.
extension CheckoutScreen {
    /// Creates the order for the rung-up sale (once) and opens the payment step.
    func startPayment(_ app: ConsoleApp) {
        if sale.order == nil {
            guard !sale.items.isEmpty else { error = "add an item first, or F6 to load an order"; return }
            guard let orders = app.services?.orders else { error = "no store is open"; return }
            do {
                sale.order = try createOrder(orders, app: app)
                sale.items = sale.order?.items ?? sale.items
            } catch {
                self.error = detailsWording(error.message)
                return
            }
        }
        guard let order = sale.order, order.status == .created || order.status == .paying else {
            app.showMessage("order \(sale.order?.orderNo.description ?? "") is \(sale.order?.status.rawValue ?? "?"): nothing to pay", error: true)
            return
        }
        phase = .paying
        scan.clear()
        error = nil
        refreshWalletBalance(app)
        showUnconfirmed(app)
    }

    /// When a payment of the order is unconfirmed (UNKNOWN, or PENDING: it may still go through),
    /// shows that instead of offering another charge; `sentence` goes first (a decline's words).
    /// Nothing is shown once a supervisor allowed another payment.
    @discardableResult
    func showUnconfirmed(_ app: ConsoleApp, after sentence: String? = nil) -> Bool {
        guard override == nil, let order = sale.order, let orders = app.services?.orders,
              let earlier = (try? orders.unconfirmedPayments(orderId: order.id))?.first else { return false }
        let state = earlier.status == .pending ? "is still open for the customer to pay" : "has not been confirmed by the channel"
        var reason = "Payment \(earlier.serial) (\(earlier.method.rawValue)) \(state): it may still go through. Do not charge the customer again; the center keeps checking it."
        if let sentence { reason = sentence + " " + reason }
        phase = .unresolved(serial: earlier.serial.rawValue, method: earlier.method.rawValue, reason: reason)
        return true
    }

    /// R on an unconfirmed payment: the channel is asked now; a final answer shows as usual.
    func checkWithChannel(_ serial: String, app: ConsoleApp) {
        guard !pollInFlight, let gateway = app.gateway, let actor = app.session else { return }
        pollInFlight = true
        error = nil
        app.showMessage("Asking the channel about \(serial)…")
        app.perform({ await gateway.checkWithChannel(serial: serial, operator: actor) }) { [weak self] outcome in
            guard let self else { return }
            self.pollInFlight = false
            guard case .unresolved(let current?, let method, _) = self.phase, current == serial else { return }
            switch outcome {
            case .succeeded, .declined:
                self.apply(outcome, method: method, retry: nil, app: app)
            case .unconfirmed(_, let reason):
                app.showMessage(reason, error: true)
            default:
                app.showMessage("\(serial) is still not confirmed (asked at \(app.clock.now().displayString.suffix(8))); the center keeps checking")
            }
        }
    }

    /// S on an unconfirmed payment: a supervisor logs in here to allow one more payment of the order.
    func askSupervisor(_ serial: String, app: ConsoleApp) {
        let lines = ["Payment \(serial) may still go through.", "A supervisor may allow another payment of this order;",
                     "if both go through, the center refunds one."]
        app.present(.input("Supervisor override", lines, label: "Supervisor", field: TextField(maxLength: 64, placeholder: "name"))) { [weak self] outcome in
            guard let self, case .submitted(let typed) = outcome else { return }
            let name = typed.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { self.error = "no supervisor named: nothing allowed"; return }
            let field = TextField(masking: .all, maxLength: 128, placeholder: "password")
            app.present(.input("Supervisor override", ["\(name), your password allows another payment of this order."],
                               label: "Password", field: field)) { [weak self] outcome in
                guard let self, case .submitted(let password) = outcome else { return }
                self.authorizeOverride(name: name, password: password, serial: serial, app: app)
            }
        }
    }

    func authorizeOverride(name: String, password: String, serial: String, app: ConsoleApp) {
        guard case .unresolved(let current?, _, _) = phase, current == serial else { return }
        guard let authenticator = app.authenticator else { error = "no store is open"; return }
        do {
            let supervisor = try authenticator.authenticate(name: name, password: password, origin: app.options.origin)
            guard Authorizer.allows(.overrideUnconfirmed, actor: supervisor) else {
                error = "\(supervisor.name) is \(supervisor.role.rawValue) and may not \(Permission.overrideUnconfirmed.phrase): needs \(Authorizer.rolesText(.overrideUnconfirmed))"
                return
            }
            override = supervisor
            phase = .paying
            scan.clear()
            error = nil
            app.showMessage("\(supervisor.name) allows another payment of this order")
        } catch {
            self.error = "override refused: \(error.message)"
        }
    }

    func createOrder(_ service: any CheckoutOrders, app: ConsoleApp) throws(PayError) -> Order {
        let c = app.clock.now().components
        let stamp = String(format: "%04d%02d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute, c.second)
        for _ in 0..<5 {
            sequence += 1
            let number = try MerchantOrderNo("\(layout.orderPrefix)\(stamp)\(String(format: "%03d", c.millisecond))\(String(format: "%02d", sequence % 100))")
            var draft = OrderDraft(businessLine: sale.line.code, orderNo: number, amount: sale.goodsTotal, items: sale.items,
                                   attributes: sale.attributes)
            draft = try layout.prepare(draft, sale: sale)
            do {
                let (order, created) = try service.create(draft)
                if created { return order }
            } catch where error.kind == .conflict {
                // why: another terminal took this number in the same millisecond; take the next one.
                continue
            }
        }
        throw PayError.conflict("could not find a free order number; try again")
    }

    func submitScan(_ app: ConsoleApp) {
        let code = scan.text
        guard !code.isEmpty else { error = "scan the customer's payment code, or choose Q, C, A, W or P"; return }
        guard ScanCode.recognise(code) != nil else {
            error = "'\(code)' is not a payment code (\(code.count) digits)"
            return
        }
        scan.clear()
        pay(.barcode(authCode: code), app: app)
    }

    func choosePayCode(_ app: ConsoleApp) {
        let channels = ScanCode.Channel.allCases
        app.present(ListMenu(title: "Pay code", items: channels.map { ListMenu.Item($0.displayName) })) { [weak self] index in
            guard let self, let index else { return }
            self.pay(.payCode(channels[index].method), app: app)
        }
    }

    /// Sends the payment to the gateway off the main actor; the answer comes back through `apply`.
    func pay(_ method: CheckoutPaymentMethod, otp: String? = nil, app: ConsoleApp) {
        guard let order = sale.order else { return }
        guard let gateway = app.gateway else { phase = .notConnected; return }
        guard let actor = app.session else { return }
        error = nil
        phase = .working("Sending \(method.label)…")
        let override = self.override
        let submit = CheckoutSubmit.next(after: submitted, order: order.orderNo, method: method, otp: otp, override: override?.name)
        submitted = submit
        app.perform({ await gateway.pay(order: order, method: method, otp: otp, override: override, key: submit.key, operator: actor) }) { [weak self] outcome in
            guard let self else { return }
            // why: only an answer that says nothing final about this submit keeps its key for a retry;
            // after any other answer a new submit is a new payment attempt.
            if case .unknown(serial: .none, reason: _) = outcome {} else { self.submitted = nil }
            // why: a payment that needs the customer (a one-time code goes to them) asks for them
            // once, then goes again; nothing was charged.
            if case .declined(.customerRequired?, _) = outcome, self.sale.order?.customerId == nil {
                self.phase = .paying
                self.askCustomer(app, why: "This payment needs the customer (a one-time code goes to them): whose?") { [weak self] _ in
                    self?.pay(method, otp: otp, app: app)
                }
                return
            }
            self.apply(outcome, method: method.label, retry: method, app: app)
        }
    }

    func poll(_ app: ConsoleApp) {
        guard case .waiting(let wait) = phase, !pollInFlight, let gateway = app.gateway else { return }
        let serial = wait.serial, method = wait.method
        pollInFlight = true
        app.perform({ await gateway.poll(serial: serial) }) { [weak self] outcome in
            guard let self else { return }
            self.pollInFlight = false
            guard case .waiting(let current) = self.phase, current.serial == serial else { return }
            self.apply(outcome, method: method, retry: nil, app: app)
        }
    }

    func tick(app: ConsoleApp) {
        if flow.tick(now: app.clock.now(), polling: pollInFlight) { poll(app) }
    }

    /// Shows what the payment core answered. `method` is the label shown (never a card's digits);
    /// `retry` is the method itself, kept only to answer a one-time-code challenge.
    func apply(_ outcome: CheckoutOutcome, method: String, retry: CheckoutPaymentMethod?, app: ConsoleApp) {
        let now = app.clock.now()
        // why: a supervisor's override allows one payment; a challenge is that payment asking for a code.
        if case .challenge = outcome {} else { override = nil }
        // why: every answer may move the order (PAYING while a payment is open, CREATED again after
        // it failed, PAID): the header shows the order as the store has it now.
        if let order = sale.order, let orders = app.services?.orders,
           let fresh = try? orders.find(order.businessLine, order.orderNo) { sale.order = fresh }
        switch flow.receive(outcome, method: method, now: now) {
        case .none:
            break
        case .paid(let serial, let channelSerial):
            let order = sale.order!
            // why the merchant read here, failure ignored: the money is taken; a receipt without
            // the merchant's name is better than none (a reprint reads it again).
            let merchant = (try? app.services?.orders.merchantName(of: sale.line)) ?? nil
            let receipt = Receipt(sale: sale, order: order, merchant: merchant, paidBy: method, serial: serial,
                                  channelSerial: channelSerial, cashier: app.session?.name ?? "", at: now)
            var path: String?
            do {
                path = try receipt.save(in: app.options.receiptsDirectory, orderNo: order.orderNo.description, serial: serial)
            } catch {
                app.showMessage(error.message, error: true)
            }
            if receiptOutput(app) != .none { printReceipt(receipt, app: app) }
            phase = .paid(serial: serial, channelSerial: channelSerial, method: method, receipt: receipt, path: path)
        case .checkUnconfirmed(let sentence):
            showUnconfirmed(app, after: sentence)
        case .askOneTimeCode(let hint):
            guard let retry else {
                error = "the payment asks for a one-time code; take it again"
                return
            }
            var field = TextField(filter: .digits, maxLength: 8, placeholder: "one-time code")
            field.placeholder = "one-time code"
            app.present(.input("Verification", ["This payment needs a one-time code.", hint], label: "Code", field: field)) { [weak self] answer in
                guard let self else { return }
                if case .submitted(let otp) = answer {
                    self.pay(retry, otp: otp, app: app)
                } else {
                    self.error = "payment not sent: the one-time code was not entered"
                }
            }
        }
    }
}
