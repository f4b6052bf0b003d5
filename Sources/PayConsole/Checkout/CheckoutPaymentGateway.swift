import PayCore

/// The payment core, as the checkout sees it: the console holds no payment logic and reaches the
/// core only through this. Calls run off the main actor so a key press never waits on a channel.
/// Wired by the composition root; with none, the checkout says "payment service not connected".
public protocol CheckoutPaymentGateway: Sendable {
    /// Pays `order` by `method`, with the one-time code when a challenge asked for one.
    func pay(order: Order, method: CheckoutPaymentMethod, otp: String?, operator actor: Actor) async -> CheckoutOutcome
    /// The current state of a payment that answered pending or unknown.
    func poll(serial: String) async -> CheckoutOutcome
}
