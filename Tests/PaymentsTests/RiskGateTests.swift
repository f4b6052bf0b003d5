import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// The risk step of `pay` with the demo rules: block (exit 4, no attempt), challenge (exit 5, a
/// code by SMS), pay again with the code.
@Suite("Risk in the payment flow")
struct RiskGateTests {
    @Test("a blocklisted customer is blocked: exit 4, no attempt, no channel call, the order untouched")
    func blocked() throws {
        let f = try PaymentFixture()
        try f.order("B1", 2_000)
        let outcome = try f.pay("B1", .alipay, authCode: Barcode.alipay, customer: "C666")
        #expect(outcome.exitCode == 4)
        guard case .blocked(_, let reasons) = outcome else { Issue.record("expected blocked, got \(outcome)"); return }
        #expect(reasons.contains { $0.contains("blocklisted") })
        #expect(try f.attempts("B1").isEmpty)
        #expect(try f.order("B1").status == .created)
        #expect(try f.sandbox.payment(channel: "alipay", outTradeNo: "anything") == nil)
        let audit = try f.store.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'payment.blocked'") ?? 0
        #expect(audit == 1)
    }

    @Test("the velocity rule (five attempts in 10 minutes) blocks the next one")
    func velocity() throws {
        let f = try PaymentFixture()
        for i in 1...5 {
            try f.order("V\(i)", 1_000 + Int64(i))
            #expect(try f.pay("V\(i)", .alipay, authCode: Barcode.alipay, customer: "VEL-1").exitCode == 0)
        }
        try f.order("V6", 1_006)
        #expect(try f.pay("V6", .alipay, authCode: Barcode.alipay, customer: "VEL-1").exitCode == 4)
        #expect(try f.attempts("V6").isEmpty)
        try f.advance("10m1s")
        #expect(try f.pay("V6", .alipay, authCode: Barcode.alipay, customer: "VEL-1").exitCode == 0, "the window has passed")
    }

    @Test("a large card payment is challenged (exit 5, code by SMS) and paid with the code")
    func challengeThenPay() throws {
        let f = try PaymentFixture()
        try f.order("H1", 600_000)
        let card = try TestCard.card(TestCard.success)
        let first = try f.pay("H1", .card, card: card, customer: "RISK-1")
        #expect(first.exitCode == 5)
        guard case .challenge(_, let issued, let reasons) = first else { Issue.record("expected a challenge, got \(first)"); return }
        #expect(reasons.contains { $0.contains("large-card") })
        #expect(issued.recipient == "RISK-1")
        #expect(try f.attempts("H1").isEmpty, "nothing reaches a channel before the code")
        let code = try f.smsCode(to: "RISK-1")
        let paid = try f.pay("H1", .card, card: card, customer: "RISK-1", otp: code)
        #expect(paid.exitCode == 0)
        let order = try f.order("H1")
        #expect(order.status == .paid && order.paidAmount == cny(600_000))
        #expect(try f.attempts("H1").count == 1)
    }

    @Test("three wrong codes exhaust the challenge: even the right code is refused after")
    func wrongCodeThreeTimes() throws {
        let f = try PaymentFixture()
        try f.order("H2", 600_000)
        let card = try TestCard.card(TestCard.success)
        _ = try f.pay("H2", .card, card: card, customer: "RISK-2")
        let code = try f.smsCode(to: "RISK-2")
        let wrong = code == "000000" ? "111111" : "000000"
        for _ in 1...3 {
            let refused = #expect(throws: PayError.self) { try f.pay("H2", .card, card: card, customer: "RISK-2", otp: wrong) }
            #expect(refused?.kind == .declined)
        }
        let late = #expect(throws: PayError.self) { try f.pay("H2", .card, card: card, customer: "RISK-2", otp: code) }
        #expect(late?.message.contains("too many wrong codes") == true, "\(String(describing: late))")
        #expect(try f.attempts("H2").isEmpty)
        #expect(try f.order("H2").paidAmount.minorUnits == 0)
        // A new challenge starts over.
        _ = try f.pay("H2", .card, card: card, customer: "RISK-2")
        let fresh = try f.smsCode(to: "RISK-2")
        #expect(try f.pay("H2", .card, card: card, customer: "RISK-2", otp: fresh).exitCode == 0)
    }

    @Test("a code is good once: a second payment cannot reuse it")
    func codeUsedOnce() throws {
        let f = try PaymentFixture()
        try f.order("H3", 600_000)
        let card = try TestCard.card(TestCard.declined)
        _ = try f.pay("H3", .card, card: card, customer: "RISK-3")
        let code = try f.smsCode(to: "RISK-3")
        #expect(try f.pay("H3", .card, card: card, customer: "RISK-3", otp: code).exitCode == 4, "declined by the card")
        #expect(throws: PayError.self) { try f.pay("H3", .card, card: try TestCard.card(TestCard.success), customer: "RISK-3", otp: code) }
        #expect(try f.order("H3").paidAmount.minorUnits == 0)
    }
}
