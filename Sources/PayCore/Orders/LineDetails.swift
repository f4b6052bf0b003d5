/// One business detail a kind of business line takes: its key in the order's attributes, the
/// label a person reads, and the kind of value it holds.
public struct DetailField: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Free text (at most 128 characters, no control characters).
        case text
        /// Names separated by commas (passengers).
        case names
        /// Flight segments separated by `;`.
        case segments
        /// A calendar day, `YYYY-MM-DD`.
        case date
        /// A day and time, `YYYY-MM-DD HH:MM`.
        case session
        /// An amount in the order's currency, zero or more.
        case money
        /// `yes` or `no`.
        case toggle
    }

    public let key: String
    public let label: String
    public let kind: Kind
    public let placeholder: String

    public init(_ key: String, _ label: String, _ kind: Kind = .text, placeholder: String = "") {
        self.key = key
        self.label = label
        self.kind = kind
        self.placeholder = placeholder
    }
}

/// The business details an order keeps, typed per kind of business line (its layout): a hotel's
/// guest, room, stay and deposit; a flight's passengers, segments and insurance; a ticket's event,
/// session and seats; an insurance policy's holder, insured person and cover. Stored as the order's
/// `attributes` (a string map: an order without details stores nothing and decodes nothing), each
/// layout's keys distinct from the others', so a stored set says its own kind.
public enum LineDetails: Hashable, Sendable {
    case none
    case hotel(HotelStay)
    case flight(FlightBooking)
    case ticket(TicketBooking)
    case insurance(InsuranceCover)
    /// Attributes that no layout takes as a whole (stored before details were typed): shown as given.
    case other([String: String])

    /// The fields a layout takes, in the order a person fills them in; none for retail and
    /// layouts this version does not know.
    public static func fields(layout: String) -> [DetailField] {
        switch layout {
        case "hotel":
            [DetailField("guest", "Guest"), DetailField("room", "Room"),
             DetailField("checkIn", "Check-in", .date, placeholder: "YYYY-MM-DD"),
             DetailField("checkOut", "Check-out", .date, placeholder: "YYYY-MM-DD"),
             DetailField("deposit", "Deposit", .money, placeholder: "0.00")]
        case "flight":
            [DetailField("passengers", "Passengers", .names, placeholder: "names, comma separated"),
             DetailField("segments", "Segments", .segments, placeholder: "PEK→SHA CA1501 2026-12-01; …"),
             DetailField("insurance", "Travel insurance", .toggle)]
        case "ticket":
            [DetailField("event", "Event"), DetailField("session", "Session", .session, placeholder: "2026-12-24 19:30"),
             DetailField("seats", "Seats", placeholder: "Row 5, seats 11–12")]
        case "insurance":
            [DetailField("holder", "Policyholder"), DetailField("insured", "Insured", placeholder: "the holder"),
             DetailField("coverFrom", "Cover from", .date, placeholder: "YYYY-MM-DD"),
             DetailField("coverTo", "Cover to", .date, placeholder: "YYYY-MM-DD")]
        default:
            []
        }
    }

    /// The layouts that take details.
    public static let detailedLayouts = ["hotel", "flight", "ticket", "insurance"]

    /// At most this many passengers on one booking (an airline's booking record holds nine).
    public static let maxPassengers = 9
    public static let maxSegments = 8

