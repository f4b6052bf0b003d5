/// A business line the center serves (retail, hotel, flight …): its checkout layout, its
/// currency, the methods it accepts and where it wants to hear about its orders.
public struct BusinessLine: Hashable, Sendable {
    public let code: BusinessLineCode
    public let name: String
    /// Which checkout layout the console uses: "retail", "hotel", "flight", "ticket", "insurance".
    public let layout: String
    public let defaultCurrency: Currency
    /// Methods accepted; empty means all.
    public let allowedMethods: [PaymentMethod]
    /// Where merchant notifications are POSTed; empty means none are sent.
    public let notifyURL: String
    public let notifySecret: String
    /// The merchant the line belongs to; nil for lines made before merchants existed (the demo's).
    public let merchantId: String?

    public init(code: BusinessLineCode, name: String, layout: String, defaultCurrency: Currency,
                allowedMethods: [PaymentMethod], notifyURL: String = "", notifySecret: String = "", merchantId: String? = nil) {
        self.merchantId = merchantId
        self.code = code
        self.name = name
        self.layout = layout
        self.defaultCurrency = defaultCurrency
        self.allowedMethods = allowedMethods
        self.notifyURL = notifyURL
        self.notifySecret = notifySecret
    }

    public func allows(_ method: PaymentMethod) -> Bool { allowedMethods.isEmpty || allowedMethods.contains(method) }
}

/// An account the center holds at a channel (a merchant id at Alipay, an acquirer contract):
/// the unit routing picks and the breaker guards.
public struct ChannelAccount: Hashable, Sendable {
    public let id: String
    public let channel: String
    public let merchantId: String?
    public let name: String
    public let currencies: [Currency]
    /// Fee rate in basis points (1/100 of a percent).
    public let feeRateBps: Int64
    /// Fixed fee per payment in minor units of the payment's currency.
    public let feeFixedMinor: Int64
    public let enabled: Bool
    /// Channel settings the center keeps: its own private key, the channel's public key, shared secrets.
    public let config: [String: String]

    public init(id: String, channel: String, merchantId: String?, name: String, currencies: [Currency],
                feeRateBps: Int64, feeFixedMinor: Int64, enabled: Bool, config: [String: String]) {
        self.id = id
        self.channel = channel
        self.merchantId = merchantId
        self.name = name
        self.currencies = currencies
        self.feeRateBps = feeRateBps
        self.feeFixedMinor = feeFixedMinor
        self.enabled = enabled
        self.config = config
    }

    /// The fee for a payment of `amount`: rate × amount rounded half up, plus the fixed part.
    public func fee(for amount: Money) -> Money {
        // why Int128: amount × basis points passes Int64 for the largest amounts; never a trap.
        let rated = (Int128(amount.minorUnits) * Int128(feeRateBps) + 5_000) / 10_000 + Int128(feeFixedMinor)
        return Money(minorUnits: Int64(clamping: rated), currency: amount.currency)
    }
}
