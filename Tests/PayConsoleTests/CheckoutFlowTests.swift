import Testing
@testable import PayConsole
import PayCore

/// The checkout's payment steps without a terminal: answers and time in, steps and effects out.
@Suite struct CheckoutFlowTests {
    static let start = Timestamp(milliseconds: 1_795_253_400_000)

    func later(_ seconds: Int64) -> Timestamp { Self.start.adding(milliseconds: seconds * 1000) }

    @Test func aPayCodeIsFollowedForTwoMinutesPollingEveryTwoSecondsThenHandedToTheCenter() {
        var flow = CheckoutFlow(phase: .paying)
        let effect = flow.receive(.pending(serial: "P1", payCode: "weixin://wxpay/1"), method: "WeChat Pay", now: Self.start)
        #expect(effect == .none)
        guard case .waiting(let wait) = flow.phase else { Issue.record("not waiting: \(flow.phase)"); return }
        #expect(wait.payCode == "weixin://wxpay/1" && !wait.unknown)
        #expect(wait.countdown(at: Self.start) == "2:00")
        let asks = [flow.tick(now: later(1), polling: false), flow.tick(now: later(2), polling: false),
                    flow.tick(now: later(3), polling: false), flow.tick(now: later(5), polling: true),
                    flow.tick(now: later(120), polling: false)]
        // not yet at 1 s; ask at 2 s; the next waits two more seconds; never two questions at once; deadline
        #expect(asks == [false, true, false, false, false])
        guard case .unresolved(let serial, _, let reason) = flow.phase else { Issue.record("not handed over: \(flow.phase)"); return }
        #expect(serial == "P1")
        #expect(reason.contains("has not finished paying"))
    }

    @Test func aPendingAnswerForTheSamePaymentKeepsItsDeadline() {
        var flow = CheckoutFlow(phase: .paying)
        _ = flow.receive(.pending(serial: "P1", payCode: nil), method: "Alipay", now: Self.start)
        _ = flow.receive(.pending(serial: "P1", payCode: nil), method: "Alipay", now: later(40))
        guard case .waiting(let wait) = flow.phase else { Issue.record("not waiting"); return }
        #expect(wait.deadline == later(45), "a barcode is followed 45 s from the first answer")
    }

    @Test func anUnknownAnswerKeepsCheckingAndNeverSaysDeclined() {
        var flow = CheckoutFlow(phase: .paying)
        _ = flow.receive(.unknown(serial: "P2", reason: "timeout"), method: "Alipay", now: Self.start)
        guard case .waiting(let wait) = flow.phase else { Issue.record("not waiting"); return }
        #expect(wait.unknown)
        _ = flow.tick(now: later(45), polling: false)
        guard case .unresolved(_, _, let reason) = flow.phase else { Issue.record("not unresolved"); return }
        #expect(reason.contains("has not confirmed") && reason.contains("Do not charge the customer again"))
    }

    @Test func aWrongOneTimeCodeIsWordedAsSuchAndLooksForAnUnconfirmedPayment() {
        var flow = CheckoutFlow(phase: .paying)
        let effect = flow.receive(.declined(code: .wrongOneTimeCode, reason: "one-time code: wrong code"), method: "card", now: Self.start)
        #expect(effect == .checkUnconfirmed(after: FailureWording.words(.wrongOneTimeCode)))
        guard case .declined(let sentence, let code) = flow.phase else { Issue.record("not declined"); return }
        #expect(code == .wrongOneTimeCode)
        #expect(!sentence.contains("bank"))
    }

    @Test func aChallengeAsksForTheCodeAndPaidAsksForTheReceipt() {
        var flow = CheckoutFlow(phase: .working("Sending card…"))
        let asked = flow.receive(.challenge(hint: "SMS to 138****0000"), method: "card", now: Self.start)
        #expect(asked == .askOneTimeCode(hint: "SMS to 138****0000"))
        guard case .paying = flow.phase else { Issue.record("not back to paying"); return }
        let paid = flow.receive(.succeeded(serial: "P3", channelSerial: "ch_1"), method: "card", now: Self.start)
        #expect(paid == .paid(serial: "P3", channelSerial: "ch_1"))
        let lost = flow.receive(.unknown(serial: nil, reason: "no serial"), method: "card", now: Self.start)
        #expect(lost == .none)
        guard case .unresolved(nil, _, "no serial") = flow.phase else { Issue.record("not unresolved: \(flow.phase)"); return }
    }
}
