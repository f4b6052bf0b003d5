import Foundation
import PayCore
import PayServices

/// Flight booking: passengers, segments, and travel insurance sold as an add-on that becomes a
/// sub-order owed to the insurer's account (priced by `Pricing` when the order is created).
public final class FlightCheckoutLayout: CheckoutLayout {
    override public var name: String { "flight" }
    override public var businessTitle: String { "Passengers and flights" }
    override public var orderPrefix: String { "F" }
    override public var fields: [CheckoutField] {
        [CheckoutField("passengers", "Passengers", placeholder: "names, comma separated"),
         CheckoutField("segments", "Segments", placeholder: "PEK→SHA CA1501 2026-12-01"),
         CheckoutField("insurance", "Travel insurance", kind: .toggle)]
    }

    static func passengers(_ sale: CheckoutSale) -> [String] { Pricing.passengers(sale.attributes) }

    /// The premium the order will carry (priced by the service layer's `Pricing`).
    static func premium(_ sale: CheckoutSale) -> Money? { Pricing.premium(sale.attributes, currency: sale.currency) }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        let names = FlightCheckoutLayout.passengers(sale)
        var rows: [(String, String)] = [("Passengers", names.isEmpty ? "—" : "\(names.count): " + names.joined(separator: ", ")),
                                        ("Segments", sale.attribute("segments") ?? "—")]
        if let premium = FlightCheckoutLayout.premium(sale) {
            rows.append(("Insurance", "\(premium.displayString) add-on"))
            rows.append(("Sub-order", "\(premium.displayString) → \(Pricing.insurerAccount)"))
        } else if let sub = sale.order?.subOrders.first {
            rows.append(("Insurance", "\(sub.amount.displayString) add-on"))
            rows.append(("Sub-order", "\(sub.amount.displayString) → \(sub.merchantAccount)"))
        } else {
            rows.append(("Insurance", "not added (F7)"))
        }
        return rows
    }
}
