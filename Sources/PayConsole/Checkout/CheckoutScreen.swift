import Foundation
import PayCore
import PayServices
import TUIKit

/// The cashier's screen: ring up a sale (or load an order), take the payment — the scan field is
/// always ready in the payment step — follow a pending payment, answer a one-time-code challenge,
/// and hand over the receipt. Orders go through `OrderService`, payments through the
/// `CheckoutPaymentGateway`; the screen itself holds no payment logic.
@MainActor
final class CheckoutScreen: ConsoleScreen {
    enum Phase {
        case ringing
        case paying
        case working(String)
        case waiting(serial: String, payCode: String?, method: String, deadline: Timestamp, nextPoll: Timestamp, unknown: Bool)
        case paid(serial: String, channelSerial: String, method: String, receipt: Receipt, path: String?)
        case declined(sentence: String, code: FailureCode?)
        /// Not confirmed: with a serial, a payment of the order that may still go through, so no
        /// other charge is offered (R asks the channel, S calls a supervisor).
        case unresolved(serial: String?, method: String, reason: String)
        case notConnected
    }

    /// The card being typed: number (first 6 and last 4 shown), expiry, CVC (hidden).
    struct CardForm {
        var number = TextField(filter: .digits, masking: .reveal(first: 6, last: 4), maxLength: 19, placeholder: "card number")
        var expiry = TextField(filter: .date, maxLength: 5, placeholder: "MM/YY")
        var cvc = TextField(filter: .digits, masking: .all, maxLength: 4, placeholder: "CVC")
        var focus = 0
        /// What is wrong with a field, shown beside it: (field index, words).
        var problem: (field: Int, text: String)?
    }

    /// How long the screen follows a pending payment before handing it to the center's own checks.
    static let barcodeWait: Int64 = 45_000
    static let payCodeWait: Int64 = 120_000
    static let pollInterval: Int64 = 2_000

    var lines: [BusinessLine]
    var sale: CheckoutSale
    var layout: CheckoutLayout
    var phase: Phase = .ringing
    var name = TextField(maxLength: 128, placeholder: "item name")
    var quantity = TextField(filter: .digits, maxLength: 5, placeholder: "1")
    var price = TextField(filter: .decimal, maxLength: 16, placeholder: "0.00")
    var entryFocus = 0
    var table = Table(columns: [])
    var scan = TextField(filter: .digits, maxLength: 24, placeholder: "scan the customer's code")
    var card: CardForm?
    var error: String?
    var pollInFlight = false
    var sequence = 0
    /// A supervisor who allowed another payment of this order while an earlier one is
    /// unconfirmed; sent with the next payment only.
    var override: Actor?

    init(app: ConsoleApp) {
        var found: [BusinessLine] = []
        if let orders = app.services?.orders { found = (try? orders.businessLines()) ?? [] }
        if found.isEmpty {
            // why try!: "retail" is a constant valid business line code.
            found = [BusinessLine(code: try! BusinessLineCode("retail"), name: "Retail (no business line in this store)",
                                  layout: "retail", defaultCurrency: .CNY, allowedMethods: [])]
        }
        lines = found
        // why: the retail line is the everyday counter; other lines are a Ctrl-B away.
        let first = found.first { $0.layout == "retail" } ?? found[0]
        sale = CheckoutSale(line: first)
        layout = CheckoutLayoutFactory.make(for: first)
    }

    var isWaitingForPayment: Bool {
        switch phase {
        case .waiting, .working: return true
        default: return false
        }
    }

    /// Switches to another business line (an empty sale only).
    func select(line code: String) {
        guard let line = lines.first(where: { $0.code.description == code }) else { return }
        sale = CheckoutSale(line: line)
        layout = CheckoutLayoutFactory.make(for: line)
        phase = .ringing
        error = nil
    }

    func newSale() {
        sale = CheckoutSale(line: sale.line)
        phase = .ringing
        name.clear(); quantity.clear(); price.clear(); scan.clear()
        entryFocus = 0
        card = nil
        error = nil
        override = nil
    }

    // MARK: Screen