    /// Checks `attributes` against the fields of `layout` and types them: an unknown key, a value
    /// of the wrong shape or a stay that ends before it starts is an `invalidInput` naming the
    /// field and the value. Empty values count as not given. With `complete`, what an order needs
    /// as a whole is checked too (both ends of a stay, a policy's holder); without, a form being
    /// filled in passes.
    public static func parse(_ attributes: [String: String], layout: String, currency: Currency,
                             complete: Bool = true) throws(PayError) -> LineDetails {
        let fields = fields(layout: layout)
        var values: [String: String] = [:]
        for (key, raw) in attributes {
            guard let field = fields.first(where: { $0.key == key }) else {
                let takes = fields.isEmpty ? "takes no details" : "takes " + fields.map(\.key).joined(separator: ", ")
                throw PayError.invalidInput("detail '\(key)': the \(layout) line \(takes)").about("attr \(key)")
            }
            let value = String(raw.trimmingSpaces)
            if value.isEmpty { continue }
            try check(value, field)
            values[key] = value
        }
        let reader = Reader(values: values, currency: currency)
        switch layout {
        case "hotel":
            let stay = HotelStay(guest: values["guest"], room: values["room"], checkIn: try reader.day("checkIn"),
                                 checkOut: try reader.day("checkOut"), deposit: try reader.money("deposit"))
            try stay.check(complete: complete)
            return stay == HotelStay() ? .none : .hotel(stay)
        case "flight":
            let booking = FlightBooking(passengers: try reader.names("passengers"), segments: try reader.segments("segments"),
                                        insurance: try reader.toggle("insurance"))
            return booking == FlightBooking() ? .none : .flight(booking)
        case "ticket":
            let ticket = TicketBooking(event: values["event"], session: values["session"], seats: values["seats"])
            return ticket == TicketBooking() ? .none : .ticket(ticket)
        case "insurance":
            let cover = InsuranceCover(holder: values["holder"], insured: values["insured"], coverFrom: try reader.day("coverFrom"),
                                       coverTo: try reader.day("coverTo"))
            try cover.check(complete: complete)
            return cover == InsuranceCover() ? .none : .insurance(cover)
        default:
            return .none
        }
    }

    /// What an order keeps, read back: the layout whose fields hold every key, else `other`.
    /// Never throws (a stored set was checked when the order was made).
    public init(stored attributes: [String: String], currency: Currency) {
        guard !attributes.isEmpty else { self = .none; return }
        for layout in Self.detailedLayouts {
            let keys = Set(Self.fields(layout: layout).map(\.key))
            guard attributes.keys.allSatisfy(keys.contains) else { continue }
            if let details = try? Self.parse(attributes, layout: layout, currency: currency, complete: false) {
                self = details
                return
            }
        }
        self = .other(attributes)
    }

    /// The attributes to store: each given value in its normal form, nothing for what is absent.
    public var attributes: [String: String] {
        var map: [String: String] = [:]
        func put(_ key: String, _ value: String?) { if let value, !value.isEmpty { map[key] = value } }
        switch self {
        case .none: break
        case .hotel(let stay):
            put("guest", stay.guest); put("room", stay.room); put("checkIn", stay.checkIn?.description)
            put("checkOut", stay.checkOut?.description); put("deposit", stay.deposit?.decimalString)
        case .flight(let booking):
            put("passengers", booking.passengers.joined(separator: ", "))
            put("segments", booking.segments.joined(separator: "; "))
            if booking.insurance { map["insurance"] = "yes" }
        case .ticket(let ticket):
            put("event", ticket.event); put("session", ticket.session); put("seats", ticket.seats)
        case .insurance(let cover):
            put("holder", cover.holder); put("insured", cover.insured)
            put("coverFrom", cover.coverFrom?.description); put("coverTo", cover.coverTo?.description)
        case .other(let given):
            map = given
        }
        return map
    }

    /// Whether the order carries an insurance policy: the insurance line's, or a flight's add-on.
    public var insures: Bool {
        switch self {
        case .insurance: true
        case .flight(let booking): booking.insurance
        default: false
        }
    }

    /// The details as a person reads them, (label, value) in the layout's order; the policy
    /// number last when one was issued. Amounts use `display` (the console's "¥500.00", the
    /// command line's "500.00 CNY").
    public func rows(policy: String? = nil, display: (Money) -> String = { "\($0.decimalString) \($0.currency)" }) -> [(label: String, value: String)] {
        var rows: [(label: String, value: String)] = []
        func add(_ label: String, _ value: String?) { if let value { rows.append((label, value)) } }
        switch self {
        case .none: break
        case .hotel(let stay):
            add("Guest", stay.guest)
            add("Room", stay.room)
            if let from = stay.checkIn, let to = stay.checkOut, let nights = stay.nights {
                add("Stay", "\(from) → \(to) (\(nights) night\(nights == 1 ? "" : "s"))")
            } else if stay.checkIn != nil || stay.checkOut != nil {
                add("Stay", "\(stay.checkIn?.description ?? "?") → \(stay.checkOut?.description ?? "?")")
            }
            add("Deposit", stay.deposit.map(display))
        case .flight(let booking):
            if !booking.passengers.isEmpty { add("Passengers", "\(booking.passengers.count): " + booking.passengers.joined(separator: ", ")) }
            if !booking.segments.isEmpty { add("Segments", booking.segments.joined(separator: "; ")) }
            add("Insurance", booking.insurance ? "yes, \(booking.insuredCount) insured" : nil)
        case .ticket(let ticket):
            add("Event", ticket.event)
            add("Session", ticket.session)
            add("Seats", ticket.seats)
        case .insurance(let cover):
            add("Policyholder", cover.holder)
            add("Insured", cover.insured ?? cover.holder)
            if cover.coverFrom != nil || cover.coverTo != nil {
                add("Cover", "\(cover.coverFrom?.description ?? "?") → \(cover.coverTo?.description ?? "?")")
            }
        case .other(let given):
            for (key, value) in given.sorted(by: { $0.key < $1.key }) { add(key, value) }
        }
        add("Policy no", policy)
        return rows
    }

