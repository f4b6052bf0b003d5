import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// Every sandbox trigger (amount ending 51–59) ends in the right final state, exit code, order
/// status and paid amount (DESIGN §5).
@Suite("Sandbox triggers")
struct TriggerTests {
    @Test("51 and 52 are declined at once, with no failover and nothing paid", arguments: [(Int64(10_051), "DECLINED"), (10_052, "INSUFFICIENT")])
    func declines(amount: Int64, code: String) throws {
        let f = try PaymentFixture()
        try f.order("A\(amount)", amount)
        // WeChat has two accounts: a decline must not move to the second.
        let outcome = try f.pay("A\(amount)", .wechat, authCode: Barcode.wechat)
        #expect(outcome.exitCode == 4)
        let attempts = try f.attempts("A\(amount)")
        #expect(attempts.count == 1, "a decline never fails over")
        #expect(attempts[0].status == .failed)
        #expect(attempts[0].failureKind == .declined)
        #expect(attempts[0].failureCode?.contains(code) == true, "failure code \(attempts[0].failureCode ?? "nil")")
        let order = try f.order("A\(amount)")
        #expect(order.status != .paid && order.paidAmount.minorUnits == 0)
        #expect(try f.outboxTopics("A\(amount)").isEmpty)
    }

    @Test("51 on a pay code: pending until the scan, then FAILED by the janitor's query")
    func declinedPayCode() throws {
        let f = try PaymentFixture()
        try f.order("P51", 2_051)
        let outcome = try f.pay("P51", .alipay)
        #expect(outcome.exitCode == 5)
        guard case .pending(_, _, let url) = outcome else { Issue.record("expected pending, got \(outcome)"); return }
        #expect(url != nil, "a pay code for the customer to scan")
        try f.advance("1m")
        try f.deliverCallbacks()
        try f.janitor()
        let attempt = try #require(try f.attempts("P51").first)
        // why: Alipay reports a trade that failed at the scan as TRADE_CLOSED.
        #expect(attempt.status == .failed || attempt.status == .closed)
        #expect(attempt.failureKind == .declined)
        #expect(try f.order("P51").paidAmount.minorUnits == 0)
    }

    @Test("53: the call times out (UNKNOWN, exit 5); the janitor's query a minute later finds it paid", arguments: PayPath.allCases)
    func timeoutPaid(path: PayPath) throws {
        let f = try PaymentFixture()
        try f.order("T53", 1_253)
        let outcome = try f.pay("T53", by: path)
        #expect(outcome.exitCode == 5)
        guard case .unknown(_, let unknown) = outcome else { Issue.record("expected unknown, got \(outcome)"); return }
        #expect(unknown.status == .unknown && unknown.failureKind == .unknown)
        #expect(try f.order("T53").status == .paying)
        try f.advance("59s")
        #expect(try f.janitor() == 0, "not due before a minute")
        try f.advance("1s")
        #expect(try f.janitor() == 1)
        #expect(try f.attempts("T53").count == 1, "an UNKNOWN is never retried blindly")
        let attempt = try f.attempt(unknown.id)
        #expect(attempt.status == .succeeded)
        #expect(attempt.failureKind == nil)
        #expect(attempt.channelSerial != nil)
        let order = try f.order("T53")
        #expect(order.status == .paid)
        #expect(order.paidAmount == cny(1_253))
        #expect(try f.outboxTopics("T53") == ["order.paid"])
        // The sandbox's callback for it arrives afterwards: acknowledged, nothing more.
        try f.deliverCallbacks()
        #expect(try f.outboxTopics("T53") == ["order.paid"])
        #expect(try f.order("T53").paidAmount == cny(1_253))
        #expect(try f.callbackVerdicts("T53") == ["duplicate"])
    }

    @Test("54: the call times out (UNKNOWN); the query finds nothing and the attempt is CLOSED, the order unpaid", arguments: PayPath.allCases)
    func timeoutNotPaid(path: PayPath) throws {
        let f = try PaymentFixture()
        try f.order("T54", 1_254)
        let outcome = try f.pay("T54", by: path)
        #expect(outcome.exitCode == 5)
        guard case .unknown(_, let unknown) = outcome else { Issue.record("expected unknown, got \(outcome)"); return }
        try f.advance("1m")
        try f.janitor()
        let attempt = try f.attempt(unknown.id)
        #expect(attempt.status == .closed)
        let order = try f.order("T54")
        #expect(order.status == .paying || order.status == .created)
        #expect(order.paidAmount.minorUnits == 0)
        #expect(try f.outboxTopics("T54").isEmpty)
        try f.advance("10m")
        #expect(try f.janitor() == 0, "a closed attempt is not queried again")
    }

