import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Issue 15: refunds by items at the till — the amount follows from the items, an item is never
/// given back beyond its quantity (also by two tills at once), a failed refund gives its items
/// back, a supervisor approves above the limit, the void, and another operator's sale.
@Suite("Till refunds by items")
struct TillRefundTests {
    static func cashier(_ name: String = "cashier") -> Actor { Actor(name: name, role: .cashier, origin: "test") }

    /// A paid retail sale of 2 × 18.00 tea, 1 × 26.00 dumplings and 3 × 5.00 buns (77.00), by barcode.
    /// `endsIn58`: the channel accepts its refunds, then fails them in a callback.
    static func sale(_ f: PaymentFixture, _ no: String, endsIn58: Bool = false) throws -> TillSale {
        let items = [try LineItem(name: "珍珠奶茶", quantity: 2, unitPrice: cny(1800)),
                     try LineItem(name: "小笼包", quantity: 1, unitPrice: cny(2600)),
                     try LineItem(name: endsIn58 ? "bun special" : "bun", quantity: 3, unitPrice: cny(endsIn58 ? 586 : 500))]
        let total = items.reduce(Int64(0)) { $0 + $1.unitPrice.minorUnits * $1.quantity }
        let order = try OrderService(f.context).create(OrderDraft(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo(no),
                                                                  amount: cny(total), items: items)).order
        _ = try #require(try f.pay(no, .alipay, authCode: Barcode.alipay).attempt)
        return try TillService(f.context).sale(orderId: order.id)
    }

    static func refund(_ f: PaymentFixture, _ sale: TillSale, _ lines: [(Int, Int64)], approver: Actor? = nil,
                       reason: String? = nil) throws -> Refund {
        try TillService(f.context).refund(orderId: sale.order.id, lines: lines.map { RefundLineRequest(position: $0.0, quantity: $0.1) },
                                          approver: approver, reason: reason, key: try IdempotencyKey(UUID().uuidString), gateway: f.gateway)
    }

