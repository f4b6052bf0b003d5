import PayCore

/// How the cashier takes the money for one order.
public enum CheckoutPaymentMethod: Hashable, Sendable {
    /// The customer's payment code, read by the scanner; the channel follows from its prefix.
    case barcode(authCode: String)
    /// A pay code the customer scans with their app (alipay, wechat or unionpay).
    case payCode(PaymentMethod)
    /// A card typed in by the cashier. Held only for the one call; never stored or shown whole.
    case card(CardEntry)
    /// Apple Pay: the device's card (number, expiry, CVC as the sandbox takes them), through the
    /// card acquirers. Held only for the one call, like a card.
    case applePay(CardEntry)
    /// PayPal, charged to the customer's PayPal account (the order's customer).
    case paypal(customerId: String?)
    /// The store's own stored-value wallet.
    case wallet(customerId: String?)

    /// A short label for the screen and the receipt ("WeChat Pay code", "card 424242…4242").
    public var label: String {
        switch self {
        case .barcode(let code): return "\(ScanCode.recognise(code)?.displayName ?? "Payment") code"
        case .payCode(let method): return "\(ScanCode.Channel(method: method)?.displayName ?? method.rawValue) pay code"
        case .card(let card): return "card \(card.maskedNumber)"
        case .applePay(let card): return "Apple Pay \(card.maskedNumber)"
        case .paypal: return "PayPal"
        case .wallet: return "wallet"
        }
    }
}
