import Testing
import PayCore
import PayStore
@testable import PayServices

@Suite("Order filter language")
struct OrderQueryParsingTests {
    let now = try! Timestamp.parse("2026-11-30T12:00:00Z")

    func parse(_ text: String) throws -> OrderQuery { try OrderQuery.parse(text, now: now) }

    /// The message of the error the text gives, or nil when it parses.
    func error(_ text: String) -> String? {
        do {
            _ = try OrderQuery.parse(text, now: now)
            return nil
        } catch {
            #expect(error.kind == .invalidInput)
            return error.message
        }
    }

    @Test("an empty line is every order")
    func empty() throws {
        #expect(try parse("") == OrderQuery.all)
        #expect(try parse("   ").filter == OrderFilter())
    }

    @Test("each field fills its part of the filter, combined with AND")
    func everyField() throws {
        let query = try parse("status:paid channel:alipay line:hotel amount>100 amount<=20.5 since:2026-11-01 until:2026-11-30T08:00Z !refunded B123")
        #expect(query.filter.status == .paid)
        #expect(query.filter.channel == "alipay")
        #expect(query.filter.businessLine == (try BusinessLineCode("hotel")))
        #expect(query.filter.amounts == [AmountBound(.greater, scaled: 100_000), AmountBound(.lessOrEqual, scaled: 20_500)])
        #expect(query.filter.since == (try Timestamp.parse("2026-11-01")))
        #expect(query.filter.until == (try Timestamp.parse("2026-11-30T08:00:00Z")))
        #expect(query.filter.excludedStatuses == [.refunded])
        #expect(query.search == "B123")
        #expect(query.filter.identifier == "B123")
        #expect(query.text == "status:paid channel:alipay line:hotel amount>100 amount<=20.5 since:2026-11-01 until:2026-11-30T08:00Z !refunded B123")
    }

    @Test("status: order statuses are the order's, attempt-only statuses mean an attempt in that status")
    func statuses() throws {
        #expect(try parse("status:UNKNOWN").filter.attemptStatus == .unknown)
        #expect(try parse("status:unknown").filter.status == nil)
        #expect(try parse("status:pending").filter.attemptStatus == .pending)
        #expect(try parse("status:closed").filter.status == .closed)
        #expect(try parse("status:partially-refunded").filter.status == .partiallyRefunded)
        #expect(try parse("!unknown !status:paid").filter.excludedAttemptStatuses == [.unknown])
        #expect(try parse("!unknown !status:paid").filter.excludedStatuses == [.paid])
        #expect(try parse("business:retail").filter.businessLine == (try BusinessLineCode("retail")))
    }

    @Test("amounts are exact decimals of a major unit, in thousandths")
    func amounts() throws {
        #expect(try parse("amount=100").filter.amounts == [AmountBound(.equal, scaled: 100_000)])
        #expect(try parse("amount>=0.01").filter.amounts == [AmountBound(.greaterOrEqual, scaled: 10)])
        #expect(try parse("amount<0.001").filter.amounts == [AmountBound(.less, scaled: 1)])
        #expect(try parse("amount>92233720368547").filter.amounts == [AmountBound(.greater, scaled: 92_233_720_368_547_000)])
        #expect(error("amount>9223372036854776") == "filter column 8: amount '9223372036854776': too large")
    }

    @Test("times: until a bare date takes in that whole day; a duration counts back from now")
    func times() throws {
        #expect(try parse("until:2026-11-30").filter.until == (try Timestamp.parse("2026-12-01")))
        #expect(try parse("since:2h").filter.since == now.adding(milliseconds: -7_200_000))
        #expect(try parse("since:2026-11-30T09:30Z").filter.since == (try Timestamp.parse("2026-11-30T09:30:00Z")))
    }

    @Test("each error names the column where the bad part starts", arguments: [
        ("foo:bar", 1, "unknown field 'foo'"),
        ("status:paid status:closed", 13, "status is given twice"),
        ("status:weird", 8, "status 'weird': expected one of created, paying"),
        ("  channel:Ali", 11, "channel 'Ali'"),
        ("line:Hotel", 6, "line 'Hotel'"),
        ("amount>", 8, "amount '': expected a number"),
        ("amount~5", 7, "expected a comparison after 'amount'"),
        ("status:paid amount>-5", 20, "amount '-5': expected a plain number"),
        ("amount<1.2345", 8, "at most 3 decimal places"),
        ("amount=1e3", 8, "expected a plain number"),
        ("amount=1.", 8, "expected digits after '.'"),
        ("since:yesterday", 7, "since 'yesterday': expected a UTC date or time"),
        ("since:2026-13-01", 7, "since '2026-13-01'"),
        ("since:2026-11-02 until:2026-11-01", 24, "until '2026-11-01' is not after since"),
        ("!nothing", 2, "expected a status after '!'"),
        ("!status:nothing", 9, "expected a status after '!'"),
        ("B1 B2", 4, "a second search word"),
        ("status:", 8, "expected a value after 'status:'"),
        ("é status:x", 10, "status 'x'"),
    ])
    func errors(text: String, column: Int, says: String) {
        let message = error(text)
        #expect(message?.hasPrefix("filter column \(column): ") == true, "\(text): \(message ?? "parsed")")
        #expect(message?.contains(says) == true, "\(text): \(message ?? "parsed")")
    }
}
