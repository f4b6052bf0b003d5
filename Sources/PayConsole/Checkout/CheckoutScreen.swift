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
    typealias Phase = CheckoutFlow.Phase

    /// The card being typed: number (first 6 and last 4 shown), expiry, CVC (hidden).
    struct CardForm {
        var number = TextField(filter: .digits, masking: .reveal(first: 6, last: 4), maxLength: 19, placeholder: "card number")
        var expiry = TextField(filter: .date, maxLength: 5, placeholder: "MM/YY")
        var cvc = TextField(filter: .digits, masking: .all, maxLength: 4, placeholder: "CVC")
        var focus = 0
        /// What is wrong with a field, shown beside it: (field index, words).
        var problem: (field: Int, text: String)?
        /// The card is the customer's Apple Pay card (charged as `apple-pay`, through the acquirers).
        var applePay = false

        init(applePay: Bool = false) { self.applePay = applePay }
    }

    var lines: [BusinessLine]
    var sale: CheckoutSale
    var layout: CheckoutLayout
    /// The payment steps (a pure state machine); the screen carries out its effects.
    var flow = CheckoutFlow()
    var phase: Phase {
        get { flow.phase }
        set { flow.phase = newValue }
    }
    var name = TextField(maxLength: 128, placeholder: "item name")
    var quantity = TextField(filter: .digits, maxLength: CheckoutScreen.quantityDigits, placeholder: "1")
    var price = TextField(filter: .decimal, maxLength: CheckoutScreen.priceCharacters, placeholder: "0.00")
    /// The longest quantity and unit price typed (99999; 99999999.99): the entry row shows them whole.
    static let quantityDigits = 5
    static let priceCharacters = 11
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
    /// The payment sent last whose answer said nothing final about it (the core failed after the
    /// channel may have been called): the same submit again goes under the same idempotency key,
    /// so it replays the first answer and never charges twice.
    var submitted: CheckoutSubmit?
    /// The wallet balance of the order's customer, as last asked (the payment step shows it).
    var wallet: (customer: String, balance: Money)?
    /// A paid sale loaded at the till (its receipt, refunds, void, reprints); nil while ringing up or paying.
    var till: TillState?

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

    var isWaitingForPayment: Bool { flow.isWaitingForPayment }

    /// What quitting or logging out would leave behind: a sale not paid (nil when there is none).
    var unpaidSaleWarning: String? {
        if case .paid = phase { return nil }
        if let order = sale.order {
            guard order.status == .created || order.status == .paying else { return nil }
            return "Sale \(order.orderNo) (\(sale.total.displayString)) is not paid: it stays open and expires by itself."
        }
        guard !sale.items.isEmpty else { return nil }
        return "The sale being rung up (\(sale.total.displayString)) is not paid: its items are lost."
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
        wallet = nil
        till = nil
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
        if till != nil { return tillHints }
        if card != nil { return [help, KeyHint("Tab", "Next"), KeyHint("Enter", "Charge"), KeyHint("Esc", "Cancel")] }
        switch phase {
        case .ringing:
            if sale.order != nil { return [help, KeyHint("F7", "Customer"), KeyHint("F9", "Pay"), KeyHint("F12", "NewSale")] }
            return [help, KeyHint("F2", "Checkout"), KeyHint("F3", "Orders"), KeyHint("F6", "Load"), KeyHint("F7", "Details"),
                    KeyHint("F8", "Void"), KeyHint("F9", "Pay"), KeyHint("F12", "NewSale")]
        case .paying:
            return [help, KeyHint("Enter", "Charge"), KeyHint("Q", "PayCode"), KeyHint("C", "Card"), KeyHint("A", "ApplePay"),
                    KeyHint("W", "Wallet"), KeyHint("P", "PayPal"), KeyHint("F7", "Customer"), KeyHint("Esc", "Back")]
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
        if till != nil { return tillHelp }
        switch phase {
        case .ringing:
            return [HelpOverlay.Section("Ring up", [
                KeyHint("Tab", "next field: item, quantity, price"), KeyHint("Enter", "next field; on price: add the line"),
                KeyHint("↑ ↓ PgUp PgDn", "move in the items"), KeyHint("F6", "load an order by order no or serial"),
                KeyHint("F7", "business details (\(layout.businessTitle.lowercased()))"), KeyHint("F8", "void the selected line"),
                KeyHint("F9", "take the payment"), KeyHint("F12", "cancel the sale, start a new one"),
                KeyHint("Ctrl-B", "choose the business line"), KeyHint("/", "find an order (on an empty field)"),
                KeyHint("Home End ← →", "move in the field; Del, Backspace, Ctrl-U/K/W edit")])]
        case .paying:
            return [HelpOverlay.Section("Take the payment", [
                KeyHint("digits Enter", "the customer's payment code (a scanner types it)"),
                KeyHint("", "Alipay 16–24 digits from 25–30, WeChat 18 from 10–15, UnionPay 19 from 62"),
                KeyHint("Q", "show a pay code (a QR code) for the customer to scan"), KeyHint("C", "card: number, expiry, CVC"),
                KeyHint("A", "Apple Pay: the card on the customer's phone"), KeyHint("W", "the customer's wallet (shows its balance)"),
                KeyHint("P", "PayPal: the customer's account"), KeyHint("F7", "attach or change the customer"),
                KeyHint("", "letters work while the scan field is empty"), KeyHint("Esc", "back to the items")])]
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
                        CommandPalette.Command(id: "checkout.load", title: "Load an order (F6)"),
                        CommandPalette.Command(id: "checkout.today", title: "Today's sales: refund, void, reprint")]
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
        case "checkout.today": newSale(); chooseTodaysSale(app); return true
        default: return false
        }
    }
}
