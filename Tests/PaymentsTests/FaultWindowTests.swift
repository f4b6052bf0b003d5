import Synchronization
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// Windows between two transactions, driven step by step: what another process (the expiry job,
/// the janitor, a second worker) may do there must not lose money or state.
@Suite("Fault windows")
struct FaultWindowTests {
    /// `paydesk check`'s findings, less the demo's paid orders: they were seeded before the
    /// fixture gave every business line a notify URL, so they have no order.paid row.
    static func problems(_ f: PaymentFixture) throws -> [String] {
        try InvariantChecker(f.context).run().problems.filter { !$0.hasPrefix("paid orders notified or queued") || $0.contains("order W") }
    }

    static func request(_ no: String) throws -> PaymentRequest {
        PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo(no), method: .alipay,
                       authCode: Barcode.alipay)
    }

    @Test("an order that expires between validate and persist gets no attempt, so the expiry job never closes it under one")
    func persistRechecksExpiry() throws {
        let f = try PaymentFixture()
        try f.order("W1", 1_000, expiresIn: 60_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.request("W1"))
        let decision = try service.route(validated)
        try f.advance("1m")
        // The expiry job runs here, in another process: it finds no attempt in flight.
        let refused = #expect(throws: PayError.self) { try service.persist(validated, account: decision.chosen.account) }
        #expect(refused?.kind == .conflict)
        #expect(try f.attempts("W1").isEmpty)
        try f.expire()
        #expect(try f.order("W1").status == .closed)
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("the expiry job leaves an order alone while it has a payment in flight, and closes it once that failed")
    func expiryLeavesInFlight() throws {
        let f = try PaymentFixture()
        try f.order("W2", 1_000, expiresIn: 60_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.request("W2"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        try f.advance("1m")
        try f.expire()
        #expect(try f.order("W2").status == .paying, "PROCESSING: close refuses, the order waits")
        let reply = try #require(try service.invoke(attempt, validated: validated, account: decision.chosen.account))
        let updated = try service.settle(attempt, reply: reply, validated: validated).attempt
        #expect(updated.status == .succeeded)
        try f.expire()
        let order = try f.order("W2")
        #expect(order.status == .paid && order.paidAmount.minorUnits == 1_000)
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a payer slower than the janitor's minute finds its attempt taken over and does not call the channel")
    func slowPayerGivesUp() throws {
        let f = try PaymentFixture()
        try f.order("W3", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(try Self.request("W3"))
        let decision = try service.route(validated)
        let attempt = try service.persist(validated, account: decision.chosen.account)
        // The paying process is slow (or stopped) for more than a minute: the janitor adopts the
        // attempt, asks the channel, which has not seen it, revokes it there and closes it here.
        try f.advance("61s")
        try f.janitor()
        #expect(try f.attempt(attempt.id).status == .closed)
        #expect(try service.invoke(attempt, validated: validated, account: decision.chosen.account) == nil)
        #expect(try f.sandbox.payment(channel: attempt.channel, outTradeNo: attempt.serial.rawValue)?.status != .paid)
        #expect(try f.order("W3").status == .created, "nothing in flight, nothing paid: payable again")
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Answers 200; on its first POST lets `during` run first (another deliverer, at that moment).
    final class InterleavingPoster: HTTPPosting, @unchecked Sendable {
        var during: (() -> Void)?
        let posts = Mutex<[String]>([])
        func post(url: String, body: [UInt8], headers: [String: String], timeoutSeconds: Double) -> HTTPPostResult {
            if let run = during {
                during = nil
                run()
            }
            posts.withLock { $0.append(String(decoding: body, as: UTF8.self)) }
            return HTTPPostResult(statusCode: 200, error: nil, durationMs: 1)
        }
    }

    @Test("two deliverers reading the same due notification (a worker lease that ran out mid-round) send it once")
    func notificationSentOnce() throws {
        let f = try PaymentFixture()
        try f.order("W4", 1_000)
        #expect(try f.pay("W4", .alipay, authCode: Barcode.alipay).attempt?.status == .succeeded)
        #expect(try f.outboxTopics("W4") == ["order.paid"])
        let other = try Store.open(path: f.store.path)
        let otherContext = try ServiceContext(store: other, actor: .system)
        let first = InterleavingPoster()
        let second = InterleavingPoster()
        first.during = { _ = try? MerchantNotifications(otherContext, poster: second).deliverDue() }
        _ = try MerchantNotifications(f.context, poster: first).deliverDue()
        let sent = (first.posts.withLock { $0 } + second.posts.withLock { $0 }).filter { $0.contains("\"orderNo\":\"W4\"") }
        #expect(sent.count == 1)
        let message = try #require(try f.store.outbox.forOrder(try f.order("W4").id).first)
        #expect(message.status == OutboxRepository.Status.delivered)
        #expect(try f.store.outbox.deliveries(message.id).count == 1)
    }

    @Test("a refund failed by the janitor's query and then answered 'refunded' by its slow call is alerted, not dropped")
    func lateRefundSuccessAlerted() throws {
        let f = try PaymentFixture()
        try f.order("W5", 1_000)
        let paid = try #require(try f.pay("W5", .alipay, authCode: Barcode.alipay).attempt)
        #expect(paid.status == .succeeded)
        // The refund is committed PROCESSING; its process then takes more than a minute to call.
        let refund = try f.store.write {
            try f.store.refunds.insert(serial: f.context.serials.next(.refund), attempt: paid, refundNo: nil,
                                       amount: cny(400), reason: "test", at: f.now)
        }
        try f.advance("61s")
        try f.janitor()
        #expect(try f.store.refunds.find(id: refund.id)?.status == .failed, "the channel had not heard of it")
        try RefundSettlement(f.context).apply(.succeeded(channelSerial: "RF-LATE-1"), to: refund, channelRefundSerial: "RF-LATE-1")
        #expect(try f.store.refunds.find(id: refund.id)?.status == .failed, "final stays final")
        #expect(try f.firingAlerts(rule: "refund.late-success").count == 1)
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a refund callback from another channel than the payment's, or naming another payment, changes nothing")
    func refundCallbackFromAnotherChannel() throws {
        let f = try PaymentFixture()
        // why: amounts ending in 58 are paid, and their refunds accepted for a later callback.
        try f.order("W6", 1_058)
        let paid = try #require(try f.pay("W6", .alipay, authCode: Barcode.alipay).attempt)
        let refund = try f.refund(paid, "1.00")
        #expect(refund.status == .processing)
        let service = CallbackService(f.context, gateway: f.gateway)
        let ack = ChannelAck(status: 200, body: "")
        let foreign = ChannelNotification(channel: "wechat", account: "wechat-main", kind: .refund, centerSerial: refund.serial.rawValue,
                                          paymentSerial: nil, channelSerial: "WX-RF-1", amount: cny(100), status: .succeeded,
                                          channelStatus: "SUCCESS", notificationId: nil)
        #expect(try service.apply(foreign, ack: ack, callbackId: 0).verdict == .suspicious)
        let otherPayment = ChannelNotification(channel: "alipay", account: paid.account, kind: .refund, centerSerial: refund.serial.rawValue,
                                               paymentSerial: "P00000000000000000000000000000", channelSerial: "AL-RF-1", amount: cny(100),
                                               status: .succeeded, channelStatus: "REFUND_SUCCESS", notificationId: nil)
        #expect(try service.apply(otherPayment, ack: ack, callbackId: 0).verdict == .suspicious)
        #expect(try f.store.refunds.find(id: refund.id)?.status == .processing)
        let order = try f.order("W6")
        #expect(order.status == .paid && order.refundedAmount.minorUnits == 0)
        // The channel's own callback still settles it.
        try f.advance("1m")
        try f.deliverCallbacks()
        #expect(try f.store.refunds.find(id: refund.id)?.status.isFinal == true)
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("orders in USD and JPY paid through paypal are refunded in their own currency, books agreeing", arguments: [
        (Currency.USD, Int64(2_500), "10.00", "15.00"), (Currency.JPY, Int64(3_000), "1000", "2000"),
    ])
    func otherCurrencies(currency: Currency, minor: Int64, first: String, rest: String) throws {
        let f = try PaymentFixture()
        let no = "W7\(currency.code)"
        try f.order(no, minor, currency: currency, customer: "cust-7")
        let outcome = try f.pay(no, .paypal, customer: "cust-7")
        let paid = try #require(outcome.attempt)
        #expect(paid.status == .succeeded && paid.amount == Money(minorUnits: minor, currency: currency))
        #expect(try f.refund(paid, first, approver: nil).amount.currency == currency)
        var order = try f.order(no)
        #expect(order.status == .partiallyRefunded && order.refundedAmount.currency == currency)
        _ = try f.refund(paid, rest)
        order = try f.order(no)
        #expect(order.status == .refunded && order.refundedAmount == order.paidAmount)
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a refund the channel keeps processing is looked at on the schedule, not every minute; one unresolved for 24 h is alerted")
    func processingRefundScheduledAndAlerted() throws {
        let f = try PaymentFixture()
        try f.order("W8", 1_058)
        let paid = try #require(try f.pay("W8", .alipay, authCode: Barcode.alipay).attempt)
        // why: a 58 refund is accepted and fails only when the sandbox's latency has passed.
        try f.sandbox.setLatency(channel: "alipay", milliseconds: 3_600_000)
        let refund = try f.refund(paid, "1.00")
        #expect(refund.status == .processing)
        func nextCheck() throws -> Int64? {
            try f.store.db.row("SELECT next_check_at FROM refunds WHERE id = ?", [refund.id])?.optionalInt64("next_check_at")
        }
        try f.advance("1m")
        try f.janitor()
        #expect(try nextCheck() == refund.createdAt.adding(milliseconds: 300_000).milliseconds, "the next look at 5 min")
        // The channel cannot be reached from now on: the refund becomes UNKNOWN and stays so.
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: true)
        for step in ["4m", "10m", "45m", "5h", "18h", "1h"] {
            try f.advance(step)
            try f.janitor()
        }
        #expect(try f.store.refunds.find(id: refund.id)?.status == .unknown)
        #expect(try f.firingAlerts(rule: "refund.unresolved").count == 1)
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }

    /// The sandbox, except that Alipay revokes (`alipay.trade.cancel`) time out while `failRevokes`.
    final class RevokeTimesOut: ChannelTransport {
        let inner: Sandbox
        var failRevokes = true
        var refused = 0
        init(_ inner: Sandbox) { self.inner = inner }
        func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage {
            let text = request.path + String(decoding: request.body, as: UTF8.self)
            if failRevokes, text.contains("alipay.trade.cancel") {
                refused += 1
                throw TransportError.timeout
            }
            return try inner.send(request, channel: channel, account: account)
        }
    }

    @Test("a barcode revoke the channel does not confirm leaves the payment PENDING, so the customer's late confirm is recorded")
    func unconfirmedRevokeKeepsPending() throws {
        let f = try PaymentFixture()
        try f.order("W9", 5_557)
        let pending = try #require(try f.pay("W9", .alipay, authCode: Barcode.alipay).attempt)
        #expect(pending.status == .pending)
        // The customer takes a long while to confirm on the phone.
        func customerConfirms(at time: Timestamp) throws {
            try f.sandbox.db.execute("UPDATE sandbox_payments SET due_at = ? WHERE out_trade_no = ?", [time.milliseconds, pending.serial.rawValue])
        }
        try customerConfirms(at: f.now.adding(milliseconds: 3_600_000))
        var transport: RevokeTimesOut?
        let gateway = try ChannelGateway(store: f.store, clock: f.context.clock) { sandbox in
            let wrapped = RevokeTimesOut(sandbox)
            transport = wrapped
            return wrapped
        }
        let janitor = Janitor(gateway: gateway)
        for _ in 0..<9 {
            try f.advance("5s")
            _ = try janitor.runDue(f.context)
        }
        #expect(try f.attempt(pending.id).status == .pending, "the revoke timed out: not closed")
        #expect((transport?.refused ?? 0) >= 1, "a revoke was tried")
        // The customer confirms after all; the next look finds the payment.
        try customerConfirms(at: f.now)
        try f.advance("15s")
        _ = try janitor.runDue(f.context)
        #expect(try f.attempt(pending.id).status == .succeeded)
        let order = try f.order("W9")
        #expect(order.status == .paid && order.paidAmount.minorUnits == 5_557)
        let problems = try Self.problems(f)
        #expect(problems.isEmpty, "\(problems)")
    }
}
