import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Payments on several lanes (each its own store connection) whose writes share one group-commit
/// writer, as `paydesk serve` runs them: the guarded updates still decide, never the batching.
@Suite("Payments over group commit")
struct GroupCommitPaymentTests {
    /// Pays `request` on a lane of its own over `writer`: "exit N", or the refusal's kind.
    static func pay(_ request: PaymentRequest, path: String, writer: GroupCommitWriter) -> String {
        do {
            let store = try Store.open(path: path, groupCommit: writer)
            let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "lane"))
            let gateway = try ChannelGateway(store: store, clock: context.clock)
            return "exit \(try PaymentService(context, gateway: gateway).pay(request).exitCode)"
        } catch {
            return "\(error.kind)"
        }
    }

    @Test("four lanes paying one order at once through one writer: one charge, the others refused")
    func sameOrderOnce() throws {
        let f = try PaymentFixture()
        try f.order("G1", 3_000)
        let path = f.store.path
        let writer = try GroupCommitWriter(path: path)
        let request = PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("G1"), method: .alipay,
                                     authCode: Barcode.alipay)
        let results = concurrently(4) { _ in Self.pay(request, path: path, writer: writer) }
        #expect(results.filter { $0 == "exit 0" }.count == 1, "\(results)")
        #expect(results.filter { $0 == "conflict" }.count == 3, "\(results)")
        #expect(try f.attempts("G1").count == 1)
        let order = try f.order("G1")
        #expect(order.status == .paid && order.paidAmount == cny(3_000))
        #expect(try f.outboxTopics("G1") == ["order.paid"])
    }

    @Test("four lanes paying twelve orders at once through one writer: each paid exactly once, books balanced")
    func distinctOrders() throws {
        let f = try PaymentFixture()
        let numbers = (0..<12).map { "G2-\($0)" }
        for no in numbers { try f.order(no, 1_000) }
        let path = f.store.path
        let writer = try GroupCommitWriter(path: path)
        let requests = try numbers.map {
            PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo($0), method: .wechat, authCode: Barcode.wechat)
        }
        let results = concurrently(4) { lane in
            stride(from: lane, to: requests.count, by: 4).map { Self.pay(requests[$0], path: path, writer: writer) }
        }
        #expect(results.joined().allSatisfy { $0 == "exit 0" }, "\(results)")
        for no in numbers {
            #expect(try f.attempts(no).count == 1)
            let order = try f.order(no)
            #expect(order.status == .paid && order.paidAmount == cny(1_000), "\(no)")
        }
        #expect(writer.committedBatches > 0, "the lanes' writes went through the shared writer")
        // why the filter: the demo's own paid orders were seeded without notifications.
        let problems = try InvariantChecker(f.context).run().problems.filter { !$0.hasPrefix("paid orders notified or queued") || $0.contains("G2-") }
        #expect(problems.isEmpty, "\(problems)")
    }
}
