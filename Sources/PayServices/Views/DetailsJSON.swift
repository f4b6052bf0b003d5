import PayCore

/// An order's business details in `--json` and the API's answers (`order.details`): the line's
/// kind and its typed fields, amounts as decimal strings, days as `YYYY-MM-DD`; absent when the
/// order has none. `policyNo` once an insuring order is paid.
public struct DetailsJSON: Codable, Sendable, Equatable {
    /// "hotel", "flight", "ticket", "insurance", or "other" (attributes stored before details were typed).
    public var kind: String
    public var guest: String?
    public var room: String?
    public var checkIn: String?
    public var checkOut: String?
    public var nights: Int?
    public var deposit: String?
    public var passengers: [String]?
    public var segments: [String]?
    public var insurance: Bool?
    public var event: String?
    public var session: String?
    public var seats: String?
    public var holder: String?
    public var insured: String?
    public var coverFrom: String?
    public var coverTo: String?
    public var policyNo: String?
    public var attributes: [String: String]?

    /// Nil for an order without details.
    public init?(_ order: Order) {
        // why: the common order has no details; it decodes nothing here (the payment path's lists).
        if order.attributes.isEmpty { return nil }
        let details = LineDetails(stored: order.attributes, currency: order.amount.currency)
        kind = "other"
        switch details {
        case .none:
            return nil
        case .hotel(let stay):
            kind = "hotel"
            guest = stay.guest; room = stay.room; checkIn = stay.checkIn?.description; checkOut = stay.checkOut?.description
            nights = stay.nights; deposit = stay.deposit?.decimalString
        case .flight(let booking):
            kind = "flight"
            passengers = booking.passengers; segments = booking.segments; insurance = booking.insurance
        case .ticket(let ticket):
            kind = "ticket"
            event = ticket.event; session = ticket.session; seats = ticket.seats
        case .insurance(let cover):
            kind = "insurance"
            holder = cover.holder; insured = cover.insured ?? cover.holder
            coverFrom = cover.coverFrom?.description; coverTo = cover.coverTo?.description
        case .other(let given):
            attributes = given
        }
        policyNo = InsurancePolicy.number(for: order, details: details)
    }
}
