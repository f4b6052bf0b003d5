import PayCore

/// What the payment core answered.
public enum CheckoutOutcome: Hashable, Sendable {
    /// Paid: the center's payment serial and the channel's serial.
    case succeeded(serial: String, channelSerial: String)
    /// The customer has not finished (a pay code to scan, "user is paying"); poll the serial.
    /// `payCode` is the code to show the customer, when there is one.
    case pending(serial: String, payCode: String?)
    /// The channel, risk or the one-time code check said no. `code` says why, typed (a wrong
    /// one-time code is not a bank decline); `reason` is the core's words.
    case declined(code: FailureCode?, reason: String)
    /// Risk wants a one-time code; `hint` says where it was sent ("SMS to 138****0000").
    case challenge(hint: String)
    /// It may or may not have gone through (a timeout); the core resolves it by query, never the cashier.
    case unknown(serial: String?, reason: String)
    /// Refused before any channel was called: an earlier payment of the order (`serial`) is still
    /// unconfirmed, so another charge could take the money twice. `reason` is the core's words.
    case unconfirmed(serial: String, reason: String)
}
