import PayCore

/// The payment core, as the checkout sees it: the console holds no payment logic and reaches the
/// core only through this. Calls run off the main actor so a key press never waits on a channel.
/// Wired by the composition root; with none, the checkout says "payment service not connected".
public protocol CheckoutPaymentGateway: Sendable {
    /// Pays `order` by `method`, with the one-time code when a challenge asked for one, and the
    /// supervisor (logged in) who allowed it while an earlier payment of the order is unconfirmed.
    /// `key` is the checkout attempt's idempotency key: the same key again answers the first
    /// attempt's outcome and charges nothing more.
    func pay(order: Order, method: CheckoutPaymentMethod, otp: String?, override: Actor?, key: String,
             operator actor: Actor) async -> CheckoutOutcome
    /// The current state of a payment that answered pending or unknown.
    func poll(serial: String) async -> CheckoutOutcome
    /// Asks the channel now about an unconfirmed payment (as `query --refresh` does), then
    /// answers its state; `unconfirmed` with the reason when the channel could not be asked.
    func checkWithChannel(serial: String, operator actor: Actor) async -> CheckoutOutcome
    /// What the customer's stored-value wallet holds in `currency`; nil when it cannot be told.
    func walletBalance(customer: String, currency: Currency) async -> Money?
}

extension CheckoutPaymentGateway {
    /// A gateway with no wallet to ask shows no balance.
    public func walletBalance(customer: String, currency: Currency) async -> Money? { nil }
}
