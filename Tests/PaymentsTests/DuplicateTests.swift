import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// A customer who pays one order twice (DESIGN §4 "Duplicates"): the later payment is marked,
/// alerted and refunded automatically, with back-off when the refund fails; a held one waits.
@Suite("Duplicate payments")
struct DuplicateTests {
    /// Order `no` paid twice: an Alipay pay code the customer scans two minutes late, after they
    /// paid by WeChat barcode. Returns (the WeChat payment, the late Alipay one).
    func paidTwice(_ f: PaymentFixture, _ no: String, _ minor: Int64 = 10_000) throws -> (first: PaymentAttempt, late: PaymentAttempt) {
        try f.sandbox.setLatency(channel: "alipay", milliseconds: 120_000)
        try f.order(no, minor)
        let code = try #require(try f.pay(no, .alipay).attempt)
        #expect(code.status == .pending)
        // why: the pay code is still open (PENDING), so only a supervisor's override lets the
        // till take another payment: the way a customer can still pay twice.
        let wechat = try f.pay(no, .wechat, authCode: Barcode.wechat, overriddenBy: PaymentFixture.supervisor)
        #expect(wechat.exitCode == 0)
        try f.advance("2m")
        try f.deliverCallbacks()
        return (try #require(wechat.attempt), try f.attempt(code.id))
    }

    func duplicateState(_ f: PaymentFixture, _ attempt: PaymentAttempt) throws -> (duplicate: Bool, held: Bool) {
        try f.store.attempts.duplicateState(attempt.id)
    }

    @Test("the late payment is marked duplicate and alerted; the scanner refunds it; the order's own amounts never move")
    func lateScanIsRefunded() throws {
        let f = try PaymentFixture()
        let (first, late) = try paidTwice(f, "DU1")
        #expect(late.status == .succeeded, "the customer's money was taken")
        #expect(try duplicateState(f, late).duplicate)
        #expect(try !duplicateState(f, first).duplicate)
        #expect(try f.firingAlerts(rule: "payment.duplicate").count == 1)
        var order = try f.order("DU1")
        #expect(order.status == .paid && order.paidAmount == cny(10_000))
        #expect(try f.outboxTopics("DU1") == ["order.paid"])

        #expect(try f.scanDuplicates() == 1)
        let refunds = try f.refunds("DU1")
        #expect(refunds.count == 1)
        #expect(refunds.first?.attemptId == late.id)
        #expect(refunds.first?.amount == cny(10_000))
        #expect(refunds.first?.status == .succeeded)
        order = try f.order("DU1")
        #expect(order.status == .paid, "the order was paid once and is not refunded")
        #expect(order.paidAmount == cny(10_000) && order.refundedAmount.minorUnits == 0)
        #expect(try f.outboxTopics("DU1") == ["order.paid"])
        #expect(try f.sandbox.payment(channel: "alipay", outTradeNo: late.serial.rawValue)?.refunded == cny(10_000))
        #expect(try f.scanDuplicates() == 0, "refunded once")
        // The order's real payment is still refundable in full by an operator.
        #expect(try f.refund(first, "100.00").status == .succeeded)
        order = try f.order("DU1")
        #expect(order.status == .refunded && order.refundedAmount == cny(10_000))
    }

    @Test("an attempt left UNKNOWN by a process that died mid-call, then paid by callback after a second payment: duplicate, refunded")
    func unknownThenCallback() throws {
        let f = try PaymentFixture()
        try f.order("DU2", 10_000)
        // A process persists and calls the channel, then dies before recording the answer.
        let service = PaymentService(f.context, gateway: f.gateway)
        let validated = try service.validate(PaymentRequest(businessLine: PaymentFixture.retail, orderNo: try MerchantOrderNo("DU2"),
                                                            method: .alipay, authCode: Barcode.alipay))
        let account = try #require(try f.store.channelAccounts.find("alipay-main"))
        let orphan = try service.persist(validated, account: account)
        _ = try service.invoke(orphan, validated: validated, account: account)
        #expect(throws: PayError.self, "an attempt in progress blocks a second one") { try f.pay("DU2", .wechat, authCode: Barcode.wechat) }
        try f.advance("1m")
        #expect(try Janitor(gateway: f.gateway).adoptAbandoned(f.context) == 1)
        #expect(try f.attempt(orphan.id).status == .unknown)
        // The first is unconfirmed: paying again is refused until a supervisor overrides.
        #expect(throws: PayError.self, "an unconfirmed attempt blocks a second one") { try f.pay("DU2", .wechat, authCode: Barcode.wechat) }
        #expect(try f.pay("DU2", .wechat, authCode: Barcode.wechat, overriddenBy: PaymentFixture.supervisor).exitCode == 0)
        // Then Alipay's callback for the first arrives.
        try f.deliverCallbacks()
        #expect(try f.attempt(orphan.id).status == .succeeded)
        #expect(try duplicateState(f, try f.attempt(orphan.id)).duplicate)
        #expect(try f.firingAlerts(rule: "payment.duplicate").count == 1)
        #expect(try f.scanDuplicates() == 1)
        let order = try f.order("DU2")
        #expect(order.status == .paid && order.paidAmount == cny(10_000) && order.refundedAmount.minorUnits == 0)
        #expect(try f.refunds("DU2").map(\.status) == [.succeeded])
    }

    @Test("a failing automatic refund backs off 1, 2, 4 minutes and alerts after the third failure; it succeeds once the channel is back")
    func backoff() throws {
        let f = try PaymentFixture()
        let (_, late) = try paidTwice(f, "DU3")
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: true)
        #expect(try f.scanDuplicates() == 1)
        #expect(try f.refunds("DU3").map(\.status) == [.failed])
        try f.advance("59s")
        #expect(try f.scanDuplicates() == 0, "not before 1 minute")
        try f.advance("1s")
        #expect(try f.scanDuplicates() == 1)
        #expect(try f.firingAlerts(rule: "duplicate.refund-failing").isEmpty, "two failures: no alert yet")
        try f.advance("1m59s")
        #expect(try f.scanDuplicates() == 0, "not before 2 minutes")
        try f.advance("1s")
        #expect(try f.scanDuplicates() == 1)
        #expect(try f.firingAlerts(rule: "duplicate.refund-failing").count == 1)
        try f.advance("3m59s")
        #expect(try f.scanDuplicates() == 0, "not before 4 minutes")
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: false)
        try f.advance("1s")
        #expect(try f.scanDuplicates() == 1)
        let refunds = try f.refunds("DU3")
        #expect(refunds.map(\.status) == [.failed, .failed, .failed, .succeeded])
        #expect(refunds.allSatisfy { $0.attemptId == late.id })
        #expect(try f.order("DU3").refundedAmount.minorUnits == 0)
        #expect(try f.sandbox.payment(channel: "alipay", outTradeNo: late.serial.rawValue)?.refunded == cny(10_000))
    }

    @Test("a held duplicate is not refunded until released")
    func held() throws {
        let f = try PaymentFixture()
        let (_, late) = try paidTwice(f, "DU4")
        #expect(try f.store.write { try f.store.attempts.holdDuplicateRefund(late.id, hold: true) })
        #expect(try f.scanDuplicates() == 0)
        try f.advance("1h")
        #expect(try f.scanDuplicates() == 0)
        #expect(try f.refunds("DU4").isEmpty)
        #expect(try f.store.write { try f.store.attempts.holdDuplicateRefund(late.id, hold: false) })
        #expect(try f.scanDuplicates() == 1)
        #expect(try f.refunds("DU4").map(\.status) == [.succeeded])
    }

    @Test("an automatic refund the channel accepts and fails later (by callback, or found by the janitor's query) is counted, retried after 1, 2, 4 … minutes, and alerted after the third failure",
          arguments: [(true, 4), (false, 3)])
    func asynchronousFailureBacksOff(callbacksArrive: Bool, expectedTries: Int) throws {
        let f = try PaymentFixture()
        // 58: the late payment succeeds; its refunds are accepted, then fail in a later callback.
        let (_, late) = try paidTwice(f, "DU5", 10_058)
        #expect(try duplicateState(f, late).duplicate)
        try f.sandbox.setLatency(channel: "alipay", milliseconds: 30_000)
        // Ten minutes of worker rounds, one every 30 s, in the worker's order.
        for _ in 0..<20 {
            if callbacksArrive {
                try f.deliverCallbacks()
            } else {
                // why: the callbacks are lost on the way; only the janitor's queries learn the refunds failed.
                for callback in try f.sandbox.undeliveredCallbacks() { try f.sandbox.markDelivered(callback.id) }
            }
            try f.janitor()
            try f.scanDuplicates()
            try f.advance("30s")
        }
        let refunds = try f.refunds("DU5").filter { $0.attemptId == late.id }
        // Tries at about 0, 1½, 4 and 8½ minutes (by callback) or 0, 2, 5 minutes (by the janitor's
        // query a minute after each refund), not one every round.
        #expect(refunds.count == expectedTries, "\(refunds.map(\.createdAt))")
        let failed = refunds.filter { $0.status == .failed }
        #expect(failed.count >= 3)
        let state = try #require(try f.store.attempts.duplicateRefundState(late.id))
        #expect(state.failures == Int64(failed.count), "every failure counted once")
        // Each try waits 1, 2, 4 … minutes after the previous refund failed (at most one round more).
        for (index, pair) in zip(refunds, refunds.dropFirst()).enumerated() {
            let (previous, next) = pair
            #expect(previous.status == .failed)
            let wait = next.createdAt.milliseconds - previous.updatedAt.milliseconds
            let backoff = Int64(60_000) << index
            #expect(wait >= backoff && wait <= backoff + 30_000, "try \(index + 2) came \(wait) ms after the failure before it; back-off is \(backoff)")
        }
        if let last = failed.last {
            #expect(state.nextAt == last.updatedAt.adding(milliseconds: Int64(60_000) << (failed.count - 1)))
        }
        let alerts = try f.firingAlerts(rule: "duplicate.refund-failing")
        #expect(alerts.count == 1)
        #expect(alerts.first?.message.contains(late.serial.rawValue) == true)
        let order = try f.order("DU5")
        #expect(order.status == .paid && order.refundedAmount.minorUnits == 0)
    }

    @Test("four processes scanning at once refund a duplicate once, and none counts the others' refund as a failure")
    func scannersAtOnce() throws {
        let f = try PaymentFixture()
        let (_, late) = try paidTwice(f, "DU6", 10_058)
        try f.sandbox.setLatency(channel: "alipay", milliseconds: 30_000)
        let path = f.store.path
        let outcomes = concurrently(4) { _ -> String in
            do {
                let process = try ConcurrencyTests.Process(path: path)
                return String(try DuplicateScanner(gateway: process.gateway).runDue(process.context))
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes.allSatisfy { $0 == "0" || $0 == "1" }, "\(outcomes)")
        let refunds = try f.refunds("DU6").filter { $0.attemptId == late.id }
        #expect(refunds.count == 1 && refunds.first?.status == .processing, "\(refunds.map(\.status))")
        #expect(try f.store.attempts.duplicateRefundState(late.id)?.failures == 0)
        #expect(try f.firingAlerts(rule: "duplicate.refund-failing").isEmpty)
    }
}
