import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// While a payment of an order is unconfirmed (UNKNOWN: it may have gone through; PENDING: the
/// customer may still pay it) no other channel payment of that order starts, unless a supervisor
/// overrides: charging again could take the customer's money twice (ISSUE 10 item 5).
@Suite("Unconfirmed payments block a second charge")
struct UnconfirmedPaymentTests {
    /// An order whose first payment timed out at the channel (trigger 53: the sandbox took the money).
    func unknownOrder(_ f: PaymentFixture, _ no: String) throws -> PaymentAttempt {
        try f.order(no, 1_253)
        let first = try #require(try f.pay(no, .alipay, authCode: Barcode.alipay).attempt)
        #expect(first.status == .unknown)
        return first
    }

    @Test("a second payment while the first is UNKNOWN is refused (conflict, exit 7) before any channel call, saying why and what to do",
          arguments: PayPath.allCases)
    func unknownBlocksAnother(path: PayPath) throws {
        let f = try PaymentFixture()
        let first = try unknownOrder(f, "U1")
        let refused = #expect(throws: PayError.self) { try f.pay("U1", by: path) }
        #expect(refused?.kind == .conflict)
        #expect(refused?.exitCode == 7)
        let message = refused?.message ?? ""
        #expect(message.contains(first.serial.rawValue), "\(message)")
        #expect(message.contains("unconfirmed"), "\(message)")
        #expect(message.contains("supervisor"), "\(message)")
        // The service says what to do in words; the command line adds `query --refresh` (tested end to end).
        #expect(message.contains("Ask the channel now"), "\(message)")
        #expect(!message.contains("--"), "a service message names no command-line flag: \(message)")
        #expect(try f.attempts("U1").map(\.id) == [first.id], "no second attempt")
        // The first payment is settled as usual: the janitor finds it paid, once.
        try f.advance("1m")
        try f.janitor()
        #expect(try f.order("U1").status == .paid)
        #expect(try f.order("U1").paidAmount == cny(1_253))
    }

    @Test("a pay code the customer has not scanned yet (PENDING) blocks a barcode payment of the same order")
    func pendingBlocksAnother() throws {
        let f = try PaymentFixture()
        try f.sandbox.setLatency(channel: "wechat", milliseconds: 120_000)
        try f.order("U2", 3_000)
        let code = try #require(try f.pay("U2", .wechat).attempt)
        #expect(code.status == .pending)
        let refused = #expect(throws: PayError.self) { try f.pay("U2", .alipay, authCode: Barcode.alipay) }
        #expect(refused?.kind == .conflict)
        #expect(refused?.message.contains(code.serial.rawValue) == true)
        #expect(refused?.message.contains("PENDING") == true, "\(refused?.message ?? "")")
        #expect(try f.attempts("U2").count == 1)
    }

    @Test("once the unconfirmed payment is settled as failed, the order can be paid again without an override")
    func settledFailedFreesTheOrder() throws {
        let f = try PaymentFixture()
        try f.order("U3", 1_254)
        // 54: times out, the sandbox did not take the money.
        let first = try #require(try f.pay("U3", .alipay, authCode: Barcode.alipay).attempt)
        #expect(first.status == .unknown)
        try f.advance("1m")
        try f.janitor()
        #expect(try f.attempt(first.id).status.isFinal)
        #expect(try f.attempt(first.id).status != .succeeded)
        // A different amount is owed all the same; the order takes a second payment.
        #expect(try f.pay("U3", .wechat, authCode: Barcode.wechat).attempt != nil)
        #expect(try f.attempts("U3").count == 2)
    }

    @Test("a supervisor's override lets one more payment start; the override is written to the audit log with who allowed it")
    func supervisorOverrides() throws {
        let f = try PaymentFixture()
        let first = try unknownOrder(f, "U4")
        try f.advance("5s")
        // 12.53 pays by WeChat barcode too (trigger 53 times out everywhere): the second attempt is UNKNOWN as well.
        let second = try #require(try f.pay("U4", .wechat, authCode: Barcode.wechat, overriddenBy: PaymentFixture.supervisor).attempt)
        #expect(second.id != first.id)
        #expect(try f.attempts("U4").count == 2)
        let audit = try f.store.db.rows("SELECT action, detail FROM audit_log WHERE action = ?", ["payment.override-unconfirmed"])
        #expect(audit.count == 1)
        let detail = audit.first?.optionalString("detail") ?? ""
        #expect(detail.contains(first.serial.rawValue) && detail.contains(second.serial.rawValue), "\(detail)")
        #expect(detail.contains("allowed by supervisor"), "\(detail)")
        // The override was for that payment only: a third is refused again.
        #expect(throws: PayError.self) { try f.pay("U4", .unionpay, authCode: Barcode.unionpay) }
    }

