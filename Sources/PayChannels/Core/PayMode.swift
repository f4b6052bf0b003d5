/// How the customer pays on one attempt.
public enum PayMode: Hashable, Sendable {
    /// The cashier scanned the customer's payment code (barcode); the digits as scanned.
    case authCode(String)
    /// The center shows a pay code for the customer's app to scan.
    case payCode
    /// A card token from `CardAcquirerPlugin.tokenize`; `challengeCompleted` once the one-time code was checked.
    case cardToken(String, challengeCompleted: Bool)
    /// A PayPal buyer approval or a wallet customer: the channel charges the named payer.
    case account(String)
}