    static func check(_ value: String, _ field: DetailField) throws(PayError) {
        if value.count > 128 {
            throw PayError.invalidInput("\(field.key) '\(value.prefix(20))…': at most 128 characters").about("attr \(field.key)")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw PayError.invalidInput("\(field.key) '\(value)': control characters are not allowed").about("attr \(field.key)")
        }
        if field.kind == .session {
            let parts = value.split(separator: " ")
            guard parts.count == 2, CalendarDay(String(parts[0])) != nil, Self.isClockTime(parts[1]) else {
                throw PayError.invalidInput("\(field.key) '\(value)': expected a day and time, YYYY-MM-DD HH:MM").about("attr \(field.key)")
            }
        }
    }

    static func isClockTime(_ text: Substring) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]) else { return false }
        return (0..<24).contains(hour) && (0..<60).contains(minute)
    }

    /// Reads typed values out of the checked strings, naming the field in every error.
    struct Reader {
        let values: [String: String]
        let currency: Currency

        func day(_ key: String) throws(PayError) -> CalendarDay? {
            guard let text = values[key] else { return nil }
            guard let day = CalendarDay(text) else {
                throw PayError.invalidInput("\(key) '\(text)': not a date; expected YYYY-MM-DD").about("attr \(key)")
            }
            return day
        }

        func money(_ key: String) throws(PayError) -> Money? {
            guard let text = values[key] else { return nil }
            let money: Money
            do {
                money = try Money.parse(text, currency: currency, field: key)
            } catch {
                throw error.about("attr \(key)")
            }
            return money.isPositive ? money : nil
        }

        func toggle(_ key: String) throws(PayError) -> Bool {
            guard let text = values[key] else { return false }
            switch text.lowercased() {
            case "yes": return true
            case "no": return false
            default: throw PayError.invalidInput("\(key) '\(text)': expected yes or no").about("attr \(key)")
            }
        }

        func names(_ key: String) throws(PayError) -> [String] {
            guard let text = values[key] else { return [] }
            let names = text.split(separator: ",").map { String(String($0).trimmingSpaces) }.filter { !$0.isEmpty }
            guard names.count <= LineDetails.maxPassengers else {
                throw PayError.invalidInput("\(key) '\(text.prefix(20))…': \(names.count) names; at most \(LineDetails.maxPassengers) on one booking").about("attr \(key)")
            }
            return names
        }

        func segments(_ key: String) throws(PayError) -> [String] {
            guard let text = values[key] else { return [] }
            let segments = text.split(separator: ";").map { String(String($0).trimmingSpaces) }.filter { !$0.isEmpty }
            guard segments.count <= LineDetails.maxSegments else {
                throw PayError.invalidInput("\(key) '\(text.prefix(20))…': \(segments.count) segments; at most \(LineDetails.maxSegments)").about("attr \(key)")
            }
            return segments
        }
    }
}

/// A hotel stay: the guest, the room, check-in and check-out days, and a refundable deposit.
public struct HotelStay: Hashable, Sendable {
    public var guest: String?
    public var room: String?
    public var checkIn: CalendarDay?
    public var checkOut: CalendarDay?
    /// Added to the bill as its own line when the order is made (`Pricing`).
    public var deposit: Money?

