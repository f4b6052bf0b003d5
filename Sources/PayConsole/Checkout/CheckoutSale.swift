import PayCore

/// The sale on the checkout screen as a layout draws it: the business line, the items rung up,
/// the business details, and the order once it exists in the store.
public struct CheckoutSale: Sendable {
    public var line: BusinessLine
    public var items: [LineItem]
    public var attributes: [String: String]
    public var order: Order?
    /// The lines the details add before the order exists (a hotel's deposit, a flight's
    /// insurance), as the service's pricing previews them: the total follows the details as they
    /// are entered.
    public var addOns: [LineItem] = []

    public init(line: BusinessLine, items: [LineItem] = [], attributes: [String: String] = [:], order: Order? = nil) {
        self.line = line
        self.items = items
        self.attributes = attributes
        self.order = order
    }

    public var currency: Currency { order?.amount.currency ?? line.defaultCurrency }

    /// The order's amount once it exists; before, the items with the details' add-ons (zero on
    /// overflow, which creating the order then reports).
    public var total: Money {
        if let order { return order.amount }
        return Self.sum(items + addOns, currency)
    }

    /// The items' sum alone: the amount the order is asked for (the service adds the add-ons).
    public var goodsTotal: Money { Self.sum(items, currency) }

    /// The details typed by the line's layout: the order's once it exists, else what the cashier
    /// entered so far (nothing that does not check out: each entry is checked as it is made).
    public var details: LineDetails {
        if let order { return LineDetails(stored: order.attributes, currency: order.amount.currency) }
        return (try? LineDetails.parse(attributes.filter { $0.key != "customer" }, layout: line.layout, currency: currency,
                                       complete: false)) ?? .none
    }

    static func sum(_ items: [LineItem], _ currency: Currency) -> Money {
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
