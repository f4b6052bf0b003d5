import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Issue 10 item 11: a cashier's refund limit applies to the sum of that cashier's refunds of the
/// sale (refunds not FAILED, the one asked for included), not to each refund alone.
@Suite("Refund limit over the sum of a cashier's refunds of a sale")
struct RefundLimitTests {
    static func cashier() -> Actor { Actor(name: "cashier", role: .cashier, origin: "test") }

    @Test("two 150.00 refunds of a 300.00 sale: the second needs approval (limit 200.00), and gets through with it")
    func splittingNeedsApproval() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        try f.order("L1", 30_000)
        let paid = try #require(try f.pay("L1", .alipay, authCode: Barcode.alipay).attempt)
        #expect(try f.refund(paid, "150.00").status == .succeeded)
        let second = #expect(throws: PayError.self) { try f.refund(paid, "150.00") }
        #expect(second?.kind == .notPermitted)
        #expect(second?.message.contains("approval") == true, "\(second?.message ?? "")")
        #expect(second?.message.contains("150.00 CNY already") == true, "\(second?.message ?? "")")
        #expect(try f.refunds("L1").count == 1, "the refused refund wrote nothing")
        // Small amounts cannot be slipped under the limit either.
        #expect(try f.refund(paid, "50.00").status == .succeeded, "150.00 + 50.00 is the limit itself")
        #expect(#expect(throws: PayError.self) { try f.refund(paid, "0.01") }?.kind == .notPermitted)
        let supervisor = try OperatorService(f.context).login(name: "supervisor", password: "demo", origin: "test")
        #expect(try f.refund(paid, "100.00", approver: supervisor).status == .succeeded)
        let order = try f.order("L1")
        #expect(order.status == .refunded && order.refundedAmount == cny(30_000))
    }

    @Test("a failed refund does not count, and another operator's refunds of the sale do not count towards the cashier's")
    func onlyTheCashiersRefundsNotFailed() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        // Trigger 58: the channel accepts refunds of this payment, then fails them in a callback.
        try f.order("L2", 40_058)
        let paid = try #require(try f.pay("L2", .alipay, authCode: Barcode.alipay).attempt)
        let first = try f.refund(paid, "190.00")
        #expect(first.status != .failed)
        #expect(#expect(throws: PayError.self) { try f.refund(paid, "20.00") }?.kind == .notPermitted)
        try f.deliverCallbacks()
        #expect(try f.store.refunds.find(id: first.id)?.status == .failed, "the channel failed the refund")
        // The failed 190.00 no longer counts.
        #expect(try f.refund(paid, "200.00").status != .failed)

        let g = try PaymentFixture(actor: Self.cashier())
        try g.order("L3", 50_000)
        let sale = try #require(try g.pay("L3", .alipay, authCode: Barcode.alipay).attempt)
        let cashier = g.context.actor
        g.context.actor = try OperatorService(g.context).login(name: "supervisor", password: "demo", origin: "test")
        #expect(try g.refund(sale, "250.00").status == .succeeded)
        g.context.actor = cashier
        #expect(try g.refund(sale, "200.00").status == .succeeded, "the supervisor's refund is not the cashier's")
    }

    @Test("six connections refunding 150.00 of a 300.00 sale at once as the cashier: exactly one gets through")
    func concurrentSplitting() throws {
        let f = try PaymentFixture(actor: Self.cashier())
        try f.order("L4", 30_000)
        let paid = try #require(try f.pay("L4", .alipay, authCode: Barcode.alipay).attempt)
        let path = f.store.path
        let serial = paid.serial
        let results = concurrently(6) { _ -> String in
            do {
                let store = try Store.open(path: path)
                let context = try ServiceContext(store: store, actor: Self.cashier())
                let gateway = try ChannelGateway(store: store, clock: context.clock)
                let input = RefundRequestInput(paymentSerial: serial, amountText: "150.00")
                return try RefundService(context, gateway: gateway).refund(input).0.status.rawValue
            } catch let error as PayError {
                return "\(error.kind)"
            } catch {
                return "\(error)"
            }
        }
        #expect(results.filter { $0 == "SUCCEEDED" }.count == 1, "\(results)")
        #expect(results.filter { $0 == "notPermitted" }.count == 5, "\(results)")
        #expect(try f.order("L4").refundedAmount == cny(15_000))
    }
}

@Suite("Refund limit decision with earlier refunds")
struct RefundLimitDecisionTests {
    let alice = Actor(name: "alice", role: .cashier, origin: "tty1")
    let victor = Actor(name: "victor", role: .supervisor, origin: "tty4")

    @Test("the amount asked for plus what the actor refunded of the sale before is held against the limit")
    func sumAgainstLimit() throws {
        let limit = cny(20_000)
        #expect(try RefundAuthorization.decide(actor: alice, approver: nil, saleOperator: "alice", amount: cny(5_000), limit: limit,
                                               earlier: cny(15_000)) == .withinRights)
        let error = #expect(throws: PayError.self) {
            try RefundAuthorization.decide(actor: alice, approver: nil, saleOperator: "alice", amount: cny(15_000), limit: limit,
                                           earlier: cny(15_000))
        }
        #expect(error?.message == "refund of 150.00 CNY (300.00 with the 150.00 CNY already refunded of this sale by alice) needs a supervisor's approval (limit 200.00 for cashier alice)")
        #expect(try RefundAuthorization.decide(actor: alice, approver: victor, saleOperator: "alice", amount: cny(15_000), limit: limit,
                                               earlier: cny(15_000)) == .approved(by: "victor"))
        // Sums past Int64 are refused, not trapped.
        #expect(#expect(throws: PayError.self) {
            try RefundAuthorization.decide(actor: alice, approver: nil, saleOperator: "alice", amount: cny(.max), limit: limit, earlier: cny(1))
        } != nil)
    }
}
