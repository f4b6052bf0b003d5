/// The ticket office: event, session and seats.
public final class TicketCheckoutLayout: CheckoutLayout {
    override public var name: String { "ticket" }
    override public var businessTitle: String { "Event" }
    override public var orderPrefix: String { "T" }
    override public var fields: [CheckoutField] {
        [CheckoutField("event", "Event"), CheckoutField("session", "Session", placeholder: "2026-12-24 19:30"),
         CheckoutField("seats", "Seats", placeholder: "Row 5, seats 11–12")]
    }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        [("Event", sale.attribute("event") ?? "—"), ("Session", sale.attribute("session") ?? "—"), ("Seats", sale.attribute("seats") ?? "general admission")]
    }
}