    @Test("a cashier cannot override (not permitted, exit 8); nothing is written")
    func cashierCannotOverride() throws {
        let f = try PaymentFixture()
        _ = try unknownOrder(f, "U5")
        let cashier = Actor(name: "cashier", role: .cashier, origin: "test")
        let refused = #expect(throws: PayError.self) { try f.pay("U5", .wechat, authCode: Barcode.wechat, overriddenBy: cashier) }
        #expect(refused?.kind == .notPermitted)
        #expect(refused?.message.contains("supervisor or admin") == true, "\(refused?.message ?? "")")
        #expect(try f.attempts("U5").count == 1)
    }

    @Test("the store's guarded insert refuses a new attempt while one of the order is unconfirmed, and a second PROCESSING one even unguarded")
    func guardedInsertAndConstraint() throws {
        let f = try PaymentFixture()
        let first = try unknownOrder(f, "U6")
        func draft() -> NewPaymentAttempt {
            NewPaymentAttempt(serial: f.context.serials.next(.payment), orderId: first.orderId, method: .wechat, mode: "barcode",
                              channel: "wechat", account: "wechat-direct", amount: first.amount)
        }
        let blocked = try f.store.write { try f.store.attempts.insert(draft(), unlessOrderHas: [.processing, .unknown, .pending], at: f.now) }
        #expect(blocked == nil)
        let allowed = try f.store.write { try f.store.attempts.insert(draft(), unlessOrderHas: [.processing], at: f.now) }
        #expect(allowed?.status == .processing)
        // A writer that skipped the check still cannot put a second PROCESSING attempt beside it.
        #expect(throws: (any Error).self) { try f.store.write { try f.store.attempts.insert(draft(), at: f.now) } }
        #expect(try f.store.write { try f.store.attempts.insert(draft(), unlessOrderHas: [.processing], at: f.now) } == nil)
        #expect(try f.attempts("U6").count == 2)
    }

    @Test("four processes overriding at once while a pay code is PENDING: one more charge, the others refused")
    func overridesRacing() throws {
        let f = try PaymentFixture()
        try f.sandbox.setLatency(channel: "alipay", milliseconds: 120_000)
        try f.order("U7", 3_000)
        #expect(try f.pay("U7", .alipay).attempt?.status == .pending)
        let path = f.store.path
        var request = PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("U7"), method: .wechat,
                                     authCode: Barcode.wechat)
        request.unconfirmedOverride = PaymentFixture.supervisor
        let overriding = request
        let results = concurrently(4) { _ in ConcurrencyTests.Process.pay(overriding, path: path) }
        #expect(results.filter { $0 == "exit 0" }.count == 1, "\(results)")
        #expect(results.filter { $0 == "conflict" }.count == 3, "\(results)")
        #expect(try f.attempts("U7").count == 2)
        #expect(try f.order("U7").status == .paid && f.order("U7").paidAmount == cny(3_000))
    }
}

extension PaymentFixture {
    /// The demo store's supervisor, as `OperatorService.login` returns them.
    static let supervisor = Actor(name: "supervisor", role: .supervisor, origin: "test")

    /// Pays while an earlier payment of the order is unconfirmed, allowed by `overrider`.
    func pay(_ no: String, _ method: PaymentMethod, authCode: String? = nil, card: CardDetails? = nil, customer: String? = nil,
             overriddenBy overrider: Actor) throws -> PaymentOutcome {
        var request = PaymentRequest(businessLine: Self.retail, orderNo: try MerchantOrderNo(no), method: method, authCode: authCode,
                                     card: card, customerId: customer)
        request.unconfirmedOverride = overrider
        return try PaymentService(context, gateway: gateway).pay(request)
    }
}