    @Test("55: a pay code paid with no callback ever is found by the janitor's query")
    func paidWithoutCallback() throws {
        let f = try PaymentFixture()
        try f.order("T55", 3_355)
        let outcome = try f.pay("T55", .alipay)
        #expect(outcome.exitCode == 5)
        let pending = try #require(outcome.attempt)
        try f.advance("30s")
        #expect(try f.deliverCallbacks() == 0)
        #expect(try f.attempt(pending.id).status == .pending)
        try f.advance("30s")
        try f.deliverCallbacks()
        try f.janitor()
        #expect(try f.attempt(pending.id).status == .succeeded)
        let order = try f.order("T55")
        #expect(order.status == .paid && order.paidAmount == cny(3_355))
        #expect(try f.sentCallbacks(pending.serial).isEmpty, "the sandbox never sent one")
        #expect(try f.outboxTopics("T55") == ["order.paid"])
    }

    @Test("56: three callbacks and a stale 'not paid' one: money moves once, the rest are duplicates")
    func repeatedCallbacks() throws {
        let f = try PaymentFixture()
        try f.order("T56", 4_456)
        let outcome = try f.pay("T56", .alipay)
        let pending = try #require(outcome.attempt)
        try f.advance("5s")
        #expect(try f.deliverCallbacks() == 4)
        #expect(try f.attempt(pending.id).status == .succeeded)
        let order = try f.order("T56")
        #expect(order.status == .paid)
        #expect(order.paidAmount == cny(4_456), "paid once")
        #expect(try f.callbackVerdicts("T56") == ["accepted", "duplicate", "duplicate", "duplicate"])
        #expect(try f.outboxTopics("T56") == ["order.paid"])
        try f.advance("1m")
        try f.janitor()
        #expect(try f.order("T56").paidAmount == cny(4_456))
    }

    @Test("57: a barcode 'user is paying' is PENDING, polled every 5 s, and SUCCEEDED after 10 s")
    func userPaying() throws {
        let f = try PaymentFixture()
        try f.order("T57", 5_557)
        let outcome = try f.pay("T57", .alipay, authCode: Barcode.alipay)
        #expect(outcome.exitCode == 5)
        guard case .pending(_, let pending, _) = outcome else { Issue.record("expected pending, got \(outcome)"); return }
        try f.advance("4s")
        #expect(try f.janitor() == 0, "the first poll is 5 s after")
        try f.advance("1s")
        #expect(try f.janitor() == 1)
        #expect(try f.attempt(pending.id).status == .pending)
        try f.advance("5s")
        #expect(try f.janitor() == 1)
        #expect(try f.attempt(pending.id).status == .succeeded)
        let order = try f.order("T57")
        #expect(order.status == .paid && order.paidAmount == cny(5_557))
        #expect(try f.outboxTopics("T57") == ["order.paid"])
    }

    @Test("57 racing an operator's close: the revoke answers paid, the attempt succeeds and the close is refused")
    func closeRacingPayment() throws {
        let f = try PaymentFixture()
        try f.order("R57", 5_557)
        let outcome = try f.pay("R57", .alipay, authCode: Barcode.alipay)
        let pending = try #require(outcome.attempt)
        #expect(pending.status == .pending)
        // The customer confirms at 10 s; the operator's close comes after, before any poll.
        try f.advance("10s")
        let refused = #expect(throws: PayError.self) { try CloseService(f.context, gateway: f.gateway).close(try f.order("R57")) }
        #expect(refused?.kind == .conflict, "\(String(describing: refused))")
        #expect(try f.attempt(pending.id).status == .succeeded)
        let order = try f.order("R57")
        #expect(order.status == .paid && order.paidAmount == cny(5_557))
        #expect(try f.outboxTopics("R57") == ["order.paid"])
    }

    @Test("57 closed before the customer confirms: revoked at the channel, the order CLOSED, a later confirmation pays nothing")
    func closeBeforeConfirmation() throws {
        let f = try PaymentFixture()
        try f.order("C57", 5_557)
        let pending = try #require(try f.pay("C57", .alipay, authCode: Barcode.alipay).attempt)
        try f.advance("3s")
        let closed = try CloseService(f.context, gateway: f.gateway).close(try f.order("C57"))
        #expect(closed.status == .closed)
        #expect(try f.attempt(pending.id).status == .closed)
        try f.advance("20s")
        try f.deliverCallbacks()
        try f.janitor()
        #expect(try f.order("C57").paidAmount.minorUnits == 0)
        #expect(try f.sandbox.payment(channel: "alipay", outTradeNo: pending.serial.rawValue)?.status == .revoked)
    }

