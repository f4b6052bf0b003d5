import Foundation
import PayCore

/// The business lines' pricing, applied when an order is created, wherever it is created (the
/// console's checkout, `paydesk order create --attr …`, the API's `attributes`): the order's
/// details (`LineDetails`, checked against the line's layout) ask for add-ons.
/// - flight: `insurance=yes` adds the travel insurance premium per passenger (`passengers`,
///   comma separated, at least one) as a line and a sub-order owed to the insurer's account;
/// - hotel: `deposit=AMOUNT` adds the refundable deposit as a line.
/// The given amount is the goods' total; the add-ons raise it.
public enum Pricing {
    /// The insurance premium per passenger, in minor units of the order's currency.
    public static let insurancePremiumMinorUnits: Int64 = 3000
    /// The merchant account the insurance share is settled to.
    public static let insurerAccount = "insurer"
    public static let insuranceItemName = "航空意外险 Travel insurance"
    public static let depositItemName = "押金 Deposit (refundable)"

    /// The draft with its details checked against `layout` (stored in their normal form) and the
    /// add-ons they ask for applied. `complete: false` is the checkout's preview while the
    /// cashier fills the details in: a stay with one end given yet passes.
    public static func apply(_ draft: OrderDraft, layout: String, complete: Bool = true) throws(PayError) -> OrderDraft {
        // why: most orders carry no details; they cost no parsing and no allocation here.
        if draft.attributes.isEmpty, LineDetails.fields(layout: layout).isEmpty || !complete { return draft }
        var draft = draft
        let currency = draft.amount.currency
        let details = try LineDetails.parse(draft.attributes, layout: layout, currency: currency, complete: complete)
        draft.attributes = details.attributes
        for addOn in try addOns(details, currency: currency) {
            let total = try addOn.total()
            // why only with items: an order given without items is a bare amount; its items would not sum.
            if !draft.items.isEmpty { draft.items.append(addOn) }
            draft.amount = try draft.amount.adding(total)
            if addOn.name == insuranceItemName { draft.subOrders.append(try SubOrder(merchantAccount: insurerAccount, amount: total)) }
        }
        return draft
    }

    /// The lines the details add to the bill: a hotel's deposit, a flight's insurance per passenger.
    public static func addOns(_ details: LineDetails, currency: Currency) throws(PayError) -> [LineItem] {
        switch details {
        case .hotel(let stay):
            guard let deposit = stay.deposit else { return [] }
            return [try LineItem(name: depositItemName, quantity: 1, unitPrice: deposit)]
        case .flight(let booking) where booking.insurance:
            return [try LineItem(name: insuranceItemName, quantity: Int64(booking.insuredCount),
                                 unitPrice: Money(minorUnits: insurancePremiumMinorUnits, currency: currency))]
        default:
            return []
        }
    }
}

extension OrderService {
    /// The draft with its business line's pricing applied (`Pricing`); `notFound` for a line
    /// the store does not have, `invalidInput` naming the detail that does not fit the line.
    public func priced(_ draft: OrderDraft) throws(PayError) -> OrderDraft {
        try Pricing.apply(draft, layout: try layout(of: draft.businessLine))
    }

    /// What the order would come to with the details given so far (the checkout's total follows
    /// the details as the cashier enters them): the details checked as `priced` checks them,
    /// less what only a finished order needs (both ends of a stay, a policy's holder). Writes nothing.
    public func preview(_ draft: OrderDraft) throws(PayError) -> PricePreview {
        let layout = try layout(of: draft.businessLine)
        let priced = try Pricing.apply(draft, layout: layout, complete: false)
        let details = try LineDetails.parse(priced.attributes, layout: layout, currency: draft.amount.currency, complete: false)
        return PricePreview(amount: priced.amount, addOns: try Pricing.addOns(details, currency: draft.amount.currency),
                            subOrders: Array(priced.subOrders.dropFirst(draft.subOrders.count)))
    }

    func layout(of code: BusinessLineCode) throws(PayError) -> String {
        guard let line = try BusinessLineService(context).all().first(where: { $0.code == code }) else {
            throw PayError.notFound("business line '\(code)': not found")
        }
        return line.layout
    }
}

/// What a sale's details add to it before the order exists (`OrderService.preview`).
public struct PricePreview: Sendable, Equatable {
    /// The amount the order would be created with.
    public let amount: Money
    /// The lines the details add (a hotel's deposit, a flight's insurance).
    public let addOns: [LineItem]
    /// The sub-orders they add (insurance owed to the insurer).
    public let subOrders: [SubOrder]
}
