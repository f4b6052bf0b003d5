/// Puts a decline in words a cashier can say to a customer.
public enum FailureWording {
    static let byCode: [String: String] = [
        "DECLINED": "The customer's bank or wallet declined the payment.",
        "INSUFFICIENT_FUNDS": "Not enough money in the customer's account.",
        "EXPIRED_CARD": "The card has expired.",
        "CARD_EXPIRED": "The card has expired.",
        "INCORRECT_CVC": "The security code (CVC) is wrong.",
        "WRONG_CVC": "The security code (CVC) is wrong.",
        "INVALID_CARD": "The card number is not valid.",
        "LUHN": "The card number is not valid (mistyped?).",
        "AUTH_CODE_INVALID": "The payment code was not accepted; ask the customer to refresh it.",
        "AUTH_CODE_EXPIRED": "The payment code has expired; ask the customer to refresh it.",
        "RISK_BLOCKED": "The payment was blocked by a risk rule.",
        "OTP_INVALID": "The one-time code was wrong.",
        "OTP_EXPIRED": "The one-time code has expired.",
        "SYSTEM_ERROR": "The payment channel had a problem; try again or use another method.",
        "CHANNEL_UNAVAILABLE": "The payment channel cannot be reached; use another method.",
        "ORDER_CLOSED": "The order is closed and can no longer be paid.",
        "ORDER_PAID": "The order is already paid.",
        "NOT_CONNECTED": "The payment service is not connected to this console.",
        "NOT_FOUND": "The channel never received this payment: nothing was charged. You may take the payment again.",
    ]

    /// One plain sentence for a decline, keeping the channel's code for support.
    public static func sentence(code: String?, reason: String) -> String {
        if let code, let words = byCode[code.uppercased()] { return words }
        return reason.isEmpty ? "The payment did not go through." : reason
    }
}