    var title: String { "Checkout" }
    var destination: Destination? { .checkout }
    /// F6 loads an order while ringing up (elsewhere it goes to reconciliation).
    var claimedKeys: [Key] {
        if case .ringing = phase, card == nil { return [.function(6)] }
        return []
    }
    var statusSegments: [String] { ["line \(sale.line.code)"] }

    var hints: [KeyHint] {
        let help = KeyHint("F1", "Help")
        if card != nil { return [help, KeyHint("Tab", "Next"), KeyHint("Enter", "Charge"), KeyHint("Esc", "Cancel")] }
        switch phase {
        case .ringing:
            if sale.order != nil { return [help, KeyHint("F9", "Pay"), KeyHint("F12", "NewSale")] }
            return [help, KeyHint("F2", "Checkout"), KeyHint("F3", "Orders"), KeyHint("F6", "Load"), KeyHint("F7", "Details"),
                    KeyHint("F8", "Void"), KeyHint("F9", "Pay"), KeyHint("F12", "NewSale")]
        case .paying:
            return [help, KeyHint("Enter", "Charge"), KeyHint("Q", "PayCode"), KeyHint("C", "Card"), KeyHint("W", "Wallet"), KeyHint("Esc", "Back")]
        case .working, .waiting:
            return [help, KeyHint("R", "CheckNow")]
        case .paid:
            return [help, KeyHint("Enter", "NewSale"), KeyHint("F12", "NewSale")]
        case .unresolved(_?, _, _):
            return [help, KeyHint("R", "CheckNow"), KeyHint("S", "Supervisor"), KeyHint("F12", "NewSale")]
        case .declined, .unresolved, .notConnected:
            return [help, KeyHint("F9", "TryAgain"), KeyHint("F12", "NewSale")]
        }
    }

    var help: [HelpOverlay.Section] {
        switch phase {
        case .ringing:
            return [HelpOverlay.Section("Ring up", [
                KeyHint("Tab", "next field: item, quantity, price"), KeyHint("Enter", "next field; on price: add the line"),
                KeyHint("↑ ↓ PgUp PgDn", "move in the items"), KeyHint("F6", "load an order by order no or serial"),
                KeyHint("F7", "business details (\(layout.businessTitle.lowercased()))"), KeyHint("F8", "void the selected line"),
                KeyHint("F9", "take the payment"), KeyHint("F12", "cancel the sale, start a new one"),
                KeyHint("Ctrl-B", "choose the business line")])]
        case .paying:
            return [HelpOverlay.Section("Take the payment", [
                KeyHint("digits Enter", "the customer's payment code (a scanner types it)"),
                KeyHint("", "Alipay 16–24 digits from 25–30, WeChat 18 from 10–15, UnionPay 19 from 62"),
                KeyHint("Q", "show a pay code for the customer to scan"), KeyHint("C", "card: number, expiry, CVC"),
                KeyHint("W", "the customer's wallet"), KeyHint("Esc", "back to the items")])]
        case .working, .waiting:
            return [HelpOverlay.Section("Waiting", [KeyHint("R", "ask for the status now"),
                                                   KeyHint("", "the status is checked every 2 seconds")])]
        case .unresolved(_?, _, _):
            return [HelpOverlay.Section("Not confirmed", [
                KeyHint("", "the payment may still go through: no other charge is offered"),
                KeyHint("R", "ask the channel now"), KeyHint("", "or wait: the center keeps checking and settles it"),
                KeyHint("S", "a supervisor allows another payment"), KeyHint("F12", "new sale")])]
        default:
            return [HelpOverlay.Section("Result", [KeyHint("F9", "try again or another method"), KeyHint("Enter F12", "new sale")])]
        }
    }

    var capturesText: Bool {
        if card != nil { return true }
        switch phase {
        case .ringing: return sale.order == nil
        case .paying: return true
        default: return false
        }
    }

