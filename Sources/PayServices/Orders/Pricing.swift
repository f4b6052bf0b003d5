import Foundation
import PayCore

/// The business lines' pricing, applied when an order is created, wherever it is created (the
/// console's checkout, `paydesk order create --attr …`): the order's attributes ask for add-ons,
/// the line's layout says which apply.
/// - flight: `insurance=yes` adds the travel insurance premium per passenger (`passengers`,
///   comma separated, at least one) as a line and a sub-order owed to the insurer's account;
/// - hotel: `deposit=AMOUNT` adds the refundable deposit as a line; the stay dates
///   (`checkIn`, `checkOut`, YYYY-MM-DD) must make at least one night when given.
/// The given amount is the goods' total; the add-ons raise it.
public enum Pricing {
    /// The insurance premium per passenger, in minor units of the order's currency.
    public static let insurancePremiumMinorUnits: Int64 = 3000
    /// The merchant account the insurance share is settled to.
    public static let insurerAccount = "insurer"
    public static let insuranceItemName = "航空意外险 Travel insurance"
    public static let depositItemName = "押金 Deposit (refundable)"

    /// The draft with the add-ons of its line's `layout` applied; checks the attributes they read.
    public static func apply(_ draft: OrderDraft, layout: String) throws(PayError) -> OrderDraft {
        var draft = draft
        let attributes = draft.attributes
        switch layout {
        case "flight":
            guard let premium = premium(attributes, currency: draft.amount.currency) else { return draft }
            let count = Int64(max(1, passengers(attributes).count))
            // why only with items: an order given without items is a bare amount; its items would not sum.
            if !draft.items.isEmpty {
                draft.items.append(try LineItem(name: insuranceItemName, quantity: count,
                                                unitPrice: Money(minorUnits: insurancePremiumMinorUnits, currency: draft.amount.currency)))
            }
            draft.amount = try draft.amount.adding(premium)
            draft.subOrders.append(try SubOrder(merchantAccount: insurerAccount, amount: premium))
        case "hotel":
            if value(attributes, "checkIn") != nil || value(attributes, "checkOut") != nil, nights(attributes) == nil {
                throw PayError.invalidInput("stay: check-out must be a date (YYYY-MM-DD) after check-in")
            }
            if let text = value(attributes, "deposit") {
                let deposit = try Money.parse(text, currency: draft.amount.currency, field: "deposit")
                if deposit.isPositive {
                    if !draft.items.isEmpty {
                        draft.items.append(try LineItem(name: depositItemName, quantity: 1, unitPrice: deposit))
                    }
                    draft.amount = try draft.amount.adding(deposit)
                }
            }
        default:
            break
        }
        return draft
    }

    /// The passengers named in `passengers`, comma separated.
    public static func passengers(_ attributes: [String: String]) -> [String] {
        (attributes["passengers"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The insurance premium when `insurance=yes`: per passenger, at least one.
    public static func premium(_ attributes: [String: String], currency: Currency) -> Money? {
        guard attributes["insurance"] == "yes" else { return nil }
        let count = Int64(max(1, passengers(attributes).count))
        return Money(minorUnits: insurancePremiumMinorUnits * count, currency: currency)
    }

    /// Nights between check-in and check-out, when both dates parse and check-out is later.
    public static func nights(_ attributes: [String: String]) -> Int? {
        guard let from = value(attributes, "checkIn"), let to = value(attributes, "checkOut"),
              let start = try? Timestamp.parse(from, field: "check-in"), let end = try? Timestamp.parse(to, field: "check-out"),
              end > start else { return nil }
        return Int((end.milliseconds - start.milliseconds) / 86_400_000)
    }

    /// The deposit when `deposit` is a positive amount.
    public static func deposit(_ attributes: [String: String], currency: Currency) -> Money? {
        guard let text = value(attributes, "deposit"), let money = try? Money.parse(text, currency: currency, field: "deposit"),
              money.isPositive else { return nil }
        return money
    }

    /// An attribute's value; an empty one counts as not given (as in the console's fields).
    static func value(_ attributes: [String: String], _ key: String) -> String? {
        guard let value = attributes[key], !value.isEmpty else { return nil }
        return value
    }
}

extension OrderService {
    /// The draft with its business line's pricing applied (`Pricing`); `notFound` for a line
    /// the store does not have.
    public func priced(_ draft: OrderDraft) throws(PayError) -> OrderDraft {
        guard let line = try BusinessLineService(context).all().first(where: { $0.code == draft.businessLine }) else {
            throw PayError.notFound("business line '\(draft.businessLine)': not found")
        }
        return try Pricing.apply(draft, layout: line.layout)
    }
}
