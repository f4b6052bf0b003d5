import PayCore
import TUIKit

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

/// A business detail the cashier fills in for a layout (guest, stay dates, passengers …).
public struct CheckoutField: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case text, date, money, toggle }
    public let key: String
    public let label: String
    public let kind: Kind
    public let placeholder: String

    public init(_ key: String, _ label: String, kind: Kind = .text, placeholder: String = "") {
        self.key = key
        self.label = label
        self.kind = kind
        self.placeholder = placeholder
    }
}

/// What the checkout screen puts in the payment section: styled lines, and the line where the
/// scan field goes (when the scan field is live).
public struct PaymentPanel: Sendable {
    public struct Line: Sendable {
        public var text: String
        public var style: String
        public init(_ text: String, _ style: String = "body") { self.text = text; self.style = style }
    }
    public var lines: [Line]
    public var scanLine: Int?
    public var footer: Line?
    /// The receipt to show in place of the line items, once paid.
    public var receipt: [String]?

    public init(lines: [Line] = [], scanLine: Int? = nil, footer: Line? = nil, receipt: [String]? = nil) {
        self.lines = lines
        self.scanLine = scanLine
        self.footer = footer
        self.receipt = receipt
    }
}

/// Where a layout put the parts the screen fills in itself (text fields).
public struct CheckoutRegions: Sendable {
    public var entryRow: Rect?
    public var scanField: Rect?
    public var itemsArea: Rect
}
