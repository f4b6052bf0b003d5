import Testing
@testable import PayCore

/// The business lines' typed details: what each line takes, the errors that name the field, the
/// stored form read back, and the insurance policy issued once the order is paid.
@Suite("Business-line details")
struct LineDetailsTests {
    static func parse(_ attributes: [String: String], _ layout: String, complete: Bool = true) throws(PayError) -> LineDetails {
        try LineDetails.parse(attributes, layout: layout, currency: .CNY, complete: complete)
    }

    @Test("a hotel stay: guest, room, dates with its nights, and the deposit in the order's currency")
    func hotel() throws {
        let details = try Self.parse(["guest": " 王小明 Wang Xiaoming ", "room": "1208", "checkIn": "2026-11-21", "checkOut": "2026-11-23",
                                      "deposit": "500"], "hotel")
        guard case .hotel(let stay) = details else { Issue.record("\(details)"); return }
        #expect(stay.guest == "王小明 Wang Xiaoming")
        #expect(stay.nights == 2)
        #expect(stay.deposit == Money(minorUnits: 50_000, currency: .CNY))
        #expect(details.attributes == ["guest": "王小明 Wang Xiaoming", "room": "1208", "checkIn": "2026-11-21",
                                       "checkOut": "2026-11-23", "deposit": "500.00"])
        #expect(details.rows().map { "\($0.label): \($0.value)" }
            == ["Guest: 王小明 Wang Xiaoming", "Room: 1208", "Stay: 2026-11-21 → 2026-11-23 (2 nights)", "Deposit: 500.00 CNY"])
    }

    @Test("a flight: passengers, segments, insurance for each passenger")
    func flight() throws {
        let details = try Self.parse(["passengers": "Li Lei, Han Meimei,", "segments": "PEK→SHA CA1501 2026-12-01; SHA→PEK CA1502 2026-12-05",
                                      "insurance": "YES"], "flight")
        guard case .flight(let booking) = details else { Issue.record("\(details)"); return }
        #expect(booking.passengers == ["Li Lei", "Han Meimei"])
        #expect(booking.segments.count == 2)
        #expect(booking.insurance && booking.insuredCount == 2)
        #expect(details.insures)
        #expect(try Self.parse(["insurance": "no"], "flight") == .none, "no insurance and nothing else is no details")
    }

    @Test("what is wrong is named with the field and the value", arguments: [
        ("hotel", ["guset": "Ada"], "detail 'guset': the hotel line takes guest, room, checkIn, checkOut, deposit"),
        ("retail", ["guest": "Ada"], "detail 'guest': the retail line takes no details"),
        ("hotel", ["checkIn": "2026-04-31", "checkOut": "2026-05-02"], "checkIn '2026-04-31': not a date; expected YYYY-MM-DD"),
        ("hotel", ["checkIn": "2027-02-29", "checkOut": "2027-03-02"], "checkIn '2027-02-29': not a date; expected YYYY-MM-DD"),
        ("hotel", ["checkIn": "2026-11-23", "checkOut": "2026-11-23"], "checkOut '2026-11-23': the stay must end after check-in 2026-11-23"),
        ("hotel", ["checkIn": "2026-11-23"], "checkOut: missing; a stay from 2026-11-23 needs its check-out day"),
        ("hotel", ["deposit": "12.345"], "deposit '12.345'"),
        ("flight", ["insurance": "maybe"], "insurance 'maybe': expected yes or no"),
        ("flight", ["passengers": "A,B,C,D,E,F,G,H,I,J"], "10 names; at most 9 on one booking"),
        ("ticket", ["session": "2026-12-24 25:00"], "session '2026-12-24 25:00': expected a day and time, YYYY-MM-DD HH:MM"),
        ("insurance", [:], "holder: missing; a policy is issued to its holder"),
        ("insurance", ["holder": "Zhang Wei", "coverFrom": "2026-12-31", "coverTo": "2026-12-01"], "coverTo '2026-12-01': the cover must end"),
        ("ticket", ["seats": "Row 5\u{7}"], "seats 'Row 5\u{7}': control characters are not allowed"),
    ])
    func refused(layout: String, attributes: [String: String], message: String) {
        let error = #expect(throws: PayError.self) { _ = try Self.parse(attributes, layout) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.argument?.hasPrefix("attr ") == true)
    }

    @Test("a form being filled in passes with one end of the stay; a finished order does not")
    func partial() throws {
        #expect(try Self.parse(["checkIn": "2026-11-21"], "hotel", complete: false) == .hotel(HotelStay(checkIn: CalendarDay("2026-11-21"))))
        #expect(try Self.parse([:], "insurance", complete: false) == .none)
        #expect(throws: PayError.self) { try Self.parse(["checkIn": "2026-11-21"], "hotel") }
    }

    @Test("empty values count as not given")
    func empty() throws {
        #expect(try Self.parse(["guest": "  ", "room": ""], "hotel") == .none)
        #expect(try Self.parse(["guest": "", "room": "8"], "hotel").attributes == ["room": "8"])
    }

    @Test("a stored set reads back as its own kind; one no layout takes is shown as given")
    func stored() throws {
        let sets: [(String, [String: String])] = [
            ("hotel", ["guest": "Ada", "deposit": "100.00"]), ("flight", ["passengers": "Li Lei", "insurance": "yes"]),
            ("ticket", ["event": "故宫 Palace Museum", "seats": "Row 5"]), ("insurance", ["holder": "Zhang Wei", "coverFrom": "2026-12-01"]),
        ]
        for (layout, attributes) in sets {
            let typed = try Self.parse(attributes, layout)
            #expect(LineDetails(stored: typed.attributes, currency: .CNY) == typed, "\(layout)")
        }
        #expect(LineDetails(stored: [:], currency: .CNY) == .none)
        #expect(LineDetails(stored: ["guest": "Ada", "seats": "Row 5"], currency: .CNY) == .other(["guest": "Ada", "seats": "Row 5"]))
    }

    @Test("the policy number is issued once the order is paid, the same each time it is shown")
    func policy() throws {
        func order(_ status: OrderStatus, _ attributes: [String: String]) throws -> Order {
            let amount = Money(minorUnits: 26_800, currency: .CNY)
            return Order(id: 321, serial: try Serial("O20261121093000000000011ABCDEFGH"), businessLine: try BusinessLineCode("insurance"),
                         orderNo: try MerchantOrderNo("I-1"), amount: amount, customerId: nil, items: [], subOrders: [], attributes: attributes,
                         status: status, channel: nil, paidAmount: amount, refundedAmount: .zero(.CNY),
                         createdAt: Timestamp(milliseconds: 1_795_253_400_000), updatedAt: Timestamp(milliseconds: 1_795_253_400_000),
                         expiresAt: Timestamp(milliseconds: 1_795_255_200_000))
        }
        let holder = ["holder": "Zhang Wei"]
        let insured = try Self.parse(holder, "insurance")
        #expect(InsurancePolicy.number(for: try order(.created, holder), details: insured) == nil)
        #expect(InsurancePolicy.number(for: try order(.paid, holder), details: insured) == "PL20261121-00000321")
        #expect(InsurancePolicy.number(for: try order(.partiallyRefunded, holder), details: insured) == "PL20261121-00000321")
        let hotel = try Self.parse(["guest": "Ada"], "hotel")
        #expect(InsurancePolicy.number(for: try order(.paid, ["guest": "Ada"]), details: hotel) == nil, "a hotel stay insures nothing")
        let last = try #require(insured.rows(policy: "PL20261121-00000321").last)
        #expect(last.label == "Policy no" && last.value == "PL20261121-00000321")
    }

    @Test("calendar days: leap years, ordering, day numbers")
    func days() throws {
        #expect(CalendarDay("2028-02-29") != nil)
        #expect(CalendarDay("2100-02-29") == nil)
        #expect(CalendarDay("2026-1-01") == nil)
        #expect(CalendarDay("1970-01-01")?.dayNumber == 0)
        let a = try #require(CalendarDay("2026-12-31")), b = try #require(CalendarDay("2027-01-01"))
        #expect(b.dayNumber - a.dayNumber == 1 && a < b)
        #expect(a.description == "2026-12-31")
    }
}
