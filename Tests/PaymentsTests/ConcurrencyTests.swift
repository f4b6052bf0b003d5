import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Several processes (each its own store connection and sandbox connection) racing on one
/// order or one callback; the invariants are checked after.
@Suite("Racing processes")
struct ConcurrencyTests {
    /// A second "process" on the fixture's store: its own connections, the same files.
    final class Process {
        let store: Store
        let context: ServiceContext
        let gateway: ChannelGateway
        init(path: String) throws {
            store = try Store.open(path: path)
            context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "racer"))
            gateway = try ChannelGateway(store: store, clock: context.clock)
        }

        /// Pays `request` in a new process on the store at `path`: "exit N", or the refusal's kind.
        static func pay(_ request: PaymentRequest, path: String) -> String {
            do {
                let process = try Process(path: path)
                return "exit \(try PaymentService(process.context, gateway: process.gateway).pay(request).exitCode)"
            } catch let error as PayError {
                return "\(error.kind)"
            } catch {
                return "\(error)"
            }
        }
    }

    @Test("the same callback delivered by four processes at once: applied once, one accepted, three duplicates")
    func sameCallbackAtOnce() throws {
        let f = try PaymentFixture()
        try f.order("X1", 3_000)
        let pending = try #require(try f.pay("X1", .wechat).attempt)
        try f.advance("1s")
        let callback = try #require(try f.sentCallbacks(pending.serial).first)
        let path = f.store.path
        let verdicts = concurrently(4) { _ -> String in
            do {
                let process = try Process(path: path)
                return try CallbackService(process.context, gateway: process.gateway)
                    .receive(channel: callback.channel, headers: callback.headers, body: callback.body).verdict.rawValue
            } catch {
                return "\(error)"
            }
        }
        #expect(verdicts.filter { $0 == "ACCEPTED" }.count == 1, "\(verdicts)")
        #expect(verdicts.filter { $0 == "DUPLICATE" }.count == 3, "\(verdicts)")
        let order = try f.order("X1")
        #expect(order.status == .paid && order.paidAmount == cny(3_000))
        #expect(try f.outboxTopics("X1") == ["order.paid"])
        #expect(try f.callbackVerdicts("X1").sorted() == ["accepted", "duplicate", "duplicate", "duplicate"])
    }

    @Test("four processes paying one order by barcode at once: one charge, the others refused")
    func samePaymentAtOnce() throws {
        let f = try PaymentFixture()
        try f.order("X2", 3_000)
        let path = f.store.path
        let request = PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("X2"), method: .alipay,
                                     authCode: Barcode.alipay)
        let results = concurrently(4) { _ in Process.pay(request, path: path) }
        #expect(results.filter { $0 == "exit 0" }.count == 1, "\(results)")
        #expect(results.filter { $0 == "conflict" }.count == 3, "\(results)")
        #expect(try f.attempts("X2").count == 1)
        let order = try f.order("X2")
        #expect(order.status == .paid && order.paidAmount == cny(3_000))
        #expect(try f.outboxTopics("X2") == ["order.paid"])
    }

    @Test("a close racing the janitor's query of an UNKNOWN payment: the order ends either paid or closed, never both, never lost")
    func closeRacingJanitor() throws {
        let f = try PaymentFixture()
        try f.order("X3", 1_253)
        let unknown = try #require(try f.pay("X3", .alipay, authCode: Barcode.alipay).attempt)
        try f.advance("1m")
        let path = f.store.path
        let results = concurrently(2) { index -> String in
            do {
                let process = try Process(path: path)
                if index == 0 {
                    _ = try Janitor(gateway: process.gateway).runDue(process.context)
                    return "queried"
                }
                _ = try CloseService(process.context, gateway: process.gateway).close(try #require(try process.store.orders.find(id: unknown.orderId)))
                return "closed"
            } catch {
                return "\(error)"
            }
        }
        let attempt = try f.attempt(unknown.id)
        #expect(attempt.status == .succeeded, "the sandbox took the money: \(results)")
        let order = try f.order("X3")
        #expect(order.status == .paid && order.paidAmount == cny(1_253))
        #expect(try f.outboxTopics("X3") == ["order.paid"])
    }
}
