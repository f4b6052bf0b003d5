import PayCore

/// The payment a risk decision is asked for.
public struct RiskRequest: Sendable, Hashable {
    public var businessLine: BusinessLineCode
    public var method: PaymentMethod
    public var amount: Money
    public var customerId: String?

    public init(businessLine: BusinessLineCode, method: PaymentMethod, amount: Money, customerId: String? = nil) {
        self.businessLine = businessLine
        self.method = method
        self.amount = amount
        self.customerId = customerId
    }
}
