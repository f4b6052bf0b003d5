import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// The payer's writes of issue 18: the claim before the channel call only where it can matter,
/// the answer applied by a guarded move from PROCESSING (the attempt read only when that finds
/// it changed), the order paid by a guarded update, and the outcome read in the settling
/// transaction — with every way another process may get there first.
@Suite("The payer's writes")
struct PayerWriteTests {
    static func alipay(_ no: String) throws -> PaymentRequest {
        PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo(no), method: .alipay, authCode: Barcode.alipay)
    }

    @Test("a wallet payment commits twice on a system-clock store (persist, settle) and three times on a simulated one (the claim kept)",
          arguments: [(true, 2), (false, 3)])
    func durableCommits(systemClock: Bool, commits: Int) throws {
        let f = try PaymentFixture(systemClock: systemClock)
        try f.order("C1", 1_000)
        let before = f.store.db.committedWrites
        let outcome = try f.pay("C1", .wallet, customer: "c-1")
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(f.store.db.committedWrites - before == commits)
        let order = try f.order("C1")
        #expect(order.status == .paid && order.paidAmount.minorUnits == 1_000)
        #expect(try f.outboxTopics("C1") == ["order.paid"])
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("on a system-clock store a payer that stalled past the janitor's minute claims first and does not call the channel")
    func stalledPayerOnTheSystemClock() throws {
        let f = try PaymentFixture(systemClock: true)
        try f.order("C2", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.alipay("C2"))
        let decision = try service.route(validated)
        let persisting = ContinuousClock.now
        let attempt = try service.persist(validated, account: decision.chosen.account)
        // The payer is stopped for 61 s: the wall clock the janitor reads has moved on by as much
        // since the attempt was written (its time set back here, as a test cannot wait a minute).
        try f.store.write {
            try f.store.db.execute("UPDATE payment_attempts SET updated_at = updated_at - 61000 WHERE id = ?", [attempt.id])
        }
        try f.janitor()
        #expect(try f.attempt(attempt.id).status == .closed, "adopted, not seen by the channel, revoked and closed")
        // The payer resumes: its monotonic clock shows the stop too.
        let reply = try service.invoke(attempt, validated: validated, account: decision.chosen.account,
                                       persistedSince: persisting - .seconds(61))
        #expect(reply == nil, "the channel must not be called")
        #expect(try f.sandbox.payment(channel: attempt.channel, outTradeNo: attempt.serial.rawValue)?.status != .paid)
        #expect(try f.order("C2").status == .created)
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    /// What the janitor did while the channel call was on its way.
    enum Meanwhile: String, CaseIterable, CustomTestStringConvertible {
        /// Took the attempt over (UNKNOWN), not yet asked the channel.
        case adopted
        /// Took it over and asked the channel, which said it was paid.
        case settled
        var testDescription: String { rawValue }
    }

    @Test("a payer's answer that finds its attempt taken over meanwhile is applied to the attempt as it is now: the order is paid once",
          arguments: Meanwhile.allCases)
    func answerAfterTakeOver(meanwhile: Meanwhile) throws {
        let f = try PaymentFixture()
        try f.order("C3", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.alipay("C3"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        let reply = try #require(try service.invoke(attempt, validated: validated, account: decision.chosen.account))
        guard case .succeeded = reply.result else {
            Issue.record("the sandbox should take this payment: \(reply.result)")
            return
        }
        try f.advance("61s")
        switch meanwhile {
        case .adopted:
            #expect(try Janitor(gateway: f.gateway).adoptAbandoned(f.context) == 1)
            #expect(try f.attempt(attempt.id).status == .unknown)
        case .settled:
            try f.janitor()
            #expect(try f.attempt(attempt.id).status == .succeeded)
        }
        let settled = try service.settle(attempt, reply: reply, validated: validated)
        #expect(settled.attempt.status == .succeeded)
        let order = try f.order("C3")
        #expect(order.status == .paid && order.paidAmount.minorUnits == 1_000)
        #expect(settled.detail.order == order, "the outcome shows the order as stored")
        #expect(try f.outboxTopics("C3") == ["order.paid"], "one notification: the order was paid once")
        #expect(try f.store.attempts.duplicateState(attempt.id).duplicate == false, "not a duplicate of itself")
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("the payer's outcome is the order as stored after it: the row with its items, every attempt (a declined one before), the refunds",
          arguments: [false, true])
    func outcomeAsStored(systemClock: Bool) throws {
        let f = try PaymentFixture(systemClock: systemClock)
        let items = [try LineItem(name: "珍珠奶茶", quantity: 2, unitPrice: cny(1800)), try LineItem(name: "小笼包", quantity: 1, unitPrice: cny(2600))]
        _ = try OrderService(f.context).create(OrderDraft(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("C4"),
                                                          amount: cny(6_200), items: items))
        let declined = try f.pay("C4", .card, card: try TestCard.card(TestCard.declined))
        #expect(declined.attempt?.status == .failed)
        let outcome = try f.pay("C4", by: .card)
        #expect(outcome.exitCode == 0, "\(outcome)")
        let order = try f.order("C4")
        #expect(order.status == .paid && order.items == items)
        #expect(outcome.detail.order == order)
        #expect(outcome.detail.attempts == (try f.attempts("C4")))
        #expect(outcome.detail.attempts.map(\.status) == [.failed, .succeeded])
        #expect(outcome.detail.refunds == (try f.refunds("C4")))
    }

    @Test("an order paid after a late success was refunded shows that refund in the payer's outcome")
    func outcomeShowsEarlierRefund() throws {
        let f = try PaymentFixture()
        try f.order("C6", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.alipay("C6"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        try f.advance("61s")
        try f.janitor()
        // The revoke did not hold: the stalled request goes through, is recorded as a late success and refunded.
        _ = try f.sandbox.db.execute("DELETE FROM sandbox_payments WHERE out_trade_no = ?", [attempt.serial.rawValue])
        let plugin = try f.gateway.plugin(for: decision.chosen.account)
        let late = plugin.pay(PayRequest(serial: attempt.serial.rawValue, amount: attempt.amount, mode: .authCode(Barcode.alipay), subject: "late"))
        try Settlement(f.context).apply(late.result, to: attempt, barcode: true)
        try f.scanDuplicates()
        let refunds = try f.refunds("C6")
        #expect(refunds.count == 1, "the late success was refunded")
        #expect(try f.order("C6").status == .created)
        let outcome = try f.pay("C6", .wallet, customer: "c-1")
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(outcome.detail.order.status == .paid)
        #expect(outcome.detail.attempts.map(\.status) == [.succeeded, .succeeded])
        #expect(outcome.detail.refunds == (try f.refunds("C6")) && outcome.detail.refunds.count == 1)
    }

    @Test("a card payment keeps the acquirer's token and the card's first 6 / last 4 on its attempt, whether or not it was claimed",
          arguments: [false, true])
    func cardTokenKept(systemClock: Bool) throws {
        let f = try PaymentFixture(systemClock: systemClock)
        try f.order("C5", 1_000)
        let outcome = try f.pay("C5", by: .card)
        #expect(outcome.exitCode == 0, "\(outcome)")
        let attempt = try #require(outcome.attempt)
        let row = try #require(try f.store.db.row("SELECT card_token, card_bin, card_last4 FROM payment_attempts WHERE id = ?", [attempt.id]))
        let token = try #require(row.optionalString("card_token"))
        #expect(!token.isEmpty && !token.contains(TestCard.success))
        #expect(row.optionalString("card_bin") == "424242" && row.optionalString("card_last4") == "4242")
    }
}
