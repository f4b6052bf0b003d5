import PayCore
import PayServices

/// The hotel front desk: guest, room, stay dates with the nights counted, and a deposit that is
/// added to the bill as its own line (priced by `Pricing` when the order is created).
public final class HotelCheckoutLayout: CheckoutLayout {
    override public var name: String { "hotel" }
    override public var businessTitle: String { "Guest and stay" }
    override public var orderPrefix: String { "H" }
    override public var fields: [CheckoutField] {
        [CheckoutField("guest", "Guest"), CheckoutField("room", "Room"),
         CheckoutField("checkIn", "Check-in", kind: .date, placeholder: "YYYY-MM-DD"),
         CheckoutField("checkOut", "Check-out", kind: .date, placeholder: "YYYY-MM-DD"),
         CheckoutField("deposit", "Deposit", kind: .money, placeholder: "0.00")]
    }

    /// Nights between check-in and check-out, when both dates parse and check-out is later.
    public static func nights(_ sale: CheckoutSale) -> Int? { Pricing.nights(sale.attributes) }

    static func deposit(_ sale: CheckoutSale) -> Money? { Pricing.deposit(sale.attributes, currency: sale.currency) }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        let stay: String
        if let from = sale.attribute("checkIn"), let to = sale.attribute("checkOut") {
            // why: the year once is enough when both dates share it; the block is narrow at 80 columns.
            let sameYear = from.count == 10 && to.count == 10 && from.prefix(5) == to.prefix(5)
            stay = "\(from) → \(sameYear ? String(to.dropFirst(5)) : to)"
        } else {
            stay = "—"
        }
        return [("Guest", sale.attribute("guest") ?? "—"), ("Room", sale.attribute("room") ?? "—"), ("Stay", stay),
                ("Nights", HotelCheckoutLayout.nights(sale).map(String.init) ?? "—"),
                ("Deposit", HotelCheckoutLayout.deposit(sale)?.displayString ?? "none")]
    }
}
