/// One line of an order: what was sold, how many, at what unit price.
public struct LineItem: Hashable, Sendable {
    public let name: String
    public let quantity: Int64
    public let unitPrice: Money

    /// A card number or code typed into the name is masked (`CardNumberMask`).
    public init(name: String, quantity: Int64, unitPrice: Money) throws(PayError) {
        let name = CardNumberMask.mask(name)
        if name.trimmingSpaces.isEmpty { throw PayError.invalidInput("item name: empty") }
        if name.count > 128 { throw PayError.invalidInput("item name '\(name.prefix(20))…': at most 128 characters") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw PayError.invalidInput("item name '\(name)': control characters are not allowed")
        }
        if quantity <= 0 { throw PayError.invalidInput("item '\(name)': quantity \(quantity) must be at least 1") }
        self.name = name
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    /// quantity × unit price, throwing on overflow.
    public func total() throws(PayError) -> Money { try unitPrice.multiplied(by: quantity) }
}

/// A share of the order owed to one merchant account (flight + insurance, split settlement).
public struct SubOrder: Hashable, Sendable {
    public let merchantAccount: String
    public let amount: Money

    public init(merchantAccount: String, amount: Money) throws(PayError) {
        try IdentifierRules.check(merchantAccount, field: "sub-order account", maxLength: 64)
        if !amount.isPositive { throw PayError.invalidInput("sub-order '\(merchantAccount)': amount must be above zero") }
        self.merchantAccount = merchantAccount
        self.amount = amount
    }
}

/// What a caller asks for when creating an order; `validated()` checks it as a whole.
public struct OrderDraft: Hashable, Sendable {
    public var businessLine: BusinessLineCode
    public var orderNo: MerchantOrderNo
    public var amount: Money
    public var customerId: String?
    public var items: [LineItem]
    public var subOrders: [SubOrder]
    /// How long the order may wait for payment, in milliseconds (default 30 minutes).
    public var expiresInMilliseconds: Int64
    /// The business line's details (guest and stay, passengers and segments …) as stored:
    /// `LineDetails` types and checks them (`Pricing.apply` on every way an order is made).
    public var attributes: [String: String]

    public static let defaultExpiry: Int64 = 30 * 60 * 1000
    /// The largest amount an order may hold, in minor units (1,000,000,000,000.00 CNY). why: every
    /// sum the center and the channels make of amounts (fees in basis points, a customer's spend,
    /// an order's refunds, the store's checks) then stays far inside `Int64`.
    public static let maxAmountMinor: Int64 = 100_000_000_000_000
    /// How long an order may wait for payment: a second to a year.
    public static let expiryRange: ClosedRange<Int64> = 1000...(366 * 86_400_000)

    public init(businessLine: BusinessLineCode, orderNo: MerchantOrderNo, amount: Money,
                customerId: String? = nil, items: [LineItem] = [], subOrders: [SubOrder] = [],
                expiresInMilliseconds: Int64 = OrderDraft.defaultExpiry, attributes: [String: String] = [:]) {
        self.businessLine = businessLine
        self.orderNo = orderNo
        self.amount = amount
        self.customerId = customerId
        self.items = items
        self.subOrders = subOrders
        self.expiresInMilliseconds = expiresInMilliseconds
        self.attributes = attributes
    }

    /// The request as one canonical text (each field length-prefixed, so no value can pass for
    /// another): what an idempotency key is bound to.
    public var canonical: String {
        func field(_ name: String, _ value: String) -> String { "\(name)=\(value.utf8.count):\(value)" }
        var fields = [field("business", businessLine.rawValue), field("order", orderNo.rawValue),
                      field("amount", "\(amount.minorUnits) \(amount.currency.code)"), field("customer", customerId ?? ""),
                      field("expires", String(expiresInMilliseconds))]
        fields += items.map { field("item", "\($0.quantity) \($0.unitPrice.minorUnits) \($0.name)") }
        fields += subOrders.map { field("sub", "\($0.amount.minorUnits) \($0.merchantAccount)") }
        fields += attributes.sorted { $0.key < $1.key }.map { field("attribute", "\($0.key.utf8.count):\($0.key)\($0.value)") }
        return fields.joined(separator: "&")
    }

    /// Checks the rules an order must keep: a positive amount; items, if any, in the order's
    /// currency and summing to the amount; sub-orders in the currency and not above the amount.
    /// Returns the draft to store: card numbers typed into its free text (customer id, details)
    /// masked (`CardNumberMask`).
    public func validated() throws(PayError) -> OrderDraft {
        var draft = self
        draft.customerId = customerId.map(CardNumberMask.mask)
        draft.attributes = attributes.mapValues(CardNumberMask.mask)
        return try draft.checked()
    }