    @Test("56 on a card (paid at once): all four callbacks are duplicates, paid once")
    func repeatedCallbacksCard() throws {
        let f = try PaymentFixture()
        try f.order("K56", 4_456)
        #expect(try f.pay("K56", by: .card).exitCode == 0)
        try f.advance("5s")
        #expect(try f.deliverCallbacks() == 4)
        #expect(try f.callbackVerdicts("K56") == ["duplicate", "duplicate", "duplicate", "duplicate"])
        let order = try f.order("K56")
        #expect(order.status == .paid && order.paidAmount == cny(4_456))
        #expect(try f.outboxTopics("K56") == ["order.paid"])
    }

    @Test("55 on a barcode or a card pays at once; no callback follows", arguments: [PayPath.barcode, .card])
    func paidAtOnceNoCallback(path: PayPath) throws {
        let f = try PaymentFixture()
        try f.order("B55", 3_355)
        let outcome = try f.pay("B55", by: path)
        #expect(outcome.exitCode == 0)
        try f.advance("1m")
        #expect(try f.sentCallbacks(try #require(outcome.attempt).serial).isEmpty)
        #expect(try f.order("B55").paidAmount == cny(3_355))
    }

    @Test("58: the refund is accepted, then FAILED by the later callback; the order's refunded amount does not move", arguments: [PayPath.barcode, .card])
    func refundFailsLater(path: PayPath) throws {
        let f = try PaymentFixture()
        try f.order("T58", 6_658)
        let outcome = try f.pay("T58", by: path)
        #expect(outcome.exitCode == 0)
        let paid = try #require(outcome.attempt)
        let refund = try f.refund(paid, "20.00")
        #expect(refund.status == .processing, "accepted, not yet done")
        #expect(try f.order("T58").refundedAmount.minorUnits == 0)
        try f.advance("1s")
        try f.deliverCallbacks()
        let settled = try #require(try f.store.refunds.find(id: refund.id))
        #expect(settled.status == .failed)
        let order = try f.order("T58")
        #expect(order.status == .paid)
        #expect(order.refundedAmount.minorUnits == 0)
        #expect(try f.outboxTopics("T58") == ["order.paid"])
        // The money is refundable again, since the failed refund promised nothing.
        let again = try f.refund(paid, "66.58")
        #expect(again.status == .processing)
    }

    @Test("59: a system error fails over to the next account as a new attempt", arguments: ["wechat", "card"])
    func systemErrorFailsOver(method: String) throws {
        let f = try PaymentFixture()
        try f.order("T59", 7_759)
        let outcome = method == "wechat" ? try f.pay("T59", .wechat, authCode: Barcode.wechat)
            : try f.pay("T59", .card, card: try TestCard.card(TestCard.success))
        #expect(outcome.exitCode == 4)
        let attempts = try f.attempts("T59")
        #expect(attempts.count == 2, "one attempt per account")
        #expect(Set(attempts.map(\.account)).count == 2)
        #expect(attempts.allSatisfy { $0.status == .failed && $0.failureKind == .system })
        #expect(try f.order("T59").paidAmount.minorUnits == 0)
    }

    @Test("59 on the first account only: the second account pays")
    func failoverPays() throws {
        let f = try PaymentFixture()
        try f.order("F59", 2_000)  // below 33.33 acquirer-a is the cheaper, so it comes first
        try f.sandbox.setOutage(channel: "card", account: "acquirer-a", on: true)
        let outcome = try f.pay("F59", .card, card: try TestCard.card(TestCard.success))
        #expect(outcome.exitCode == 0)
        let attempts = try f.attempts("F59")
        #expect(attempts.map(\.account) == ["acquirer-a", "acquirer-b"])
        #expect(attempts.map(\.status) == [.failed, .succeeded])
        #expect(attempts[0].failureKind == .system)
        let order = try f.order("F59")
        #expect(order.status == .paid && order.paidAmount == cny(2_000))
    }

    @Test("any other ending pays at once on a barcode, and by the scan's callback on a pay code", arguments: ["alipay", "wechat", "unionpay"])
    func success(channel: String) throws {
        let f = try PaymentFixture()
        let method = try PaymentMethod.parse(channel)
        let code = ["alipay": Barcode.alipay, "wechat": Barcode.wechat, "unionpay": Barcode.unionpay][channel]!
        try f.order("S1", 1_000)
        let outcome = try f.pay("S1", method, authCode: code)
        #expect(outcome.exitCode == 0)
        #expect(try f.order("S1").status == .paid)
        try f.order("S2", 2_000)
        let pending = try f.pay("S2", method)
        #expect(pending.exitCode == 5)
        try f.advance("1s")
        try f.deliverCallbacks()
        let order = try f.order("S2")
        #expect(order.status == .paid && order.paidAmount == cny(2_000))
        #expect(try f.callbackVerdicts("S2") == ["accepted"])
    }
}