    public init(guest: String? = nil, room: String? = nil, checkIn: CalendarDay? = nil, checkOut: CalendarDay? = nil, deposit: Money? = nil) {
        self.guest = guest
        self.room = room
        self.checkIn = checkIn
        self.checkOut = checkOut
        self.deposit = deposit
    }

    /// Nights between check-in and check-out, when both are given.
    public var nights: Int? {
        guard let checkIn, let checkOut else { return nil }
        return checkOut.dayNumber - checkIn.dayNumber
    }

    func check(complete: Bool) throws(PayError) {
        if let checkIn, let checkOut, checkOut <= checkIn {
            throw PayError.invalidInput("checkOut '\(checkOut)': the stay must end after check-in \(checkIn)").about("attr checkOut")
        }
        guard complete else { return }
        if checkIn != nil, checkOut == nil {
            throw PayError.invalidInput("checkOut: missing; a stay from \(checkIn!) needs its check-out day").about("attr checkOut")
        }
        if checkOut != nil, checkIn == nil {
            throw PayError.invalidInput("checkIn: missing; a stay to \(checkOut!) needs its check-in day").about("attr checkIn")
        }
    }
}

/// A flight booking: passengers, segments, and travel insurance sold with it.
public struct FlightBooking: Hashable, Sendable {
    public var passengers: [String]
    public var segments: [String]
    /// Travel insurance per passenger (`Pricing` adds the premium as a sub-order to the insurer).
    public var insurance: Bool

    public init(passengers: [String] = [], segments: [String] = [], insurance: Bool = false) {
        self.passengers = passengers
        self.segments = segments
        self.insurance = insurance
    }

    /// The people the insurance covers: every passenger, at least one.
    public var insuredCount: Int { max(1, passengers.count) }
}

/// A ticket: the event, its session and the seats.
public struct TicketBooking: Hashable, Sendable {
    public var event: String?
    public var session: String?
    public var seats: String?

    public init(event: String? = nil, session: String? = nil, seats: String? = nil) {
        self.event = event
        self.session = session
        self.seats = seats
    }
}

/// An insurance policy sold at the counter: its holder, the insured person (the holder unless
/// named) and the cover period. Its number is issued once the order is paid (`InsurancePolicy`).
public struct InsuranceCover: Hashable, Sendable {
    public var holder: String?
    public var insured: String?
    public var coverFrom: CalendarDay?
    public var coverTo: CalendarDay?

    public init(holder: String? = nil, insured: String? = nil, coverFrom: CalendarDay? = nil, coverTo: CalendarDay? = nil) {
        self.holder = holder
        self.insured = insured
        self.coverFrom = coverFrom
        self.coverTo = coverTo
    }

    func check(complete: Bool) throws(PayError) {
        if let coverFrom, let coverTo, coverTo < coverFrom {
            throw PayError.invalidInput("coverTo '\(coverTo)': the cover must end on or after its start \(coverFrom)").about("attr coverTo")
        }
        if complete, holder == nil {
            throw PayError.invalidInput("holder: missing; a policy is issued to its holder").about("attr holder")
        }
    }
}

/// The insurance policy an order carries, numbered once the order is paid.
public enum InsurancePolicy {
    /// The policy number of a paid order that insures (the insurance line, a flight's add-on):
    /// `PL`, the order's day (UTC) and its row id, e.g. `PL20261121-00000321` — unique in the
    /// store as the row id is, short enough for a receipt line, the same wherever it is shown,
    /// and nothing to write on the payment path. Nil before payment.
    public static func number(for order: Order, details: LineDetails) -> String? {
        guard details.insures, [OrderStatus.paid, .partiallyRefunded, .refunded].contains(order.status) else { return nil }
        let day = order.createdAt.components
        func pad(_ n: Int64, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "PL" + pad(Int64(day.year), 4) + pad(Int64(day.month), 2) + pad(Int64(day.day), 2) + "-" + pad(order.id, 8)
    }
}

/// A calendar day, `YYYY-MM-DD`, checked against the calendar (no 31 April, 29 February only in
/// leap years).
public struct CalendarDay: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              year >= 1970, (1...12).contains(month), day >= 1, day <= CalendarDay.days(in: month, of: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (the civil-from-days inverse, Howard Hinnant's `days_from_civil`).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.dayNumber < b.dayNumber }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
