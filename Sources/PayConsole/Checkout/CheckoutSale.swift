import PayCore

/// The sale on the checkout screen as a layout draws it: the business line, the items rung up,
/// the business details, and the order once it exists in the store.
public struct CheckoutSale: Sendable {
    public var line: BusinessLine
    public var items: [LineItem]
    public var attributes: [String: String]
    public var order: Order?

    public init(line: BusinessLine, items: [LineItem] = [], attributes: [String: String] = [:], order: Order? = nil) {
        self.line = line
        self.items = items
        self.attributes = attributes
        self.order = order
    }

    public var currency: Currency { order?.amount.currency ?? line.defaultCurrency }

    /// The order's amount once it exists; before, the sum of the items (zero on overflow, which
    /// creating the order then reports).
    public var total: Money {
        if let order { return order.amount }
        var sum = Money.zero(currency)
        for item in items {
            guard let lineTotal = try? item.total(), let next = try? sum.adding(lineTotal) else { return sum }
            sum = next
        }
        return sum
    }

    public func attribute(_ key: String) -> String? {
        guard let value = attributes[key], !value.isEmpty else { return nil }
        return value
    }
}
