import PayCore

/// The ticket office: event, session and seats.
public final class TicketCheckoutLayout: CheckoutLayout {
    override public var name: String { "ticket" }
    override public var businessTitle: String { "Event" }
    override public var orderPrefix: String { "T" }
    override public var fields: [CheckoutField] { CheckoutField.fields(layout: name) }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        var ticket = TicketBooking()
        if case .ticket(let typed) = sale.details { ticket = typed }
        return [("Event", ticket.event ?? "—"), ("Session", ticket.session ?? "—"), ("Seats", ticket.seats ?? "general admission")]
    }
}
