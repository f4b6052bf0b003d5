import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Paying, refunding and creating orders under idempotency keys (`IdempotentRequests`), as the
/// command line, the console and the API do: one charge per key, the typed outcome replayed.
@Suite("Idempotent payments")
struct IdempotentPaymentTests {
    static func request(_ no: String, key: String?, method: PaymentMethod = .alipay, authCode: String? = Barcode.alipay,
                        card: CardDetails? = nil) throws -> PaymentRequest {
        PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo(no), method: method, authCode: authCode,
                       card: card, idempotencyKey: try key.map { try IdempotencyKey($0) })
    }

    @Test("a paid request retried under its key answers the same payment and charges once")
    func replayOfSuccess() throws {
        let f = try PaymentFixture()
        try f.order("I1", 2_500)
        let requests = IdempotentRequests(f.context)
        let first = try requests.pay(try Self.request("I1", key: "k-i1"), gateway: f.gateway)
        let again = try requests.pay(try Self.request("I1", key: "k-i1"), gateway: f.gateway)
        #expect(first.replayed == false && again.replayed)
        #expect(first.outcome.kind == .succeeded && first.outcome.exitCode == 0)
        #expect(again.outcome == first.outcome)
        #expect(again.outcome.result.payment?.status == "SUCCEEDED")
        #expect(try f.attempts("I1").count == 1)
        #expect(try f.sandbox.sentCallbacks(orderNo: try #require(first.outcome.result.payment?.serial)).count <= 1)
        // Without the key the same request is a new one: the order is paid, so it is refused.
        #expect(throws: PayError.self) { try requests.pay(try Self.request("I1", key: nil), gateway: f.gateway) }
    }

    @Test("a declined card retried under its key gets the same decline, and the bank is asked once")
    func replayOfDecline() throws {
        let f = try PaymentFixture()
        try f.order("I2", 2_500)
        let requests = IdempotentRequests(f.context)
        let request = try Self.request("I2", key: "k-i2", method: .card, authCode: nil, card: try TestCard.card(TestCard.insufficientFunds))
        let first = try requests.pay(request, gateway: f.gateway)
        let again = try requests.pay(request, gateway: f.gateway)
        #expect(first.outcome.kind == .declined && first.outcome.exitCode == 4)
        #expect(first.outcome.result.payment?.failureCode == "INSUFFICIENT_FUNDS")
        #expect(again.replayed && again.outcome == first.outcome)
        #expect(try f.attempts("I2").count == 1)
        // The same key for another card is not this request.
        let other = try Self.request("I2", key: "k-i2", method: .card, authCode: nil, card: try TestCard.card(TestCard.success))
        let reused = #expect(throws: PayError.self) { try requests.pay(other, gateway: f.gateway) }
        #expect(reused?.kind == .conflict && reused?.failure == .idempotencyKeyReused)
        #expect(try f.attempts("I2").count == 1)
    }

    @Test("an unknown order under a key is refused and releases the key: once it exists, the same key pays it")
    func releaseOnNotFound() throws {
        let f = try PaymentFixture()
        let requests = IdempotentRequests(f.context)
        let missing = #expect(throws: PayError.self) { try requests.pay(try Self.request("I3", key: "k-i3"), gateway: f.gateway) }
        #expect(missing?.kind == .notFound)
        try f.order("I3", 900)
        let paid = try requests.pay(try Self.request("I3", key: "k-i3"), gateway: f.gateway)
        #expect(paid.replayed == false && paid.outcome.kind == .succeeded)
    }

    @Test("order create and refund under keys replay their typed outcomes")
    func createAndRefund() throws {
        let f = try PaymentFixture()
        let requests = IdempotentRequests(f.context)
        let draft = OrderDraft(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("I4"), amount: cny(4_000))
        let key = try IdempotencyKey("k-i4")
        let created = try requests.createOrder(draft, key: key)
        let again = try requests.createOrder(draft, key: key)
        #expect(created.outcome.created && created.replayed == false)
        #expect(again.replayed && again.outcome == created.outcome)
        let paid = try requests.pay(try Self.request("I4", key: nil), gateway: f.gateway)
        var input = RefundRequestInput(paymentSerial: try Serial(try #require(paid.outcome.result.payment?.serial)), amountText: "10.00",
                                       reason: "broken", idempotencyKey: try IdempotencyKey("k-r4"))
        input.reason = "broken"
        let refunded = try requests.refund(input, gateway: f.gateway)
        let refundedAgain = try requests.refund(input, gateway: f.gateway)
        #expect(refundedAgain.replayed && refundedAgain.outcome == refunded.outcome)
        #expect(refunded.outcome.result.refund.amount == "10.00")
        #expect(try f.refunds("I4").count == 1)
    }

    @Test("six threads, each with its own store connection, pay one order with one key at once: one charge")
    func sameKeyFromSeveralConnections() throws {
        let f = try PaymentFixture()
        try f.order("I5", 3_000)
        let path = f.store.path
        let request = try Self.request("I5", key: "k-i5")
        let results = concurrently(6) { _ -> String in
            do {
                let store = try Store.open(path: path)
                let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "racer"))
                let gateway = try ChannelGateway(store: store, clock: context.clock)
                let result = try IdempotentRequests(context).pay(request, gateway: gateway)
                return "\(result.replayed ? "replayed" : "ran") \(result.outcome.kind) \(result.outcome.result.payment?.serial ?? "-")"
            } catch let error as PayError {
                return "\(error.kind) \(error.failure?.rawValue ?? error.message)"
            } catch {
                return "\(error)"
            }
        }
        let attempts = try f.attempts("I5")
        #expect(attempts.count == 1, "\(results)")
        let serial = try #require(attempts.first?.serial.rawValue)
        #expect(results.filter { $0 == "ran succeeded \(serial)" }.count == 1, "\(results)")
        #expect(results.allSatisfy { $0 == "ran succeeded \(serial)" || $0 == "replayed succeeded \(serial)"
                    || $0 == "conflict IDEMPOTENCY_KEY_IN_USE" }, "\(results)")
        let order = try f.order("I5")
        #expect(order.status == .paid && order.paidAmount == cny(3_000))
        // After the race every retry replays the one payment.
        let late = try IdempotentRequests(f.context).pay(request, gateway: f.gateway)
        #expect(late.replayed && late.outcome.result.payment?.serial == serial)
    }
}
