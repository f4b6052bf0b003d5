import PayCore

/// How the cashier takes the money for one order.
public enum CheckoutPaymentMethod: Hashable, Sendable {
    /// The customer's payment code, read by the scanner; the channel follows from its prefix.
    case barcode(authCode: String)
    /// A pay code the customer scans with their app (alipay, wechat or unionpay).
    case payCode(PaymentMethod)
    /// A card typed in by the cashier. Held only for the one call; never stored or shown whole.
    case card(CardEntry)
    /// The store's own stored-value wallet.
    case wallet(customerId: String?)

    /// A short label for the screen and the receipt ("WeChat Pay code", "card 424242…4242").
    public var label: String {
        switch self {
        case .barcode(let code): return "\(ScanCode.recognise(code)?.displayName ?? "Payment") code"
        case .payCode(let method): return "\(ScanCode.Channel(method: method)?.displayName ?? method.rawValue) pay code"
        case .card(let card): return "card \(card.maskedNumber)"
        case .wallet: return "wallet"
        }
    }
}

/// A card as typed. Its description never shows the number or the CVC.
public struct CardEntry: Hashable, Sendable, CustomStringConvertible {
    public let number: String
    public let expiry: String
    public let cvc: String

    public init(number: String, expiry: String, cvc: String) {
        self.number = number
        self.expiry = expiry
        self.cvc = cvc
    }

    /// First 6 and last 4 digits, the rest hidden.
    public var maskedNumber: String {
        guard number.count > 10 else { return String(repeating: "•", count: number.count) }
        return number.prefix(6) + "…" + number.suffix(4)
    }

    public var description: String { "card \(maskedNumber)" }
}

/// What the payment core answered.
public enum CheckoutOutcome: Hashable, Sendable {
    /// Paid: the center's payment serial and the channel's serial.
    case succeeded(serial: String, channelSerial: String)
    /// The customer has not finished (a pay code to scan, "user is paying"); poll the serial.
    /// `payCode` is the code to show the customer, when there is one.
    case pending(serial: String, payCode: String?)
    /// The channel or risk said no. `code` is the machine code, `reason` the channel's words.
    case declined(code: String?, reason: String)
    /// Risk wants a one-time code; `hint` says where it was sent ("SMS to 138****0000").
    case challenge(hint: String)
    /// It may or may not have gone through (a timeout); the core resolves it by query, never the cashier.
    case unknown(serial: String?, reason: String)
}

/// The payment core, as the checkout sees it: the console holds no payment logic and reaches the
/// core only through this. Calls run off the main actor so a key press never waits on a channel.
/// Wired by the composition root; with none, the checkout says "payment service not connected".
public protocol CheckoutPaymentGateway: Sendable {
    /// Pays `order` by `method`, with the one-time code when a challenge asked for one.
    func pay(order: Order, method: CheckoutPaymentMethod, otp: String?, operator actor: Actor) async -> CheckoutOutcome
    /// The current state of a payment that answered pending or unknown.
    func poll(serial: String) async -> CheckoutOutcome
}
