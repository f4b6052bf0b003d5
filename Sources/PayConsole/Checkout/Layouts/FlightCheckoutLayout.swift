import Foundation
import PayCore

/// Flight booking: passengers, segments, and travel insurance sold as an add-on that becomes a
/// sub-order owed to the insurer's account.
public final class FlightCheckoutLayout: CheckoutLayout {
    /// The insurance premium per passenger, in minor units of the order's currency.
    public static let premiumMinorUnits: Int64 = 3000
    /// The merchant account the insurance share is settled to.
    public static let insurerAccount = "insurer"

    override public var name: String { "flight" }
    override public var businessTitle: String { "Passengers and flights" }
    override public var orderPrefix: String { "F" }
    override public var fields: [CheckoutField] {
        [CheckoutField("passengers", "Passengers", placeholder: "names, comma separated"),
         CheckoutField("segments", "Segments", placeholder: "PEK→SHA CA1501 2026-12-01"),
         CheckoutField("insurance", "Travel insurance", kind: .toggle)]
    }

    static func passengers(_ sale: CheckoutSale) -> [String] {
        (sale.attribute("passengers") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func premium(_ sale: CheckoutSale) -> Money? {
        guard sale.attribute("insurance") == "yes" else { return nil }
        let count = Int64(max(1, passengers(sale).count))
        return Money(minorUnits: premiumMinorUnits * count, currency: sale.currency)
    }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        let names = FlightCheckoutLayout.passengers(sale)
        var rows: [(String, String)] = [("Passengers", names.isEmpty ? "—" : "\(names.count): " + names.joined(separator: ", ")),
                                        ("Segments", sale.attribute("segments") ?? "—")]
        if let premium = FlightCheckoutLayout.premium(sale) {
            rows.append(("Insurance", "\(premium.displayString) add-on"))
            rows.append(("Sub-order", "\(premium.displayString) → \(FlightCheckoutLayout.insurerAccount)"))
        } else if let sub = sale.order?.subOrders.first {
            rows.append(("Insurance", "\(sub.amount.displayString) add-on"))
            rows.append(("Sub-order", "\(sub.amount.displayString) → \(sub.merchantAccount)"))
        } else {
            rows.append(("Insurance", "not added (F7)"))
        }
        return rows
    }

    override public func prepare(_ draft: OrderDraft, sale: CheckoutSale) throws(PayError) -> OrderDraft {
        var draft = draft
        guard let premium = FlightCheckoutLayout.premium(sale) else { return draft }
        let count = Int64(max(1, FlightCheckoutLayout.passengers(sale).count))
        draft.items.append(try LineItem(name: "航空意外险 Travel insurance", quantity: count,
                                        unitPrice: Money(minorUnits: FlightCheckoutLayout.premiumMinorUnits, currency: draft.amount.currency)))
        draft.amount = try draft.amount.adding(premium)
        draft.subOrders.append(try SubOrder(merchantAccount: FlightCheckoutLayout.insurerAccount, amount: premium))
        return draft
    }
}
