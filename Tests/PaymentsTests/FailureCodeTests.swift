import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// The payment core's typed failure codes: what a screen words and the command line hints from.
@Suite("Typed failure codes")
struct FailureCodeTests {
    @Test("a wrong one-time code is declined as a wrong code, not as a bank decline, and names no flag")
    func wrongOneTimeCode() throws {
        let f = try PaymentFixture()
        try f.order("OTP1", 600_000)
        let card = try TestCard.card(TestCard.success)
        _ = try f.pay("OTP1", .card, card: card, customer: "RISK-9")
        let code = try f.smsCode(to: "RISK-9")
        let wrong = code == "000000" ? "111111" : "000000"
        let refused = #expect(throws: PayError.self) { try f.pay("OTP1", .card, card: card, customer: "RISK-9", otp: wrong) }
        #expect(refused?.failure == .wrongOneTimeCode)
        #expect(refused?.failure != .bankDeclined)
        #expect(refused?.message.contains("--") == false, "\(String(describing: refused))")
        _ = #expect(throws: PayError.self) { try f.pay("OTP1", .card, card: card, customer: "RISK-9", otp: wrong) }
        let last = #expect(throws: PayError.self) { try f.pay("OTP1", .card, card: card, customer: "RISK-9", otp: wrong) }
        #expect(last?.failure == .wrongOneTimeCode, "the third wrong code is still a wrong code")
        let exhausted = #expect(throws: PayError.self) { try f.pay("OTP1", .card, card: card, customer: "RISK-9", otp: code) }
        #expect(exhausted?.failure == .oneTimeCodeExpired, "after the tries ran out a new code is needed")
    }

    @Test("channel code spellings map to one typed code; unknown ones stay untyped")
    func channelSpellings() {
        #expect(FailureCode(code: "CARD_EXPIRED") == .expiredCard)
        #expect(FailureCode(code: "expired_card") == .expiredCard)
        #expect(FailureCode(code: "SYSTEM") == .system)
        #expect(FailureCode(code: "INSUFFICIENT_BALANCE") == .insufficientFunds)
        #expect(FailureCode(code: "ACQ.SOMETHING_NEW") == nil)
    }
}
