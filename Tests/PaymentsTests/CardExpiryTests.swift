import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// A card past its expiry month, or with a malformed expiry, is refused before any channel is
/// called, on the store's clock (ISSUE 10 item 7). The fixture's clock stands at 2026-11-21.
@Suite("Card expiry")
struct CardExpiryTests {
    @Test("a card that expired is refused (invalid input, exit 3): no attempt, no charge, the order untouched",
          arguments: [("12/20", "12/2020"), ("10/26", "10/2026"), ("10/2026", "10/2026"), ("01/00", "01/2000")])
    func pastExpiryIsRefused(expiry: String, shown: String) throws {
        let f = try PaymentFixture()
        try f.order("E1", 2_000)
        let card = try CardDetails(number: TestCard.success, expiry: expiry, cvc: "123")
        let refused = #expect(throws: PayError.self) { try f.pay("E1", .card, card: card) }
        #expect(refused?.kind == .invalidInput)
        #expect(refused?.exitCode == 3)
        #expect(refused?.message.contains("expiry \(shown)") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("expired") == true, "\(refused?.message ?? "")")
        #expect(try f.attempts("E1").isEmpty)
        #expect(try f.order("E1").status == .created)
        #expect(try f.sandbox.db.scalarInt("SELECT count(*) FROM sandbox_card_tokens") == 0, "the acquirer never saw the card")
    }

    @Test("a card valid through this month (11/26) still pays; the store's clock decides, not the machine's")
    func thisMonthPays() throws {
        let f = try PaymentFixture()
        try f.order("E2", 2_000)
        #expect(try f.pay("E2", .card, card: try CardDetails(number: TestCard.success, expiry: "11/26", cvc: "123")).exitCode == 0)
        // Ten days later, in December on the store's (simulated) clock, the same card has expired.
        try f.advance("10d")
        try f.order("E3", 2_000)
        let refused = #expect(throws: PayError.self) {
            try f.pay("E3", .card, card: try CardDetails(number: TestCard.success, expiry: "11/26", cvc: "123"))
        }
        #expect(refused?.kind == .invalidInput)
        #expect(refused?.message.contains("11/2026") == true, "\(refused?.message ?? "")")
    }

    @Test("a malformed expiry is refused with what is wrong", arguments: [
        ("13/25", "month 13"), ("00/25", "month 00"), ("1225", "MM/YY"), ("12/2", "MM/YY"), ("+1/25", "MM/YY"),
        ("12//25", "MM/YY"), ("12/ 25", "MM/YY"), ("1/25", "MM/YY"), ("12/025", "MM/YY"), ("", "MM/YY"),
    ])
    func malformedExpiry(expiry: String, says: String) throws {
        let refused = #expect(throws: PayError.self) { try CardDetails(number: TestCard.success, expiry: expiry, cvc: "123") }
        #expect(refused?.kind == .invalidInput)
        #expect(refused?.message.contains(says) == true, "\(expiry): \(refused?.message ?? "")")
    }
}
