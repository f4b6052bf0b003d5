import PayCore

/// Puts a decline in words a cashier can say to a customer: one sentence per `FailureCode`
/// (a switch, so a new code cannot go without its words).
public enum FailureWording {
    public static func words(_ code: FailureCode) -> String {
        switch code {
        case .bankDeclined: "The customer's bank or wallet declined the payment."
        case .insufficientFunds: "Not enough money in the customer's account."
        case .expiredCard: "The card has expired."
        case .wrongCVC: "The security code (CVC) is wrong."
        case .invalidCard: "The card number is not valid."
        case .authCodeInvalid: "The payment code was not accepted; ask the customer to refresh it."
        case .authCodeExpired: "The payment code has expired; ask the customer to refresh it."
        case .riskBlocked: "The payment was blocked by a risk rule."
        case .wrongOneTimeCode: "The one-time code was wrong; nothing was charged. Ask the customer for the code again."
        case .oneTimeCodeExpired: "The one-time code can no longer be used; take the payment again for a new code."
        case .system: "The payment channel had a problem; nothing was charged. Try again or use another method."
        case .channelUnavailable: "This payment method is not available right now; use another method."
        case .orderClosed: "The order is closed and can no longer be paid."
        case .orderPaid: "The order is already paid."
        case .notConnected: "The payment service is not connected to this console."
        case .notFound: "The channel never received this payment: nothing was charged. You may take the payment again."
        case .unconfirmedPayment: "An earlier payment of this order is not confirmed yet: nothing was charged now."
        case .idempotencyKeyReused: "This sale was already submitted with other details: nothing was charged now. Start the sale again."
        case .idempotencyKeyInUse: "This sale's first submit is still running: nothing was charged again. Wait, then look the order up."
        case .customerRequired: "This payment needs the customer: F7 attaches their customer id. Nothing was charged."
        }
    }

    /// One plain sentence for a decline: the code's words, else the core's reason.
    public static func sentence(code: FailureCode?, reason: String) -> String {
        if let code { return words(code) }
        return reason.isEmpty ? "The payment did not go through." : reason
    }
}
