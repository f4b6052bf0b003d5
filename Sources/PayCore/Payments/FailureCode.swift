/// Why a payment did not go through, as a type: the contract between the payment core and the
/// screens (carried in the checkout's outcome and in `PayError.failure`). The raw value is the
/// code support sees ("code INSUFFICIENT_FUNDS"); the console's wording table is keyed by the case,
/// so every code has its sentence. A wrong one-time code is not a bank decline.
public enum FailureCode: String, Sendable, CaseIterable, Hashable {
    /// The customer's bank or wallet said no (no more precise reason given).
    case bankDeclined = "DECLINED"
    case insufficientFunds = "INSUFFICIENT_FUNDS"
    case expiredCard = "EXPIRED_CARD"
    case wrongCVC = "INCORRECT_CVC"
    case invalidCard = "INVALID_CARD"
    /// The customer's payment code (barcode) was refused or has expired.
    case authCodeInvalid = "AUTH_CODE_INVALID"
    case authCodeExpired = "AUTH_CODE_EXPIRED"
    /// A risk rule blocked the payment before any channel was called.
    case riskBlocked = "RISK_BLOCKED"
    /// The one-time code typed was wrong (the bank was never asked).
    case wrongOneTimeCode = "OTP_INVALID"
    /// The one-time code expired, its tries ran out or it was used: a new challenge is needed.
    case oneTimeCodeExpired = "OTP_EXPIRED"
    /// The channel failed (a system error on its side, not the customer's bank): nothing was charged.
    case system = "SYSTEM"
    case channelUnavailable = "CHANNEL_UNAVAILABLE"
    case orderClosed = "ORDER_CLOSED"
    case orderPaid = "ORDER_PAID"
    /// No payment service is connected to this console.
    case notConnected = "NOT_CONNECTED"
    /// The channel never received the payment: nothing was charged.
    case notFound = "NOT_FOUND"
    /// Refused before any channel was called: an earlier payment of the order is not confirmed yet.
    case unconfirmedPayment = "UNCONFIRMED"
    /// Refused before anything ran: the idempotency key was used for a request with other parameters.
    case idempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
    /// Refused before anything ran: the first request under the idempotency key is still running.
    case idempotencyKeyInUse = "IDEMPOTENCY_KEY_IN_USE"
    /// Refused before any channel was called: the method (wallet, PayPal, a one-time code) needs
    /// the customer, and the order names none.
    case customerRequired = "CUSTOMER_REQUIRED"

    /// The typed code of a channel's or the core's code text, with the spellings channels use
    /// ("CARD_EXPIRED", "WRONG_CVC", "LUHN"); nil for a code PayDesk does not know.
    public init?(code: String) {
        let upper = code.uppercased()
        if let known = FailureCode(rawValue: upper) { self = known; return }
        switch upper {
        case "CARD_EXPIRED": self = .expiredCard
        case "WRONG_CVC": self = .wrongCVC
        case "LUHN": self = .invalidCard
        case "INSUFFICIENT_BALANCE": self = .insufficientFunds
        case "SYSTEM_ERROR": self = .system
        default: return nil
        }
    }
}

extension PayError {
    /// This error tagged with the request argument it is about ("customer", "otp"), named in words
    /// in the message; the command line adds the flag (`--customer`), the console does not.
    public func about(_ argument: String) -> PayError {
        var error = self
        error.argument = argument
        return error
    }

    /// This error with its typed failure code (and the thing it is about, e.g. a payment serial).
    public func failing(_ code: FailureCode, subject: String? = nil) -> PayError {
        var error = self
        error.failure = code
        error.subject = subject
        return error
    }
}
