import Foundation
import Testing
import PayCore
import PayStore
import PayServices
import PayConsole
import TestSupport
@testable import paydesk

/// `--idempotency-key` on the money-moving commands and the console checkout's key, both through
/// `IdempotentRequests`: a retry replays the typed outcome, rendered as a first run would be.
@Suite("Idempotency keys from the command line and the checkout")
struct IdempotencyCommandTests {
    func payments(_ store: DemoStore, _ no: String) throws -> [[String: Any]] {
        let query = store.run(["query", "--order", no, "--business", "retail", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(query.stdout.utf8)) as? [String: Any]
        return json?["payments"] as? [[String: Any]] ?? []
    }

    @Test("a pay replayed with --json prints the first run's outcome as JSON, with its exit code")
    func replayRendersTheTypedOutcome() throws {
        let store = try DemoStore()
        #expect(store.run(["order", "create", "--business", "retail", "--order", "IC-1", "--amount", "15.00"]).exitCode == 0)
        let args = ["pay", "--business", "retail", "--order", "IC-1", "--method", "alipay", "--auth-code", "284567890123456789",
                    "--idempotency-key", "ic-1"]
        let first = store.run(args)
        #expect(first.exitCode == 0 && first.stdout.hasPrefix("Paid: order IC-1 15.00 CNY"), "\(first)")
        let text = store.run(args)
        #expect(text.exitCode == 0 && text.stdout == first.stdout, "\(text)")
        let json = store.run(args + ["--json"])
        #expect(json.exitCode == 0, "\(json)")
        let view = try JSONDecoder().decode(PayResultJSON.self, from: Data(json.stdout.utf8))
        #expect(view.order.orderNo == "IC-1" && view.payment?.status == "SUCCEEDED")
        #expect(first.stdout.contains(try #require(view.payment?.serial)))
        #expect(try payments(store, "IC-1").count == 1)
    }

    @Test("a declined pay is replayed with the same words and exit 4; order create and refund replay too")
    func declineCreateAndRefund() throws {
        let store = try DemoStore()
        let create = ["order", "create", "--business", "retail", "--order", "IC-2", "--amount", "15.51", "--idempotency-key", "oc-2"]
        let created = store.run(create)
        #expect(created.exitCode == 0 && created.stdout.hasPrefix("Created order IC-2"), "\(created)")
        let replayed = store.run(create + ["--json"])
        let order = try JSONSerialization.jsonObject(with: Data(replayed.stdout.utf8)) as? [String: Any]
        #expect(order?["created"] as? Bool == true, "the first run's answer: \(replayed)")
        let pay = ["pay", "--business", "retail", "--order", "IC-2", "--method", "wechat", "--auth-code", "134567890123456789",
                   "--idempotency-key", "ic-2"]
        let declined = store.run(pay)
        #expect(declined.exitCode == 4 && declined.stdout.hasPrefix("Declined:"), "\(declined)")
        #expect(store.run(pay).stdout == declined.stdout)
        #expect(store.run(pay).exitCode == 4)
        #expect(try payments(store, "IC-2").count == 1)

        #expect(store.run(["order", "create", "--business", "retail", "--order", "IC-3", "--amount", "20.00"]).exitCode == 0)
        let paid = store.run(["pay", "--business", "retail", "--order", "IC-3", "--method", "alipay", "--auth-code", "284567890123456789", "--json"])
        let serial = try #require(try JSONDecoder().decode(PayResultJSON.self, from: Data(paid.stdout.utf8)).payment?.serial)
        let refund = ["refund", "--payment", serial, "--amount", "5.00", "--idempotency-key", "rf-3"]
        let refunded = store.run(refund)
        #expect(refunded.exitCode == 0 && refunded.stdout.hasPrefix("Refund "), "\(refunded)")
        #expect(store.run(refund).stdout == refunded.stdout)
        let query = store.run(["query", "--order", "IC-3", "--business", "retail", "--json"])
        let detail = try JSONDecoder().decode(OrderDetailJSON.self, from: Data(query.stdout.utf8))
        #expect(detail.refunds.count == 1 && detail.order.refundedAmount == "5.00")
    }

    @Test("the checkout's submit retried under its attempt's key answers the first payment and charges once")
    func checkoutRetry() async throws {
        let store = try DemoStore()
        #expect(store.run(["order", "create", "--business", "retail", "--order", "IC-4", "--amount", "12.00"]).exitCode == 0)
        let opened = try Store.open(path: store.path)
        let order = try #require(try opened.orders.find(try BusinessLineCode("retail"), try MerchantOrderNo("IC-4")))
        let gateway = ServiceCheckoutGateway(storePath: store.path)
        let cashier = Actor.localAdministrator(unixUser: "tester")
        let method = CheckoutPaymentMethod.barcode(authCode: "284567890123456789")
        let first = await gateway.pay(order: order, method: method, otp: nil, override: nil, key: "checkout-1", operator: cashier)
        guard case .succeeded(let serial, _) = first else { Issue.record("not paid: \(first)"); return }
        // The same submit again (the answer was lost to a timeout): the first payment, no new charge.
        let retried = await ServiceCheckoutGateway(storePath: store.path)
            .pay(order: order, method: method, otp: nil, override: nil, key: "checkout-1", operator: cashier)
        #expect(retried == first)
        #expect(try payments(store, "IC-4").map { $0["serial"] as? String } == [serial])
        // A new attempt (a new key) is a new payment: the order is paid, so it is refused.
        let another = await gateway.pay(order: order, method: method, otp: nil, override: nil, key: "checkout-2", operator: cashier)
        #expect(another != first)
        #expect(try payments(store, "IC-4").count == 1)
    }
}
