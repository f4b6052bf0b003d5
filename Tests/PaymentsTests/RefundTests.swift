import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Refunds: partial, several, never above the payment, the order's status and notifications,
/// and who may refund how much (DESIGN §3, §8).
@Suite("Refunds")
struct RefundTests {
    @Test("partial refunds move the order PAID → PARTIALLY_REFUNDED → REFUNDED, each notified; more than is left is a conflict",
          arguments: PayPath.allCases)
    func partialThenFull(path: PayPath) throws {
        let f = try PaymentFixture()
        try f.order("F1", 10_000)
        _ = try f.pay("F1", by: path)
        if path == .payCode {
            try f.advance("1s")
            try f.deliverCallbacks()
        }
        let paid = try #require(try f.attempts("F1").first)
        #expect(paid.status == .succeeded)
        #expect(try f.order("F1").status == .paid)

        #expect(try f.refund(paid, "30.00").status == .succeeded)
        var order = try f.order("F1")
        #expect(order.status == .partiallyRefunded && order.refundedAmount == cny(3_000))
        #expect(try f.refund(paid, "20.00").status == .succeeded)
        order = try f.order("F1")
        #expect(order.status == .partiallyRefunded && order.refundedAmount == cny(5_000))

        let over = #expect(throws: PayError.self) { try f.refund(paid, "50.01") }
        #expect(over?.kind == .conflict)
        #expect(try f.refunds("F1").count == 2, "a refused refund writes nothing")
        #expect(try f.order("F1").refundedAmount == cny(5_000))

        #expect(try f.refund(paid, "50.00").status == .succeeded)
        order = try f.order("F1")
        #expect(order.status == .refunded && order.refundedAmount == cny(10_000) && order.paidAmount == cny(10_000))
        #expect(try f.outboxTopics("F1") == ["order.paid", "order.refunded", "order.refunded", "order.refunded"])
        #expect(#expect(throws: PayError.self) { try f.refund(paid, "0.01") }?.kind == .conflict)
        // The refund callbacks the channel sends afterwards change nothing.
        try f.advance("5s")
        try f.deliverCallbacks()
        #expect(try f.order("F1").refundedAmount == cny(10_000))
        #expect(try f.refunds("F1").allSatisfy { $0.status == .succeeded })
    }

    @Test("a refund of an unpaid, declined or unknown payment is refused and writes nothing")
    func onlySucceeded() throws {
        let f = try PaymentFixture()
        try f.order("F2", 1_253)
        let unknown = try #require(try f.pay("F2", .alipay, authCode: Barcode.alipay).attempt)
        #expect(unknown.status == .unknown)
        #expect(#expect(throws: PayError.self) { try f.refund(unknown, "1.00") }?.kind == .conflict)
        #expect(try f.refunds("F2").isEmpty)
    }

    @Test("bad amounts are invalid input and write nothing", arguments: ["0.00", "-1.00", "1.001", "abc"])
    func badAmount(text: String) throws {
        let f = try PaymentFixture()
        try f.order("F3", 1_000)
        let paid = try #require(try f.pay("F3", .alipay, authCode: Barcode.alipay).attempt)
        let refused = #expect(throws: PayError.self) { try f.refund(paid, text) }
        #expect(refused?.kind == .invalidInput)
        #expect(try f.refunds("F3").isEmpty)
    }

    @Test("refunds against the order pick its one succeeded payment")
    func byOrder() throws {
        let f = try PaymentFixture()
        try f.order("F4", 1_000)
        _ = try f.pay("F4", .card, card: try TestCard.card(TestCard.success))
        let input = RefundRequestInput(order: (PaymentFixture.retail, try MerchantOrderNo("F4")), amountText: "10.00")
        let (refund, _, order) = try RefundService(f.context, gateway: f.gateway).refund(input)
        #expect(refund.status == .succeeded)
        #expect(order.status == .refunded)
    }

