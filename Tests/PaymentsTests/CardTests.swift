import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// The sandbox's test cards through the whole payment path (DESIGN §5).
@Suite("Test cards")
struct CardTests {
    @Test("4242… pays; the attempt keeps only the first 6 and last 4 digits")
    func success() throws {
        let f = try PaymentFixture()
        try f.order("K1", 2_000)
        let outcome = try f.pay("K1", .card, card: try TestCard.card(TestCard.success))
        #expect(outcome.exitCode == 0)
        let order = try f.order("K1")
        #expect(order.status == .paid && order.paidAmount == cny(2_000))
        let row = try #require(try f.store.db.row("SELECT * FROM payment_attempts WHERE order_id = ?", [order.id]))
        #expect(row.optionalString("card_bin") == "424242")
        #expect(row.optionalString("card_last4") == "4242")
        #expect(!row.values.contains { "\($0)".contains(TestCard.success) }, "never the full number")
    }

    @Test("refusing cards end declined (exit 4), one attempt, no failover to the other acquirer",
          arguments: [(TestCard.declined, "DECLINED"), (TestCard.insufficientFunds, "INSUFFICIENT"),
                      (TestCard.expired, "EXPIRED"), (TestCard.wrongCVC, "CVC")])
    func refused(number: String, code: String) throws {
        let f = try PaymentFixture()
        try f.order("K2", 2_000)
        let outcome = try f.pay("K2", .card, card: try TestCard.card(number))
        #expect(outcome.exitCode == 4)
        let attempts = try f.attempts("K2")
        #expect(attempts.count == 1)
        #expect(attempts.first?.status == .failed)
        #expect(attempts.first?.failureKind == .declined)
        #expect(attempts.first?.failureCode?.uppercased().contains(code) == true, "failure code \(attempts.first?.failureCode ?? "nil")")
        #expect(try f.order("K2").paidAmount.minorUnits == 0)
    }

    @Test("a number failing the Luhn check is refused before any channel is called: no attempt")
    func luhn() throws {
        let f = try PaymentFixture()
        try f.order("K3", 2_000)
        let refused = #expect(throws: PayError.self) { try f.pay("K3", .card, card: try TestCard.card("4242424242424241")) }
        #expect(refused?.kind == .invalidInput)
        #expect(refused?.message.contains("Luhn") == true)
        #expect(try f.attempts("K3").isEmpty)
        #expect(try f.order("K3").status == .created)
    }

    @Test("the 3-D Secure card: challenged (exit 5, a code by SMS), then paid with the code")
    func challengeCard() throws {
        let f = try PaymentFixture()
        try f.order("K4", 2_000)
        let card = try TestCard.card(TestCard.challenge)
        let first = try f.pay("K4", .card, card: card, customer: "13800138000")
        #expect(first.exitCode == 5, "\(first)")
        guard case .challenge(_, let issued, _) = first else { Issue.record("expected a challenge, got \(first)"); return }
        #expect(issued.recipient == "13800138000")
        let code = try f.smsCode(to: "13800138000")
        let paid = try f.pay("K4", .card, card: card, customer: "13800138000", otp: code)
        #expect(paid.exitCode == 0, "\(paid)")
        let order = try f.order("K4")
        #expect(order.status == .paid && order.paidAmount == cny(2_000))
    }

    @Test("the 3-D Secure card with a made-up code is refused: the code is checked, not just present")
    func challengeCardWrongCode() throws {
        let f = try PaymentFixture()
        try f.order("K5", 2_000)
        let card = try TestCard.card(TestCard.challenge)
        _ = try f.pay("K5", .card, card: card, customer: "13800138001")
        let code = try f.smsCode(to: "13800138001")
        let wrong = code == "000000" ? "111111" : "000000"
        #expect(throws: PayError.self) { try f.pay("K5", .card, card: card, customer: "13800138001", otp: wrong) }
        #expect(try f.order("K5").paidAmount.minorUnits == 0)
        #expect(try f.attempts("K5").allSatisfy { $0.status != .succeeded })
    }

    @Test("an --otp with no challenge ever sent does not complete 3-D Secure")
    func otpWithoutChallenge() throws {
        let f = try PaymentFixture()
        try f.order("K6", 2_000)
        let card = try TestCard.card(TestCard.challenge)
        #expect(throws: PayError.self) { try f.pay("K6", .card, card: card, customer: "13800138002", otp: "123456") }
        #expect(try f.order("K6").paidAmount.minorUnits == 0)
    }
}
