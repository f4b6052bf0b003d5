import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// The payment path of issue 10: permissions before any channel call, a stalled payer that must
/// not charge after the center gave its attempt up, the order's status following its attempts,
/// and a failure after the channel was called that says the payment may have gone through.
@Suite("Payment path")
struct PaymentPathTests {
    static let alice = Actor(name: "alice", role: .cashier, origin: "till-1")
    static let bob = Actor(name: "bob", role: .cashier, origin: "till-2")

    static func request(_ no: String) throws -> PaymentRequest {
        PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo(no), method: .alipay, authCode: Barcode.alipay)
    }

    /// What the sandbox's ledger holds for a payment serial (nil: the channel never saw it).
    static func channelRecord(_ f: PaymentFixture, _ attempt: PaymentAttempt) throws -> SandboxPayment? {
        try f.sandbox.payment(channel: attempt.channel, outTradeNo: attempt.serial.rawValue)
    }

    // MARK: Item 2: permissions before the channel

    @Test("a cashier takes payment for an order another cashier rang up (the shared till) and then finds it")
    func cashierPaysAnotherCashiersOrder() throws {
        let f = try PaymentFixture()
        f.context.actor = Self.alice
        try f.order("T1", 1_000)
        f.context.actor = Self.bob
        let outcome = try f.pay("T1", .alipay, authCode: Barcode.alipay)
        #expect(outcome.exitCode == 0)
        #expect(outcome.detail.order.status == .paid)
        let found = try OrderService(f.context).find(PaymentFixture.retail, try MerchantOrderNo("T1"))
        #expect(found.status == .paid, "the cashier who took the payment can look the order up")
        #expect(try OrderService(f.context).search("T1").map(\.orderNo.rawValue) == ["T1"], "the console's search finds it")
        let page = try OrderService(f.context).page(OrderFilter(), after: nil, limit: 50).orders
        #expect(page.map(\.orderNo.rawValue) == ["T1"], "the console's order list shows it, and nothing else of others")
        let attempt = try #require(outcome.attempt)
        #expect(try Self.channelRecord(f, attempt)?.status == .paid)
    }

    @Test("a role without checkout is refused before anything is written or sent")
    func supportMayNotPay() throws {
        let f = try PaymentFixture()
        try f.order("T2", 1_000)
        f.context.actor = Actor(name: "sam", role: .support, origin: "desk")
        let refused = #expect(throws: PayError.self) { try f.pay("T2", .alipay, authCode: Barcode.alipay) }
        #expect(refused?.kind == .notPermitted)
        #expect(try f.attempts("T2").isEmpty)
    }

    @Test("query --refresh: any cashier may ask about an order waiting at the shared till; on another's paid sale it is refused before the channel is asked")
    func refreshChecksFirst() throws {
        let f = try PaymentFixture()
        f.context.actor = Self.alice
        try f.order("T3", 1_053)
        let unknown = try f.pay("T3", .alipay, authCode: Barcode.alipay)
        #expect(unknown.attempt?.status == .unknown)
        f.context.actor = Self.bob
        try Janitor(gateway: f.gateway).refresh(try f.order("T3"), context: f.context)
        #expect(try f.attempts("T3").first?.status == .succeeded, "the open order is the till's: bob's question settled it")

        // A refund in flight on alice's paid sale (the channel accepts it, and fails it later):
        // bob may not make the center ask about it.
        f.context.actor = Self.alice
        try f.order("T4", 1_058)
        let paid = try #require(try f.pay("T4", .alipay, authCode: Barcode.alipay).attempt)
        #expect(try f.refund(paid, "1.00").status == .processing)
        try f.advance("10m")
        f.context.actor = Self.bob
        let order = try f.order("T4")
        let refused = #expect(throws: PayError.self) { try Janitor(gateway: f.gateway).refresh(order, context: f.context) }
        #expect(refused?.kind == .notPermitted)
        #expect(try f.refunds("T4").first?.status == .processing, "the channel was not asked, so nothing was settled")
        f.context.actor = Self.alice
        try Janitor(gateway: f.gateway).refresh(order, context: f.context)
        #expect(try f.refunds("T4").first?.status == .failed, "asked by the one whose sale it is, the channel says it failed")
    }

    // MARK: Item 3: a stalled payer

    @Test("a payer that stalled after committing PROCESSING does not call the channel once the janitor took the attempt over")
    func stalledPayerGivesUp() throws {
        let f = try PaymentFixture()
        try f.order("T4", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.request("T4"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        // The paying process is stopped (SIGSTOP) for more than a minute: the janitor adopts the
        // attempt, the channel has not seen it, so it is revoked there and closed here.
        try f.advance("61s")
        try f.janitor()
        let given = try f.attempt(attempt.id)
        #expect(given.status == .closed)
        // The process resumes at its invoke step.
        let reply = try service.invoke(attempt, validated: validated, account: decision.chosen.account)
        #expect(reply == nil, "the channel must not be called")
        #expect(try Self.channelRecord(f, attempt)?.status != .paid, "the customer was not charged")
        #expect(try f.attempt(attempt.id).status == .closed)
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a payer claims only its own PROCESSING attempt: one another process owns is not charged from here")
    func claimIsOwnerBound() throws {
        let f = try PaymentFixture()
        try f.order("T13", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.request("T13"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        try f.store.write {
            try f.store.db.execute("UPDATE payment_attempts SET owner = ? WHERE id = ?", ["pid:1@another-till;boot=b;ns=n;start=1", attempt.id])
        }
        #expect(try service.invoke(attempt, validated: validated, account: decision.chosen.account) == nil)
        #expect(try Self.channelRecord(f, attempt) == nil, "the channel never heard of it")
        #expect(try f.attempt(attempt.id).status == .processing, "left to its owner (or the janitor)")
    }

    /// The ways a stalled request may reach each kind of channel late.
    enum LateRequest: String, CaseIterable, CustomTestStringConvertible {
        case alipayBarcode, wechatBarcode, unionpayBarcode, wechatPayCode, card, wallet
        var testDescription: String { rawValue }

        func request(_ no: String) throws -> PaymentRequest {
            let order = try MerchantOrderNo(no)
            return switch self {
            case .alipayBarcode: PaymentRequest(businessLine: PaymentFixture.retail, orderNo: order, method: .alipay, authCode: Barcode.alipay)
            case .wechatBarcode: PaymentRequest(businessLine: PaymentFixture.retail, orderNo: order, method: .wechat, authCode: Barcode.wechat)
            case .unionpayBarcode: PaymentRequest(businessLine: PaymentFixture.retail, orderNo: order, method: .unionpay, authCode: Barcode.unionpay)
            case .wechatPayCode: PaymentRequest(businessLine: PaymentFixture.retail, orderNo: order, method: .wechat)
            case .card: PaymentRequest(businessLine: PaymentFixture.retail, orderNo: order, method: .card, card: try TestCard.card(TestCard.success))
            case .wallet: PaymentRequest(businessLine: PaymentFixture.retail, orderNo: order, method: .wallet, customerId: "c-1")
            }
        }

        func mode(_ f: PaymentFixture, account: ChannelAccount) throws -> PayMode {
            switch self {
            case .alipayBarcode: .authCode(Barcode.alipay)
            case .wechatBarcode: .authCode(Barcode.wechat)
            case .unionpayBarcode: .authCode(Barcode.unionpay)
            case .wechatPayCode: .payCode
            case .card: .cardToken(try f.gateway.registry.cardPlugin(for: account).tokenize(try TestCard.card(TestCard.success)).token,
                                   challengeCompleted: false)
            case .wallet: .account("c-1")
            }
        }
    }

    @Test("the janitor revokes an abandoned attempt at the channel: a pay request that arrives after is refused there",
          arguments: LateRequest.allCases)
    func janitorRevokesAtTheChannel(late: LateRequest) throws {
        let f = try PaymentFixture()
        try f.order("T5", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try late.request("T5"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        try f.advance("61s")
        try f.janitor()
        #expect(try f.attempt(attempt.id).status == .closed)
        #expect(try f.order("T5").status == .created)
        // The request the stalled process had already handed to the network reaches the channel now.
        let plugin = try f.gateway.plugin(for: decision.chosen.account)
        let mode = try late.mode(f, account: decision.chosen.account)
        let reply = plugin.pay(PayRequest(serial: attempt.serial.rawValue, amount: attempt.amount, mode: mode, subject: "late"))
        if case .succeeded = reply.result { Issue.record("the channel charged a payment the center had revoked: \(reply.result)") }
        #expect(try Self.channelRecord(f, attempt)?.status != .paid)
        // Whatever that answer, recording it changes nothing: the attempt stays closed.
        try Settlement(f.context).apply(reply.result, to: attempt, barcode: false)
        #expect(try f.attempt(attempt.id).status == .closed)
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a success the channel reports after the center closed the attempt is refunded automatically, recorded and audited")
    func lateSuccessRefunded() throws {
        let f = try PaymentFixture()
        try f.order("T6", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.request("T6"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        try f.advance("61s")
        try f.janitor()
        #expect(try f.attempt(attempt.id).status == .closed)
        // A channel whose revoke did not hold: the request goes through after all.
        _ = try f.sandbox.db.execute("DELETE FROM sandbox_payments WHERE out_trade_no = ?", [attempt.serial.rawValue])
        let plugin = try f.gateway.plugin(for: decision.chosen.account)
        let late = plugin.pay(PayRequest(serial: attempt.serial.rawValue, amount: attempt.amount, mode: .authCode(Barcode.alipay), subject: "late"))
        guard case .succeeded = late.result else {
            Issue.record("the sandbox should take this payment: \(late.result)")
            return
        }
        try Settlement(f.context).apply(late.result, to: attempt, barcode: true)
        let settled = try f.attempt(attempt.id)
        #expect(settled.status == .succeeded, "the channel's word that it took the money is recorded")
        #expect(try f.store.attempts.duplicateState(attempt.id).duplicate, "and marked for the automatic refund")
        #expect(try f.order("T6").status != .paid, "the order is not paid by a payment the till gave up")
        #expect(try f.firingAlerts(rule: "payment.late-success").count == 1)
        try f.scanDuplicates()
        let refunds = try f.refunds("T6")
        #expect(refunds.count == 1 && refunds.first?.status == .succeeded && refunds.first?.amount == attempt.amount)
        #expect(try Self.channelRecord(f, attempt)?.refunded == attempt.amount, "the customer has the money back")
        let audit = try AuditLog(f.context).recent(limit: 20).map { "\($0.action) \($0.detail ?? "")" }
        #expect(audit.contains { $0.hasPrefix("payment.late-success") }, "\(audit)")
        #expect(audit.contains { $0.hasPrefix("refund.create") && $0.contains("automatic") }, "\(audit)")
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    // MARK: Item 6: the order follows its attempts

    @Test("an order whose only payment was declined is CREATED again, and can be paid", arguments: [PayPath.barcode, .card])
    func declinedOrderBackToCreated(path: PayPath) throws {
        let f = try PaymentFixture()
        try f.order("T7", 1_051)
        let outcome = try f.pay("T7", by: path)
        #expect(outcome.exitCode == 4)
        #expect(try f.order("T7").status == .created)
        #expect(outcome.detail.order.status == .created, "the answer shows the order as it is")
    }

    @Test("an order whose payment the janitor settles as not paid (54: timed out, never taken) is CREATED again")
    func janitorSettledOrderBackToCreated() throws {
        let f = try PaymentFixture()
        try f.order("T8", 1_054)
        #expect(try f.pay("T8", .alipay, authCode: Barcode.alipay).attempt?.status == .unknown)
        #expect(try f.order("T8").status == .paying, "UNKNOWN is in flight")
        try f.advance("61s")
        try f.janitor()
        #expect(try f.attempts("T8").first?.status.isFinal == true)
        #expect(try f.order("T8").status == .created)
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a pay code the customer's scan fails (51): the janitor's query settles it FAILED and the order is CREATED again")
    func failedPayCodeBackToCreated() throws {
        let f = try PaymentFixture()
        try f.order("T14", 1_051)
        let pending = try #require(try f.pay("T14", .wechat).attempt)
        #expect(pending.status == .pending)
        #expect(try f.order("T14").status == .paying)
        try f.advance("1m")
        try f.sandbox.advance()
        try f.deliverCallbacks()
        try f.janitor()
        #expect(try f.attempt(pending.id).status == .failed)
        #expect(try f.order("T14").status == .created)
        #expect(try f.pay("T14", .alipay, authCode: Barcode.alipay).exitCode == 4, "payable again (and declined again: 51)")
    }

    @Test("every account failing with a system error (59) leaves the order CREATED")
    func systemFailuresBackToCreated() throws {
        let f = try PaymentFixture()
        try f.order("T9", 1_059)
        let outcome = try f.pay("T9", .alipay, authCode: Barcode.alipay)
        #expect(outcome.exitCode == 4)
        #expect(try f.attempts("T9").allSatisfy { $0.status == .failed })
        #expect(try f.order("T9").status == .created)
    }

    // MARK: Item 8: a failure after the channel was called

    /// The gateway's transport seam: forwards to the sandbox and, once armed, runs `then` right
    /// after the sandbox answered the next request: here, another process takes the store's write
    /// lock, so the store answers SQLITE_BUSY (as it would SQLITE_FULL or IOERR on a full or
    /// failing disk) exactly when the channel's answer is being recorded.
    final class LockAfterAnswer: ChannelTransport {
        let inner: any ChannelTransport
        let other: Store
        var armed = false
        init(_ inner: any ChannelTransport, other: Store) {
            self.inner = inner
            self.other = other
        }
        func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage {
            let answer = try inner.send(request, channel: channel, account: account)
            if armed {
                armed = false
                try? other.db.execute("BEGIN IMMEDIATE")
            }
            return answer
        }
        func release() throws { try other.db.execute("ROLLBACK") }
    }

    /// A fixture whose channel calls go through `LockAfterAnswer`, and the store's busy wait shortened.
    static func faulty(_ f: PaymentFixture) throws -> (ChannelGateway, LockAfterAnswer) {
        let other = try Store.open(path: f.store.path)
        var transport: LockAfterAnswer?
        let gateway = try ChannelGateway(store: f.store, clock: f.context.clock) { sandbox in
            let wrapper = LockAfterAnswer(sandbox, other: other)
            transport = wrapper
            return wrapper
        }
        try f.store.db.execute("PRAGMA busy_timeout = 20")
        return (gateway, try #require(transport))
    }

    @Test("a store that fails after the channel charged: exit 5, 'do not charge again', and the janitor settles it")
    func failureAfterChannel() throws {
        let f = try PaymentFixture()
        try f.order("T10", 1_000)
        let (gateway, transport) = try Self.faulty(f)
        transport.armed = true
        let failed = #expect(throws: PayError.self) { try PaymentService(f.context, gateway: gateway).pay(try Self.request("T10")) }
        try transport.release()
        #expect(failed?.kind == .pending, "\(String(describing: failed))")
        #expect(failed?.exitCode == 5)
        #expect(failed?.message.contains("do not charge again; the center will settle it") == true, "\(String(describing: failed))")
        let attempt = try #require(try f.attempts("T10").first)
        #expect(failed?.message.contains(attempt.serial.rawValue) == true)
        #expect(try Self.channelRecord(f, attempt)?.status == .paid, "the channel took the money")
        #expect(attempt.status == .processing)
        try f.advance("61s")
        try f.janitor()
        #expect(try f.attempt(attempt.id).status == .succeeded)
        #expect(try f.order("T10").status == .paid)
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a store that fails after the channel refunded: exit 5, 'do not refund again', and the janitor settles it")
    func failureAfterRefundCall() throws {
        let f = try PaymentFixture()
        try f.order("T11", 1_000)
        let paid = try #require(try f.pay("T11", .alipay, authCode: Barcode.alipay).attempt)
        let (gateway, transport) = try Self.faulty(f)
        transport.armed = true
        let input = RefundRequestInput(paymentSerial: paid.serial, amountText: "4.00", reason: "test")
        let failed = #expect(throws: PayError.self) { try RefundService(f.context, gateway: gateway).refund(input) }
        try transport.release()
        #expect(failed?.kind == .pending, "\(String(describing: failed))")
        #expect(failed?.message.contains("do not refund again; the center will settle it") == true, "\(String(describing: failed))")
        let refund = try #require(try f.refunds("T11").first)
        #expect(refund.status == .processing)
        try f.advance("61s")
        try f.janitor()
        #expect(try f.store.refunds.find(id: refund.id)?.status == .succeeded)
        #expect(try f.order("T11").refundedAmount == cny(400))
        let problems = try FaultWindowTests.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a store that fails after the channel answered a close's revoke: exit 5, and the janitor settles the payment")
    func failureAfterRevoke() throws {
        let f = try PaymentFixture()
        try f.order("T12", 1_053)
        let unknown = try #require(try f.pay("T12", .alipay, authCode: Barcode.alipay).attempt)
        #expect(unknown.status == .unknown)
        let (gateway, transport) = try Self.faulty(f)
        transport.armed = true
        let failed = #expect(throws: PayError.self) { try CloseService(f.context, gateway: gateway).close(try f.order("T12")) }
        try transport.release()
        #expect(failed?.kind == .pending, "\(String(describing: failed))")
        #expect(failed?.message.contains("the center will settle it") == true, "\(String(describing: failed))")
        #expect(try f.attempt(unknown.id).status == .unknown)
        try f.advance("61s")
        try f.janitor()
        #expect(try f.attempt(unknown.id).status == .succeeded, "the money was taken (53): the order is paid, not closed")
        #expect(try f.order("T12").status == .paid)
    }
}