    @Test("a refund of one of three items: its amount follows from the item, and query's detail lists it")
    func oneItemOfThree() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        let sale = try Self.sale(f, "T1")
        let refund = try Self.refund(f, sale, [(1, 1)])
        #expect(refund.amount == cny(2600))
        #expect(refund.status == .succeeded)
        let after = try TillService(f.context).sale(orderId: sale.order.id)
        #expect(after.order.status == .partiallyRefunded)
        #expect(after.order.refundedAmount == cny(2600))
        #expect(after.refundable(1) == 0 && after.refundable(0) == 2 && after.refundable(2) == 3)
        #expect(after.refundLines[refund.id] == [RefundLine(position: 1, name: "小笼包", quantity: 1, amount: cny(2600))])
        let detail = try OrderService(f.context).detail(after.order)
        let json = OrderDetailJSON(detail)
        #expect(json.refunds.first?.lines == [RefundLineJSON(RefundLine(position: 1, name: "小笼包", quantity: 1, amount: cny(2600)))])
        let audit = try f.store.audit.newest(limit: 5).map(\.detail)
        #expect(audit.contains { $0?.contains("items 1× 小笼包") == true }, "\(audit)")
    }

    @Test("an item is never refunded beyond its quantity: the second refund of it is refused and writes nothing")
    func neverBeyondTheQuantity() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        let sale = try Self.sale(f, "T2")
        _ = try Self.refund(f, sale, [(0, 1)])
        _ = try Self.refund(f, sale, [(0, 1), (2, 1)])
        let error = #expect(throws: PayError.self) { try Self.refund(f, sale, [(0, 1)]) }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("'珍珠奶茶': 1 asked, 0 left") == true, "\(error?.message ?? "")")
        #expect(try f.refunds("T2").count == 2, "the refused refund wrote nothing")
        let over = #expect(throws: PayError.self) { try Self.refund(f, sale, [(2, 3)]) }
        #expect(over?.kind == .invalidInput || over?.kind == .conflict)
        let after = try TillService(f.context).sale(orderId: sale.order.id)
        #expect(after.refundedQuantities == [0: 2, 1: 0, 2: 1])
        // Bad input names the line and changes nothing.
        let missing = #expect(throws: PayError.self) { try Self.refund(f, sale, [(7, 1)]) }
        #expect(missing?.kind == .invalidInput && missing?.message.contains("refund line 8") == true)
        #expect(try f.refunds("T2").count == 2)
    }

    @Test("four connections refunding the same last item at once: exactly one gets it")
    func concurrentRefundsOfOneItem() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        let sale = try Self.sale(f, "T3")
        let path = f.store.path
        let orderId = sale.order.id
        let results = concurrently(4) { _ -> String in
            do {
                let store = try Store.open(path: path)
                let context = try ServiceContext(store: store, actor: Self.cashier())
                let gateway = try ChannelGateway(store: store, clock: context.clock)
                return try TillService(context).refund(orderId: orderId, lines: [RefundLineRequest(position: 1, quantity: 1)], approver: nil,
                                                       reason: nil, key: try IdempotencyKey(UUID().uuidString), gateway: gateway).status.rawValue
            } catch let error as PayError {
                return "\(error.kind)"
            } catch {
                return "\(error)"
            }
        }
        #expect(results.filter { $0 == "SUCCEEDED" }.count == 1, "\(results)")
        #expect(try f.refunds("T3").count == 1)
    }

    @Test("a refund the channel fails later gives its items back for another refund")
    func failedRefundReleasesItsItems() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        let sale = try Self.sale(f, "T4", endsIn58: true)
        #expect(sale.order.amount.minorUnits % 100 == 58)
        let first = try Self.refund(f, sale, [(1, 1)])
        #expect(first.status != .failed)
        #expect(try TillService(f.context).sale(orderId: sale.order.id).refundable(1) == 0)
        try f.deliverCallbacks()
        #expect(try f.store.refunds.find(id: first.id)?.status == .failed)
        let after = try TillService(f.context).sale(orderId: sale.order.id)
        #expect(after.refundable(1) == 1, "the failed refund's item is refundable again")
        #expect(try Self.refund(f, after, [(1, 1)]).status != .failed)
    }

    @Test("above the cashier's limit the till asks for a supervisor, and the refund goes through with one")
    func supervisorApproval() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        let items = [try LineItem(name: "watch", quantity: 2, unitPrice: cny(15_000))]
        let order = try OrderService(f.context).create(OrderDraft(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("T5"),
                                                                  amount: cny(30_000), items: items)).order
        _ = try f.pay("T5", .alipay, authCode: Barcode.alipay)
        let till = TillService(f.context)
        let sale = try till.sale(orderId: order.id)
        let small = try till.check(sale, lines: [RefundLineRequest(position: 0, quantity: 1)])
        #expect(small.amount == cny(15_000) && small.approval == nil)
        let large = try till.check(sale, lines: [RefundLineRequest(position: 0, quantity: 2)])
        #expect(large.amount == cny(30_000))
        #expect(large.approval?.contains("supervisor's approval") == true, "\(large.approval ?? "")")
        #expect(#expect(throws: PayError.self) { try Self.refund(f, sale, [(0, 2)]) }?.kind == .notPermitted)
        #expect(try f.refunds("T5").isEmpty)
        let supervisor = try OperatorService(f.context).login(name: "supervisor", password: "demo", origin: "test")
        let refund = try Self.refund(f, sale, [(0, 2)], approver: supervisor)
        #expect(refund.status == .succeeded)
        let audit = try f.store.audit.newest(limit: 5).compactMap(\.detail)
        #expect(audit.contains { $0.contains("approved by supervisor") }, "\(audit)")
    }

    @Test("another cashier's sale is not theirs to load or refund, and the till says so")
    func anotherOperatorsSale() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        let sale = try Self.sale(f, "T6")
        f.context.actor = Self.cashier("cashier2")
        let error = #expect(throws: PayError.self) { try TillService(f.context).find("T6") }
        #expect(error?.kind == .notPermitted)
        #expect(error?.message.contains("belongs to another operator (cashier)") == true, "\(error?.message ?? "")")
        #expect(#expect(throws: PayError.self) { try TillService(f.context).find("NO-SUCH-ORDER") }?.kind == .notFound)
        #expect(#expect(throws: PayError.self) { try Self.refund(f, sale, [(0, 1)]) }?.kind == .notPermitted)
        #expect(try TillService(f.context).todaysSales().isEmpty)
        f.context.actor = Self.cashier()
        #expect(try TillService(f.context).todaysSales().map(\.orderNo.description) == ["T6"])
    }

    @Test("a void refunds every item left the same day, labelled VOID; the next day it is refused")
    func voidSameDay() throws {
        let f = try PaymentFixture(actor: Self.cashier("boss"))
        f.context.actor = Actor(name: "supervisor", role: .supervisor, origin: "test")
        let sale = try Self.sale(f, "T7")
        let till = TillService(f.context)
        let lines = try till.voidLines(sale)
        #expect(lines == [RefundLineRequest(position: 0, quantity: 2), RefundLineRequest(position: 1, quantity: 1),
                          RefundLineRequest(position: 2, quantity: 3)])
        let refund = try Self.refund(f, sale, lines.map { ($0.position, $0.quantity) }, reason: TillService.voidReason)
        #expect(refund.amount == sale.order.amount && refund.reason == "VOID")
        let after = try till.sale(orderId: sale.order.id)
        #expect(after.order.status == .refunded)
        #expect(#expect(throws: PayError.self) { try till.voidLines(after) }?.kind == .conflict)

        let next = try Self.sale(f, "T8")
        try f.advance("1d")
        let late = #expect(throws: PayError.self) { try TillService(f.context).voidLines(next) }
        #expect(late?.message.contains("a void is for today's sales") == true, "\(late?.message ?? "")")
    }
}
