import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// Bad requests are refused with what and where, and change nothing; a payment interrupted by a
/// dead process is settled by the janitor.
@Suite("Validation and interrupted payments")
struct ValidationTests {
    func refused(_ f: PaymentFixture, _ no: String, _ request: PaymentRequest) -> PayError? {
        #expect(throws: PayError.self) { try PaymentService(f.context, gateway: f.gateway).pay(request) }
    }

    @Test("bad requests change nothing")
    func badRequests() throws {
        let f = try PaymentFixture()
        try f.order("V1", 1_000)
        let no = try MerchantOrderNo("V1")
        let line = PaymentFixture.retail
        let cases: [(PaymentRequest, PayError.Kind, String)] = [
            (PaymentRequest(businessLine: line, orderNo: no, amount: cny(999), method: .alipay, authCode: Barcode.alipay), .invalidInput, "owes 10.00"),
            (PaymentRequest(businessLine: line, orderNo: no, amount: Money(minorUnits: 1_000, currency: .USD), method: .alipay, authCode: Barcode.alipay), .invalidInput, "CNY"),
            (PaymentRequest(businessLine: line, orderNo: no, method: .alipay, authCode: Barcode.wechat), .invalidInput, "wechat payment code"),
            (PaymentRequest(businessLine: line, orderNo: no, method: .alipay, authCode: "12345"), .invalidInput, "auth-code"),
            (PaymentRequest(businessLine: line, orderNo: no, method: .card), .usage, "card's number, expiry and CVC"),
            (PaymentRequest(businessLine: line, orderNo: no, method: .wallet), .usage, "payer's customer id"),
            (PaymentRequest(businessLine: line, orderNo: try MerchantOrderNo("NOPE"), method: .alipay, authCode: Barcode.alipay), .notFound, "NOPE"),
        ]
        for (request, kind, words) in cases {
            let error = refused(f, "V1", request)
            #expect(error?.kind == kind, "\(request.canonical): \(String(describing: error))")
            #expect(error?.message.contains(words) == true, "\(String(describing: error?.message)) should say \(words)")
        }
        #expect(try f.attempts("V1").isEmpty)
        #expect(try f.order("V1").status == .created)
    }

    @Test("a paid order is not paid again: conflict, no attempt, no charge")
    func paidOnce() throws {
        let f = try PaymentFixture()
        try f.order("V2", 1_000)
        #expect(try f.pay("V2", .alipay, authCode: Barcode.alipay).exitCode == 0)
        #expect(#expect(throws: PayError.self) { try f.pay("V2", .wechat, authCode: Barcode.wechat) }?.kind == .conflict)
        #expect(try f.attempts("V2").count == 1)
    }

    @Test("a process killed after persisting, before calling the channel: the janitor adopts the attempt, finds nothing, closes it; the order can be paid")
    func killedBeforeTheCall() throws {
        let f = try PaymentFixture()
        try f.order("V3", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("V3"),
                                                            method: .alipay, authCode: Barcode.alipay))
        let orphan = try service.persist(validated, account: try #require(try f.store.channelAccounts.find("alipay-main")))
        #expect(#expect(throws: PayError.self) { try f.pay("V3", .alipay, authCode: Barcode.alipay) }?.kind == .conflict)
        try f.advance("1m")
        try f.janitor()
        #expect(try f.attempt(orphan.id).status == .closed)
        #expect(try f.pay("V3", .alipay, authCode: Barcode.alipay).exitCode == 0)
        let order = try f.order("V3")
        #expect(order.status == .paid && order.paidAmount == cny(1_000))
        #expect(try f.attempts("V3").map(\.status) == [.closed, .succeeded])
    }

    @Test("a process killed after the channel took the money: the janitor adopts the attempt and finds it paid")
    func killedAfterTheCall() throws {
        let f = try PaymentFixture()
        try f.order("V4", 1_000)
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("V4"),
                                                            method: .card, card: try TestCard.card(TestCard.success)))
        let account = try #require(try f.store.channelAccounts.find("acquirer-a"))
        let orphan = try service.persist(validated, account: account)
        _ = try service.invoke(orphan, validated: validated, account: account)
        try f.advance("1m")
        try f.janitor()
        #expect(try f.attempt(orphan.id).status == .succeeded)
        let order = try f.order("V4")
        #expect(order.status == .paid && order.paidAmount == cny(1_000))
        #expect(try f.outboxTopics("V4") == ["order.paid"])
    }

    @Test("the wallet pays from the customer's balance and its refund credits it back", arguments: [Int64(1_000), 1_051])
    func wallet(amount: Int64) throws {
        let f = try PaymentFixture()
        try f.order("V5", amount)
        let outcome = try f.pay("V5", .wallet, customer: "WALLET-1")
        if amount % 100 == 51 {
            #expect(outcome.exitCode == 4)
            #expect(try f.order("V5").paidAmount.minorUnits == 0)
            return
        }
        #expect(outcome.exitCode == 0)
        let paid = try #require(outcome.attempt)
        #expect(try f.refund(paid, "10.00").status == .succeeded)
        #expect(try f.order("V5").status == .refunded)
    }
}
