import PayCore
import PayServices

/// Flight booking: passengers, segments, and travel insurance sold as an add-on that becomes a
/// sub-order owed to the insurer's account; its premium joins the total as soon as it is chosen
/// (priced by the service's `Pricing`), and the policy number shows once the order is paid.
public final class FlightCheckoutLayout: CheckoutLayout {
    override public var name: String { "flight" }
    override public var businessTitle: String { "Passengers and flights" }
    override public var orderPrefix: String { "F" }
    override public var fields: [CheckoutField] { CheckoutField.fields(layout: name) }

    static func booking(_ sale: CheckoutSale) -> FlightBooking {
        if case .flight(let booking) = sale.details { return booking }
        return FlightBooking()
    }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        let booking = FlightCheckoutLayout.booking(sale)
        var rows: [(String, String)] = [
            ("Passengers", booking.passengers.isEmpty ? "—" : "\(booking.passengers.count): " + booking.passengers.joined(separator: ", ")),
            ("Segments", booking.segments.isEmpty ? "—" : booking.segments.joined(separator: "; ")),
        ]
        if let sub = sale.order?.subOrders.first(where: { $0.merchantAccount == Pricing.insurerAccount }) {
            rows.append(("Insurance", "\(sub.amount.displayString) add-on"))
            rows.append(("Sub-order", "\(sub.amount.displayString) → \(sub.merchantAccount)"))
        } else if booking.insurance, let premium = sale.addOns.first(where: { $0.name == Pricing.insuranceItemName }),
                  let amount = try? premium.total() {
            rows.append(("Insurance", "\(amount.displayString) add-on"))
            rows.append(("Sub-order", "\(amount.displayString) → \(Pricing.insurerAccount)"))
        } else {
            rows.append(("Insurance", "not added (F7)"))
        }
        if let order = sale.order, let policy = InsurancePolicy.number(for: order, details: sale.details) {
            rows.append(("Policy no", policy))
        }
        return rows
    }
}