    var paletteCommands: [CommandPalette.Command] {
        var commands = [CommandPalette.Command(id: "checkout.new", title: "New sale (F12)"),
                        CommandPalette.Command(id: "checkout.load", title: "Load an order (F6)")]
        for line in lines where line.code != sale.line.code {
            commands.append(.init(id: "line.\(line.code)", title: "Business line: \(line.name)"))
        }
        return commands
    }

    func runPaletteCommand(_ id: String, app: ConsoleApp) -> Bool {
        if id.hasPrefix("line.") { switchLine(to: String(id.dropFirst(5)), app: app); return true }
        switch id {
        case "checkout.new": cancelSale(app); return true
        case "checkout.load": loadOrder(app); return true
        default: return false
        }
    }

    // MARK: Keys

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        if card != nil { return handleCard(key, app: app) }
        switch phase {
        case .ringing: return handleRinging(key, app: app)
        case .paying: return handlePaying(key, app: app)
        case .working, .waiting:
            if key == .character("r") || key == .character("R") { poll(app); return true }
            return false
        case .paid:
            if key == .enter || key == .function(12) { newSale(); return true }
            return false
        case .unresolved(let serial?, _, _):
            switch key {
            case .character("r"), .character("R"): checkWithChannel(serial, app: app); return true
            case .character("s"), .character("S"): askSupervisor(serial, app: app); return true
            case .function(12): newSale(); return true
            case .function(9), .enter, .escape:
                error = "No other charge while \(serial) is unconfirmed: R asks the channel, S calls a supervisor"
                return true
            default: return false
            }
        case .declined, .unresolved, .notConnected:
            switch key {
            case .function(9), .enter, .escape: phase = .paying; scan.clear(); return true
            case .function(12): newSale(); return true
            default: return false
            }
        }
    }

    func handleRinging(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .function(6): loadOrder(app); return true
        case .function(7): editDetails(app); return true
        case .function(8): voidLine(app); return true
        case .function(9): startPayment(app); return true
        case .function(12): cancelSale(app); return true
        case .ctrl("b"): chooseLine(app); return true
        case .up, .down, .pageUp, .pageDown: return table.handle(key)
        default: break
        }
        guard sale.order == nil else { return false }
        switch key {
        case .tab: entryFocus = (entryFocus + 1) % 3; return true
        case .backTab: entryFocus = (entryFocus + 2) % 3; return true
        case .enter:
            if entryFocus == 0 && name.isEmpty { if !sale.items.isEmpty { startPayment(app) }; return true }
            if entryFocus < 2 { entryFocus += 1 } else { addLine() }
            return true
        case .escape:
            return false
        default:
            let outcome: TextField.Outcome
            switch entryFocus {
            case 0: outcome = name.handle(key)
            case 1: outcome = quantity.handle(key)
            default: outcome = price.handle(key)
            }
            if outcome == .edited { error = nil }
            return outcome != .ignored
        }
    }

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

    func editDetails(_ app: ConsoleApp) {
        guard sale.order == nil else { app.showMessage("the order is created: its details are fixed", error: true); return }
        let fields = layout.fields
        let items = fields.map { ListMenu.Item($0.label, detail: sale.attribute($0.key) ?? ($0.kind == .toggle ? "no" : "—")) }
        app.present(ListMenu(title: layout.businessTitle, items: items)) { [weak self] index in
            guard let self, let index else { return }
            let field = fields[index]
            if field.kind == .toggle {
                self.sale.attributes[field.key] = self.sale.attribute(field.key) == "yes" ? "no" : "yes"
                return
            }
            let filter: TextField.Filter = field.kind == .money ? .decimal : (field.kind == .date ? .date : .any)
            var input = TextField(self.sale.attribute(field.key) ?? "", filter: filter, maxLength: 128, placeholder: field.placeholder)
            input.placeholder = field.placeholder
            app.present(.input(field.label, [], label: field.label, field: input)) { [weak self] outcome in
                guard let self, case .submitted(let text) = outcome else { return }
                self.sale.attributes[field.key] = text.trimmingCharacters(in: .whitespaces)
            }
        }
    }

    func loadOrder(_ app: ConsoleApp) {
        guard sale.items.isEmpty && sale.order == nil else {
            app.showMessage("finish or cancel (F12) this sale before loading an order", error: true)
            return
        }
        app.present(.input("Load order", ["Order no, serial or channel serial"], label: "Find", field: TextField(maxLength: 64))) { [weak self] outcome in
            guard let self, case .submitted(let text) = outcome else { return }
            self.load(text.trimmingCharacters(in: .whitespaces), app: app)
        }
    }

    func load(_ identifier: String, app: ConsoleApp) {
        guard let service = app.services?.orders, !identifier.isEmpty else { return }
        do {
            var order: Order?
            if let number = try? MerchantOrderNo(identifier) { order = try? service.find(sale.line.code, number) }
            if order == nil { order = try service.search(identifier).first }
            guard let order else { throw PayError.notFound("no order has '\(identifier)' as its order no, serial or channel serial") }
            if order.businessLine != sale.line.code { select(line: order.businessLine.description) }
            sale.order = order
            sale.items = order.items
            sale.attributes = order.attributes
            switch order.status {
            case .created, .paying:
                phase = .paying
                scan.clear()
                showUnconfirmed(app)
            default:
                phase = .ringing
                app.showMessage("order \(order.orderNo) is \(order.status.rawValue): nothing to pay", error: true)
            }
        } catch {
            app.showMessage(error.message, error: true)
        }
    }

    // MARK: Payment

    /// Creates the order for the rung-up sale (once) and opens the payment step.
    func startPayment(_ app: ConsoleApp) {
        if sale.order == nil {
            guard !sale.items.isEmpty else { error = "add an item first, or F6 to load an order"; return }
            guard let orders = app.services?.orders else { error = "no store is open"; return }
            do {
                sale.order = try createOrder(orders, app: app)
                sale.items = sale.order?.items ?? sale.items
            } catch {
                self.error = error.message
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
            var draft = OrderDraft(businessLine: sale.line.code, orderNo: number, amount: sale.total, items: sale.items,
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

    func handlePaying(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .enter, .function(9):
            submitScan(app)
            return true
        case .escape:
            phase = .ringing
            return true
        case .character("q"), .character("Q"):
            choosePayCode(app)
            return true
        case .character("c"), .character("C"):
            card = CardForm()
            return true
        case .character("w"), .character("W"):
            pay(.wallet(customerId: sale.order?.customerId), app: app)
            return true
        default:
            let outcome = scan.handle(key)
            if outcome == .edited { error = nil }
            return outcome != .ignored
        }
    }

    func submitScan(_ app: ConsoleApp) {
        let code = scan.text
        guard !code.isEmpty else { error = "scan the customer's payment code, or choose Q, C or W"; return }
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

    func handleCard(_ key: Key, app: ConsoleApp) -> Bool {
        guard var form = card else { return false }
        switch key {
        case .escape: card = nil; return true
        case .tab, .down: form.focus = (form.focus + 1) % 3
        case .backTab, .up: form.focus = (form.focus + 2) % 3
        case .enter:
            if form.focus < 2 { form.focus += 1; break }
            let number = form.number.text, expiry = form.expiry.text, cvc = form.cvc.text
            form.problem = nil
            guard (12...19).contains(number.count) else {
                error = "card number: 12 to 19 digits"; form.problem = (0, "12 to 19 digits"); form.focus = 0; card = form; return true
            }
            // why: the store's clock decides (it may be simulated), as the payment core does.
            let problem: CardExpiry.Problem?
            switch CardExpiry.read(expiry) {
            case .success(let parsed): problem = parsed.problem(at: app.clock.now())
            case .failure(let failure): problem = failure.problem
            }
            if let problem {
                let beside: String
                switch problem {
                case .expired(let month, _): beside = "expired: valid through \(month) only"
                case .tooFarAhead: beside = "more than \(CardExpiry.maximumYearsAhead) years ahead (mistyped?)"
                default: beside = problem.phrase
                }
                let words = if case .expired = problem { "the card \(problem.phrase)" } else { problem.phrase }
                error = "expiry \(expiry.isEmpty ? "(empty)" : expiry): \(words)"
                form.problem = (1, beside)
                form.focus = 1
                card = form
                return true
            }
            guard (3...4).contains(cvc.count) else {
                error = "CVC: 3 or 4 digits"; form.problem = (2, "3 or 4 digits"); form.focus = 2; card = form; return true
            }
            card = nil
            pay(.card(CardEntry(number: number, expiry: expiry, cvc: cvc)), app: app)
            return true
        default:
            let edited: TextField.Outcome
            switch form.focus {
            case 0: edited = form.number.handle(key)
            case 1: edited = form.expiry.handle(key)
            default: edited = form.cvc.handle(key)
            }
            if edited == .edited, form.problem?.field == form.focus { form.problem = nil }
        }
        card = form
        return true
    }

    /// Sends the payment to the gateway off the main actor; the answer comes back through `apply`.
    func pay(_ method: CheckoutPaymentMethod, otp: String? = nil, app: ConsoleApp) {
        guard let order = sale.order else { return }
        guard let gateway = app.gateway else { phase = .notConnected; return }
        guard let actor = app.session else { return }
        error = nil
        phase = .working("Sending \(method.label)…")
        let override = self.override
        app.perform({ await gateway.pay(order: order, method: method, otp: otp, override: override, operator: actor) }) { [weak self] outcome in
            self?.apply(outcome, method: method.label, retry: method, app: app)
        }
    }

    func poll(_ app: ConsoleApp) {
        guard case .waiting(let serial, _, let method, _, _, _) = phase, !pollInFlight, let gateway = app.gateway else { return }
        pollInFlight = true
        app.perform({ await gateway.poll(serial: serial) }) { [weak self] outcome in
            guard let self else { return }
            self.pollInFlight = false
            guard case .waiting(let current, _, _, _, _, _) = self.phase, current == serial else { return }
            self.apply(outcome, method: method, retry: nil, app: app)
        }
    }

    func tick(app: ConsoleApp) {
        guard case .waiting(let serial, let payCode, let method, let deadline, let nextPoll, let unknown) = phase else { return }
        let now = app.clock.now()
        if now >= deadline {
            phase = .unresolved(serial: serial, method: method, reason: unknown
                ? "The channel has not confirmed this payment. Do not charge the customer again; the center keeps checking it."
                : "The customer has not finished paying. The center keeps checking and closes it if it stays unpaid.")
            return
        }
        if now >= nextPoll && !pollInFlight {
            phase = .waiting(serial: serial, payCode: payCode, method: method, deadline: deadline,
                             nextPoll: now.adding(milliseconds: Self.pollInterval), unknown: unknown)
            poll(app)
        }
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
        switch outcome {
        case .succeeded(let serial, let channelSerial):
            let order = sale.order!
            let receipt = Receipt(sale: sale, order: order, paidBy: method, serial: serial, channelSerial: channelSerial,
                                  cashier: app.session?.name ?? "", at: now)
            var path: String?
            do {
                path = try receipt.save(in: app.options.receiptsDirectory, orderNo: order.orderNo.description, serial: serial)
            } catch {
                app.showMessage(error.message, error: true)
            }
            phase = .paid(serial: serial, channelSerial: channelSerial, method: method, receipt: receipt, path: path)
        case .pending(let serial, let payCode):
            if case .waiting(let current, let shown, _, let deadline, let nextPoll, let unknown) = phase, current == serial {
                phase = .waiting(serial: serial, payCode: payCode ?? shown, method: method, deadline: deadline, nextPoll: nextPoll, unknown: unknown)
                return
            }
            let wait = payCode == nil ? Self.barcodeWait : Self.payCodeWait
            phase = .waiting(serial: serial, payCode: payCode, method: method, deadline: now.adding(milliseconds: wait),
                             nextPoll: now.adding(milliseconds: Self.pollInterval), unknown: false)
        case .declined(let code, let reason):
            let sentence = FailureWording.sentence(code: code, reason: reason)
            phase = .declined(sentence: sentence, code: code)
            showUnconfirmed(app, after: sentence)
        case .unconfirmed(let serial, _):
            phase = .unresolved(serial: serial, method: method, reason: "Nothing was charged now: an earlier payment of this order (\(serial)) is not confirmed yet and may still go through. Do not charge the customer again; the center keeps checking it.")
        case .challenge(let hint):
            phase = .paying
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
        case .unknown(let serial, let reason):
            if let serial {
                if case .waiting(let current, _, _, _, _, _) = phase, current == serial { return }
                phase = .waiting(serial: serial, payCode: nil, method: method, deadline: now.adding(milliseconds: Self.barcodeWait),
                                 nextPoll: now.adding(milliseconds: Self.pollInterval), unknown: true)
            } else {
                phase = .unresolved(serial: nil, method: method, reason: reason)
            }
        }
    }

    // MARK: Drawing

    func panel(app: ConsoleApp, width: Int) -> PaymentPanel {
        typealias Line = PaymentPanel.Line
        let due = sale.total.displayString
        var footer: Line? = error.map { Line($0, "error") }
        switch phase {
        case .ringing:
            var lines = [Line("Amount due  \(due)", "total"), Line("")]
            if sale.order == nil {
                lines += [Line("F9  take the payment", "hint"), Line("F6  load an order by its no", "hint"), Line("F7  \(layout.businessTitle.lowercased())", "hint")]
            } else {
                lines += [Line("F9  take the payment", "hint")]
            }
            if footer == nil { footer = Line(sale.order == nil ? "Ring up: Tab moves between item, quantity and price; Enter adds the line." : "Order loaded.", "hint") }
            return PaymentPanel(lines: lines, footer: footer)
        case .paying:
            let code = scan.text
            var recognised = Line("Alipay · WeChat Pay · UnionPay codes", "hint")
            if let channel = ScanCode.recognise(code) {
                recognised = Line("→ \(channel.displayName) code (\(code.count) digits)", "channel")
            } else if let channel = ScanCode.likely(code) {
                recognised = Line("→ \(channel.displayName)?  \(code.count) digits so far", "hint")
            } else if !code.isEmpty {
                recognised = Line("no channel starts with \(code.prefix(2))", "error")
            }
            var lines = [Line("Amount due  \(due)", "total"), Line("Scan", "label"), recognised, Line(""),
                         Line("Q  pay code for the customer"), Line("C  card"), Line("W  wallet")]
            if let override { lines += [Line(""), Line("Allowed by \(override.name) while an earlier", "status.pending"),
                                        Line("payment is unconfirmed", "status.pending")] }
            if app.gateway == nil { lines.append(Line("payment service not connected", "error")) }
            if footer == nil { footer = Line("Scan the customer's payment code (or type it and press Enter), or choose Q, C or W.", "hint") }
            return PaymentPanel(lines: lines, scanLine: 1, footer: footer)
        case .working(let label):
            return PaymentPanel(lines: [Line("Amount due  \(due)", "total"), Line(""), Line("\(app.spinner.frame) \(label)", "status.pending")],
                                footer: Line("Waiting for the payment service…", "hint"))
        case .waiting(let serial, let payCode, let method, let deadline, _, let unknown):
            let left = max(0, deadline.milliseconds - app.clock.now().milliseconds) / 1000
            let countdown = "\(left / 60):" + String(format: "%02lld", left % 60)
            var lines = [Line("Amount due  \(due)", "total"), Line(""),
                         Line("\(app.spinner.frame) \(unknown ? "Checking with the channel" : "Waiting for the customer")  \(countdown)", "status.pending"),
                         Line(method), Line("Serial \(serial)", "hint")]
            if let payCode { lines += [Line("Customer scans:", "label"), Line(payCode, "channel")] }
            return PaymentPanel(lines: lines, footer: Line(unknown ? "No answer yet from the channel: do not take the money again." : "The customer is confirming on their phone. R checks now.", "hint"))
        case .paid(let serial, let channelSerial, let method, let receipt, let path):
            var lines = [Line("✔ PAID  \(due)", "status.paid"), Line(method), Line(""), Line("Serial", "label"), Line(serial),
                         Line("Channel serial", "label"), Line(channelSerial)]
            if let path { lines += [Line("Receipt saved", "label"), Line(URL(fileURLWithPath: path).lastPathComponent, "hint")] }
            return PaymentPanel(lines: lines, footer: Line("Paid. Enter starts a new sale.", "status.paid"), receipt: receipt.lines)
        case .declined(let sentence, let code):
            var lines = [Line("✘ NOT PAID", "status.failed")]
            lines += sentence.wrapped(toWidth: max(10, width - 2)).map { Line($0) }
            if let code { lines.append(Line("code \(code.rawValue)", "hint")) }
            lines += [Line(""), Line("F9  try again or another method", "hint"), Line("F12 cancel the sale", "hint")]
            return PaymentPanel(lines: lines, footer: Line("Not paid: \(sentence)", "status.failed"))
        case .unresolved(let serial, _, let reason):
            var lines = [Line("? NOT CONFIRMED", "status.pending")]
            lines += reason.wrapped(toWidth: max(10, width - 2)).map { Line($0) }
            guard let serial else {
                return PaymentPanel(lines: lines, footer: footer ?? Line("Not confirmed yet: look the order up later (F3).", "status.pending"))
            }
            lines += [Line("Serial \(serial)", "hint"), Line(""), Line("R   ask the channel now", "hint"),
                      Line("S   supervisor: allow another payment", "hint"), Line("F12 new sale (the center settles it)", "hint")]
            return PaymentPanel(lines: lines, footer: footer ?? Line("Not confirmed: do not charge again. R asks the channel, S calls a supervisor.", "status.pending"))
        case .notConnected:
            let text = "This console is not connected to the payment service, so it cannot take payments. Nothing was charged."
            var lines = [Line("✘ PAYMENT SERVICE NOT CONNECTED", "status.failed")]
            lines += text.wrapped(toWidth: max(10, width - 2)).map { Line($0) }
            return PaymentPanel(lines: lines, footer: Line("payment service not connected", "error"))
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        let panelWidth = max(34, area.width * 2 / 5) - 2
        table.showsCursor = sale.order == nil && !sale.items.isEmpty
        let regions = layout.render(sale: sale, panel: panel(app: app, width: panelWidth), table: &table, into: &buffer,
                                    area: area, theme: theme, unicode: app.terminal.supportsUnicode)
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

    func renderEntry(into buffer: inout ScreenBuffer, row: Rect, theme: Theme) -> (x: Int, y: Int)? {
        let label = theme["label"]
        let active: Bool
        if case .ringing = phase { active = true } else { active = false }
        let nameWidth = max(8, row.width - 5 - 5 - 5 - 7 - 11)
        var x = row.x
        x += buffer.put("Item ", x: x, y: row.y, style: label)
        let nameX = name.render(into: &buffer, x: x, y: row.y, width: nameWidth, style: active && entryFocus == 0 ? theme["field.focus"] : theme["field"],
                                placeholderStyle: theme["field"])
        x += nameWidth
        x += buffer.put(" Qty ", x: x, y: row.y, style: label)
        let quantityX = quantity.render(into: &buffer, x: x, y: row.y, width: 5, style: active && entryFocus == 1 ? theme["field.focus"] : theme["field"],
                                        placeholderStyle: theme["field"])
        x += 5
        x += buffer.put(" Price ", x: x, y: row.y, style: label)
        let priceX = price.render(into: &buffer, x: x, y: row.y, width: min(11, row.maxX - x), style: active && entryFocus == 2 ? theme["field.focus"] : theme["field"],
                                  placeholderStyle: theme["field"])
        guard active else { return nil }
        return [(nameX, row.y), (quantityX, row.y), (priceX, row.y)][entryFocus]
    }

    func renderCard(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) -> (x: Int, y: Int)? {
        guard var form = card else { return nil }
        let box = area.centered(width: 46, height: 10)
        let body = theme["dialog"]
        buffer.fill(box, style: body)
        buffer.box(box, style: body, title: "Card payment · \(sale.total.displayString)", titleStyle: theme["dialog.title"])
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
