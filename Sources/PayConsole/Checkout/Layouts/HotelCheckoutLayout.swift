import PayCore

/// The hotel front desk: guest, room, stay dates with the nights counted, and a deposit that is
/// added to the bill as its own line.
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
    public static func nights(_ sale: CheckoutSale) -> Int? {
        guard let from = sale.attribute("checkIn"), let to = sale.attribute("checkOut"),
              let start = try? Timestamp.parse(from, field: "check-in"), let end = try? Timestamp.parse(to, field: "check-out"),
              end > start else { return nil }
        return Int((end.milliseconds - start.milliseconds) / 86_400_000)
    }

    static func deposit(_ sale: CheckoutSale) -> Money? {
        guard let text = sale.attribute("deposit"), let money = try? Money.parse(text, currency: sale.currency, field: "deposit"),
              money.isPositive else { return nil }
        return money
    }

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

    override public func prepare(_ draft: OrderDraft, sale: CheckoutSale) throws(PayError) -> OrderDraft {
        var draft = draft
        if sale.attribute("checkIn") != nil || sale.attribute("checkOut") != nil, HotelCheckoutLayout.nights(sale) == nil {
            throw PayError.invalidInput("stay: check-out must be a date (YYYY-MM-DD) after check-in")
        }
        if let text = sale.attribute("deposit") {
            let deposit = try Money.parse(text, currency: draft.amount.currency, field: "deposit")
            if deposit.isPositive {
                draft.items.append(try LineItem(name: "押金 Deposit (refundable)", quantity: 1, unitPrice: deposit))
                draft.amount = try draft.amount.adding(deposit)
            }
        }
        return draft
    }
}
