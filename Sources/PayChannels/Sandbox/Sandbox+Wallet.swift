import Foundation
import PayCore

extension Sandbox {
    /// What the customer's wallet holds in `currency` now, as the till shows it before charging:
    /// the stored balance, or the opening balance of a customer the wallet has not seen yet.
    /// Reads only (the wallet opens the account on its first debit).
    public func balance(ofWallet customer: String, currency: Currency) throws(PayError) -> Money {
        let stored: Int64? = try read {
            try db.scalarInt("SELECT balance_minor FROM sandbox_wallets WHERE customer = ? AND currency = ?", [customer, currency.code])
        }
        let opening = Int64(pow(10.0, Double(currency.exponent))) * WalletSandbox.openingBalanceMajor
        return Money(minorUnits: stored ?? opening, currency: currency)
    }
}
