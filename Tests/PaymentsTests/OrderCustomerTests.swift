import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// The customer of an order changes only before it is paid and while no payment of it is open,
/// by someone who takes payments; bad input changes nothing.
@Suite struct OrderCustomerTests {
    @Test func theCustomerChangesOnlyWhileTheOrderIsUnpaidAndNoPaymentIsOpen() throws {
        let f = try PaymentFixture()
        let order = try f.order("C1", 1_000)
        let service = OrderService(f.context)
        #expect(try service.setCustomer(of: order, to: "M-1").customerId == "M-1")
        #expect(try f.order("C1").customerId == "M-1")
        #expect(try service.setCustomer(of: order, to: nil).customerId == nil)
        #expect(try f.order("C1").customerId == nil)
        _ = try service.setCustomer(of: order, to: "M-2")

        let blank = #expect(throws: PayError.self) { try service.setCustomer(of: order, to: " M-3") }
        #expect(blank?.kind == .invalidInput)
        #expect(blank?.message.contains("customer") == true)
        // A card number typed as the customer is kept masked, as on a new order.
        #expect(try service.setCustomer(of: order, to: "4242424242424242").customerId == "424242…4242")
        _ = try service.setCustomer(of: order, to: "M-2")

        // A pay code waiting for the customer: the payment is open, so the customer stays.
        _ = try f.pay("C1", .wechat)
        let open = #expect(throws: PayError.self) { try service.setCustomer(of: order, to: "M-3") }
        #expect(open?.kind == .conflict)
        #expect(open?.message.contains("payment in progress") == true)
        #expect(try f.order("C1").customerId == "M-2")

        let paid = try f.order("C2", 2_000)
        _ = try f.pay("C2", .wallet, customer: "W-1")
        let late = #expect(throws: PayError.self) { try service.setCustomer(of: paid, to: "M-4") }
        #expect(late?.kind == .conflict)
        #expect(late?.message.contains("PAID") == true)
        #expect(try f.order("C2").customerId == nil)
    }

    @Test func onlySomeoneWhoTakesPaymentsChangesTheCustomer() throws {
        let f = try PaymentFixture()
        let order = try f.order("C3", 1_000)
        let support = try ServiceContext(store: f.store, actor: Actor(name: "sam", role: .support, origin: "test"))
        let refused = #expect(throws: PayError.self) { try OrderService(support).setCustomer(of: order, to: "M-1") }
        #expect(refused?.kind == .notPermitted)
        #expect(try f.order("C3").customerId == nil)
    }
}