    private func checked() throws(PayError) -> OrderDraft {
        if !amount.isPositive { throw PayError.invalidInput("amount '\(amount.decimalString)': must be above zero") }
        guard amount.minorUnits <= Self.maxAmountMinor else {
            throw PayError.invalidInput("amount '\(amount.decimalString)': at most \(Money(minorUnits: Self.maxAmountMinor, currency: amount.currency))")
        }
        if let customerId {
            try IdentifierRules.check(customerId, field: "customer", maxLength: 64)
        }
        if !items.isEmpty {
            var sum = Money.zero(amount.currency)
            for item in items {
                guard item.unitPrice.currency == amount.currency else {
                    throw PayError.invalidInput("item '\(item.name)': price in \(item.unitPrice.currency), order in \(amount.currency)")
                }
                do {
                    sum = try sum.adding(item.total())
                } catch {
                    throw PayError.invalidInput("item '\(item.name)': \(item.quantity) × \(item.unitPrice.decimalString) and the items before it pass the largest amount \(Money(minorUnits: .max, currency: amount.currency).decimalString)")
                }
            }
            guard sum == amount else {
                throw PayError.invalidInput("items sum to \(sum.decimalString) \(amount.currency) but the amount is \(amount.decimalString)")
            }
        }
        if !subOrders.isEmpty {
            var sum = Money.zero(amount.currency)
            for sub in subOrders {
                guard sub.amount.currency == amount.currency else {
                    throw PayError.invalidInput("sub-order '\(sub.merchantAccount)': amount in \(sub.amount.currency), order in \(amount.currency)")
                }
                do {
                    sum = try sum.adding(sub.amount)
                } catch {
                    throw PayError.invalidInput("sub-orders sum past the largest amount \(Money(minorUnits: .max, currency: amount.currency).decimalString) at '\(sub.merchantAccount)'")
                }
            }
            guard sum <= amount else {
                throw PayError.invalidInput("sub-orders sum to \(sum.decimalString) \(amount.currency), above the amount \(amount.decimalString)")
            }
        }
        guard Self.expiryRange.contains(expiresInMilliseconds) else {
            throw PayError.invalidInput("expiry \(expiresInMilliseconds) ms: out of range; give from \(DurationText.describe(Self.expiryRange.lowerBound)) to \(DurationText.describe(Self.expiryRange.upperBound))")
        }
        return self
    }
}

/// A unified order as the store keeps it.
public struct Order: Hashable, Sendable {
    public let id: Int64
    public let serial: Serial
    public let businessLine: BusinessLineCode
    public let orderNo: MerchantOrderNo
    public let amount: Money
    public let customerId: String?
    public let items: [LineItem]
    public let subOrders: [SubOrder]
    public let attributes: [String: String]
    public let status: OrderStatus
    /// The channel the order is (being) paid through, once a payment was tried.
    public let channel: String?
    /// The operator who rang the order up (a cashier sees only their own sales).
    public let operatorName: String?
    public let paidAmount: Money
    public let refundedAmount: Money
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
    public let expiresAt: Timestamp

    public init(id: Int64, serial: Serial, businessLine: BusinessLineCode, orderNo: MerchantOrderNo, amount: Money,
                customerId: String?, items: [LineItem], subOrders: [SubOrder], attributes: [String: String],
                status: OrderStatus, channel: String?, operatorName: String? = nil, paidAmount: Money, refundedAmount: Money,
                createdAt: Timestamp, updatedAt: Timestamp, expiresAt: Timestamp) {
        self.id = id
        self.serial = serial
        self.businessLine = businessLine
        self.orderNo = orderNo
        self.amount = amount
        self.customerId = customerId
        self.items = items
        self.subOrders = subOrders
        self.attributes = attributes
        self.status = status
        self.channel = channel
        self.operatorName = operatorName
        self.paidAmount = paidAmount
        self.refundedAmount = refundedAmount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
    }

    /// Whether the same request would create this very order (idempotent `order create`).
    public func matches(_ draft: OrderDraft) -> Bool {
        businessLine == draft.businessLine && orderNo == draft.orderNo && amount == draft.amount
            && customerId == draft.customerId && items == draft.items && subOrders == draft.subOrders && attributes == draft.attributes
    }
}

extension String {
    var trimmingSpaces: Substring {
        var slice = self[...]
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return slice
    }
}