    @Test("four processes refunding 40.00 of a 100.00 payment at once: two succeed, two are refused, never more than paid")
    func concurrentRefunds() throws {
        let f = try PaymentFixture()
        try f.order("F5", 10_000)
        let paid = try #require(try f.pay("F5", .alipay, authCode: Barcode.alipay).attempt)
        let path = f.store.path
        let serial = paid.serial
        let results = concurrently(4) { _ -> String in
            do {
                let store = try Store.open(path: path)
                let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "tester"))
                let gateway = try ChannelGateway(store: store, clock: context.clock)
                let refund = try RefundService(context, gateway: gateway).refund(RefundRequestInput(paymentSerial: serial, amountText: "40.00")).0
                return refund.status.rawValue
            } catch let error as PayError {
                return "\(error.kind)"
            } catch {
                return "\(error)"
            }
        }
        #expect(results.filter { $0 == "SUCCEEDED" }.count == 2, "\(results)")
        #expect(results.filter { $0 == "conflict" }.count == 2, "\(results)")
        let order = try f.order("F5")
        #expect(order.refundedAmount == cny(8_000) && order.status == .partiallyRefunded)
        #expect(try f.store.refunds.committedMinor(attemptId: paid.id) == 8_000)
        #expect(try f.sandbox.payment(channel: "alipay", outTradeNo: serial.rawValue)?.refunded == cny(8_000))
    }

    @Test("a refund left PROCESSING by a process that died before calling the channel is failed by the janitor, and its amount freed")
    func abandonedRefund() throws {
        let f = try PaymentFixture()
        try f.order("F6", 10_000)
        let paid = try #require(try f.pay("F6", .alipay, authCode: Barcode.alipay).attempt)
        let orphan = try f.store.write {
            try f.store.refunds.insert(serial: f.context.serials.next(.refund), attempt: paid, refundNo: nil, amount: cny(10_000),
                                       reason: "the process died here", at: f.now)
        }
        #expect(#expect(throws: PayError.self) { try f.refund(paid, "0.01") }?.kind == .conflict, "the amount is promised")
        try f.advance("59s")
        try f.janitor()
        #expect(try f.store.refunds.find(id: orphan.id)?.status == .processing, "not before a minute")
        try f.advance("1s")
        try f.janitor()
        #expect(try f.store.refunds.find(id: orphan.id)?.status == .failed, "the channel never heard of it")
        #expect(try f.order("F6").refundedAmount.minorUnits == 0)
        #expect(try f.refund(paid, "100.00").status == .succeeded)
        #expect(try f.order("F6").status == .refunded)
    }

    @Test("a refund whose query fails (channel down) is not failed: it turns UNKNOWN and is asked again on the schedule")
    func orphanRefundDuringOutage() throws {
        let f = try PaymentFixture()
        try f.order("F8", 10_000)
        let paid = try #require(try f.pay("F8", .alipay, authCode: Barcode.alipay).attempt)
        let plugin = try f.gateway.plugin(for: try #require(try f.store.channelAccounts.find(paid.account)))
        let orphan = try f.store.write {
            try f.store.refunds.insert(serial: f.context.serials.next(.refund), attempt: paid, refundNo: nil, amount: cny(4_000),
                                       reason: "the process died after the call", at: f.now)
        }
        _ = plugin.refund(RefundRequest(refundSerial: orphan.serial.rawValue, paymentSerial: paid.serial.rawValue,
                                        channelSerial: paid.channelSerial, amount: cny(4_000), paymentAmount: paid.amount, reason: "test"))
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: true)
        try f.advance("1m")
        try f.janitor()
        #expect(try f.store.refunds.find(id: orphan.id)?.status == .unknown, "the channel could not be asked; the money may have moved")
        try f.advance("1m")
        #expect(try Janitor(gateway: f.gateway).queryRefunds(f.context) == 1, "a minute after it became unknown")
        #expect(try f.store.refunds.find(id: orphan.id)?.status == .unknown)
        try f.advance("1m")
        #expect(try Janitor(gateway: f.gateway).queryRefunds(f.context) == 0, "next look at 5 minutes, not every round")
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: false)
        try f.advance("2m")
        #expect(try Janitor(gateway: f.gateway).queryRefunds(f.context) == 1)
        #expect(try f.store.refunds.find(id: orphan.id)?.status == .succeeded)
        #expect(try f.order("F8").refundedAmount == cny(4_000))
    }

    @Test("a refund left PROCESSING after the channel accepted it is found SUCCEEDED by the janitor's query")
    func abandonedRefundThatWentThrough() throws {
        let f = try PaymentFixture()
        try f.order("F7", 10_000)
        let paid = try #require(try f.pay("F7", .alipay, authCode: Barcode.alipay).attempt)
        let orphan = try f.store.write {
            try f.store.refunds.insert(serial: f.context.serials.next(.refund), attempt: paid, refundNo: nil, amount: cny(4_000),
                                       reason: "the process died after the call", at: f.now)
        }
        let plugin = try f.gateway.plugin(for: try #require(try f.store.channelAccounts.find(paid.account)))
        let reply = plugin.refund(RefundRequest(refundSerial: orphan.serial.rawValue, paymentSerial: paid.serial.rawValue,
                                                channelSerial: paid.channelSerial, amount: cny(4_000), paymentAmount: paid.amount, reason: "test"))
        guard case .succeeded = reply.result else { Issue.record("the sandbox refused: \(reply)"); return }
        try f.advance("1m")
        try f.janitor()
        #expect(try f.store.refunds.find(id: orphan.id)?.status == .succeeded)
        let order = try f.order("F7")
        #expect(order.status == .partiallyRefunded && order.refundedAmount == cny(4_000))
    }

    // MARK: Who may refund

    static func cashier() -> Actor { Actor(name: "cashier", role: .cashier, origin: "test") }

    @Test("a cashier refunds an own sale within the limit (200.00) alone; above it only with a supervisor's approval")
    func cashierLimit() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        try f.order("G1", 50_000)
        let paid = try #require(try f.pay("G1", .alipay, authCode: Barcode.alipay).attempt)
        #expect(try f.refund(paid, "200.00").status == .succeeded)
        let alone = #expect(throws: PayError.self) { try f.refund(paid, "200.01") }
        #expect(alone?.kind == .notPermitted)
        #expect(alone?.message.contains("approval") == true)
        let peer = try OperatorService(f.context).login(name: "cashier", password: "demo", origin: "test")
        #expect(#expect(throws: PayError.self) { try f.refund(paid, "250.00", approver: peer) }?.kind == .notPermitted)
        let support = try OperatorService(f.context).login(name: "support", password: "demo", origin: "test")
        #expect(#expect(throws: PayError.self) { try f.refund(paid, "250.00", approver: support) }?.kind == .notPermitted,
                "support may not approve")
        #expect(try f.refunds("G1").count == 1, "refused refunds write nothing")
        let supervisor = try OperatorService(f.context).login(name: "supervisor", password: "demo", origin: "test")
        #expect(try f.refund(paid, "250.00", approver: supervisor).status == .succeeded)
        let order = try f.order("G1")
        #expect(order.status == .partiallyRefunded && order.refundedAmount == cny(45_000))
        let audit = try f.store.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'refund.create' AND detail LIKE '%approved by supervisor%'") ?? 0
        #expect(audit == 1)
    }

    @Test("a cashier may not refund another operator's sale; a supervisor may refund any amount alone")
    func ownSalesOnly() throws {
        let f = try PaymentFixture()
        try f.order("G2", 50_000)
        let paid = try #require(try f.pay("G2", .alipay, authCode: Barcode.alipay).attempt)
        f.context.actor = Self.cashier()
        #expect(#expect(throws: PayError.self) { try f.refund(paid, "1.00") }?.kind == .notPermitted)
        f.context.actor = try OperatorService(f.context).login(name: "supervisor", password: "demo", origin: "test")
        #expect(try f.refund(paid, "500.00").status == .succeeded)
        #expect(try f.order("G2").status == .refunded)
    }
}
