import Foundation
import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// The business line's details in the order's timeline: on its creation, and the insurance
/// policy issued when it is paid through the sandbox.
@Suite("Order details in the timeline")
struct OrderDetailsTimelineTests {
    @Test("an insurance order's creation shows its holder and cover; its payment issues the policy")
    func insurancePolicyIssuedOnPayment() throws {
        let f = try PaymentFixture()
        let line = try BusinessLineCode("insurance")
        let orders = OrderService(f.context)
        let draft = try orders.priced(OrderDraft(businessLine: line, orderNo: try MerchantOrderNo("IN-7"),
                                                 amount: Money(minorUnits: 26_800, currency: .CNY),
                                                 attributes: ["holder": "张伟 Zhang Wei", "coverFrom": "2026-12-01", "coverTo": "2026-12-31"]))
        let order = try orders.create(draft).order
        let before = try OrderTimeline(f.context).entries(orderId: order.id)
        #expect(before.first?.summary == "order created CREATED · Policyholder 张伟 Zhang Wei · Insured 张伟 Zhang Wei · Cover 2026-12-01 → 2026-12-31")
        #expect(!before.contains { $0.summary.contains("policy PL") }, "no policy before payment")

        let paid = try PaymentService(f.context, gateway: f.gateway).pay(PaymentRequest(
            businessLine: line, orderNo: order.orderNo, method: .alipay, authCode: Barcode.alipay))
        #expect(paid.attempt?.status == .succeeded)
        let after = try OrderTimeline(f.context).entries(orderId: order.id)
        let issued = try #require(after.first { $0.kind == .transition && $0.summary.hasPrefix("order ") && $0.summary.contains("→ PAID") })
        let fresh = try #require(try f.store.orders.find(id: order.id))
        let policy = try #require(InsurancePolicy.number(for: fresh, details: LineDetails(stored: fresh.attributes, currency: .CNY)))
        #expect(issued.summary.hasSuffix("→ PAID · policy \(policy) issued"), "\(issued.summary)")
    }

    @Test("an order without details keeps its plain creation row")
    func plainOrder() throws {
        let f = try PaymentFixture()
        let order = try f.order("PLAIN-1", 1_000)
        #expect(try OrderTimeline(f.context).entries(orderId: order.id).first?.summary == "order created CREATED")
    }
}
