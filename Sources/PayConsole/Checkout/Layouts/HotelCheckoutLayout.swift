import PayCore
import PayServices

/// The hotel front desk: guest, room, stay dates with the nights counted, and a deposit that
/// joins the bill as its own line as soon as it is entered (priced by the service's `Pricing`).
public final class HotelCheckoutLayout: CheckoutLayout {
    override public var name: String { "hotel" }
    override public var businessTitle: String { "Guest and stay" }
    override public var orderPrefix: String { "H" }
    override public var fields: [CheckoutField] { CheckoutField.fields(layout: name) }

    /// The stay as typed so far (the order's once it exists).
    static func stay(_ sale: CheckoutSale) -> HotelStay {
        if case .hotel(let stay) = sale.details { return stay }
        return HotelStay()
    }

    /// Nights between check-in and check-out, when both are given.
    public static func nights(_ sale: CheckoutSale) -> Int? { stay(sale).nights }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        let stay = HotelCheckoutLayout.stay(sale)
        let dates: String
        if let from = stay.checkIn, let to = stay.checkOut {
            // why: the year once is enough when both dates share it; the block is narrow at 80 columns.
            dates = "\(from) → \(from.year == to.year ? String(to.description.dropFirst(5)) : to.description)"
        } else if let from = stay.checkIn {
            dates = "\(from) → ?"
        } else {
            dates = "—"
        }
        return [("Guest", stay.guest ?? "—"), ("Room", stay.room ?? "—"), ("Stay", dates),
                ("Nights", stay.nights.map(String.init) ?? "—"),
                ("Deposit", stay.deposit?.displayString ?? "none")]
    }
}
