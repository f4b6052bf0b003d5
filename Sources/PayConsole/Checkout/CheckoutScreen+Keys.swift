import Foundation
import PayCore
import PayServices
import TUIKit

/// The checkout's keys, by step: ringing up, taking the payment, typing a card.
extension CheckoutScreen {
    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        if till != nil { return handleTill(key, app: app) }
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

    /// The field that has the focus while ringing up.
    var focusedEntry: TextField {
        switch entryFocus {
        case 0: return name
        case 1: return quantity
        default: return price
        }
    }

    func handleRinging(_ key: Key, app: ConsoleApp) -> Bool {
        // why: `?` and `/` are the console's help and find keys; typed into a field that holds
        // text they are text (an item named "1/2 price"), so only an empty field gives them up.
        if key == .character("?") || key == .character("/"), sale.order != nil || focusedEntry.isEmpty {
            if key == .character("/") { loadOrder(app); return true }
            return false
        }
        switch key {
        case .function(6): loadOrder(app); return true
        case .function(7):
            if sale.order != nil { askCustomer(app); return true }
            editDetails(app)
            return true
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

    func handlePaying(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .enter, .function(9):
            submitScan(app)
            return true
        case .escape:
            phase = .ringing
            return true
        case .function(7):
            askCustomer(app)
            return true
        case .character(let typed) where !(typed.isASCII && typed.isNumber):
            // why: a scanner types digits only; a letter in the middle of a code is a slip of the
            // cashier's hand and must not open a payment method, so the letters work on an empty field.
            guard scan.isEmpty else {
                error = "the scan field takes digits only: finish the code and press Enter, or Ctrl-U clears it"
                return true
            }
            return handleMethodKey(typed, app: app)
        default:
            let outcome = scan.handle(key)
            if outcome == .edited { error = nil }
            return outcome != .ignored
        }
    }

    /// A payment method's letter on an empty scan field (`?` and `/` go to help and find).
    func handleMethodKey(_ typed: Character, app: ConsoleApp) -> Bool {
        switch Character(typed.lowercased()) {
        case "q": choosePayCode(app)
        case "c": card = CardForm()
        case "a": card = CardForm(applePay: true)
        case "w": payWithCustomer(app) { .wallet(customerId: $0) }
        case "p": payWithCustomer(app) { .paypal(customerId: $0) }
        case "/": loadOrder(app)
        case "?": return false
        default:
            error = "\(typed): not a key here — digits for a payment code, or Q, C, A, W, P"
        }
        return true
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
            let entry = CardEntry(number: number, expiry: expiry, cvc: cvc)
            pay(form.applePay ? .applePay(entry) : .card(entry), app: app)
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
}
