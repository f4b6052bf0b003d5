import Testing
import Foundation
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

@Suite("Merchant notifications")
struct MerchantNotificationTests {
    @Test("the signature is HMAC-SHA256 of '<t>.<body>' (RFC 4231 vector for the primitive)")
    func signature() {
        #expect(Crypto.hmacSHA256Hex(secret: "Jefe", text: "what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let header = NotificationSignature.header(secret: "Jefe", body: Array("nothing?".utf8), unixSeconds: 1_700_000_000)
        #expect(header == "t=1700000000,v1=" + Crypto.hmacSHA256Hex(secret: "Jefe", text: "1700000000.nothing?"))
    }

    @Test("a queued notification is POSTed with its signature and the order's current state")
    func delivers() throws {
        let listener = try HTTPListener(statuses: [204])
        let f = try ServiceFixture(notifyURL: listener.url)
        let order = try f.order("N1")
        try f.store.write { try MerchantNotifications(f.context).enqueue(order, event: "order.paid") }
        let report = try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue()
        #expect(report.delivered == 1)
        let request = try #require(listener.requests.first)
        #expect(request.method == "POST")
        let json = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(json?["orderNo"] as? String == "N1")
        #expect(json?["event"] as? String == "order.paid")
        #expect(json?["status"] as? String == "CREATED", "the order's state at delivery time")
        let header = try #require(request.headers["paydesk-signature"])
        let t = header.split(separator: ",")[0].dropFirst(2)
        #expect(header == NotificationSignature.header(secret: "whsec_test", body: request.body, unixSeconds: Int64(t)!))
        #expect(try MerchantNotifications(f.context).deliverDue().delivered == 0, "delivered once, not again")
    }

    @Test("a failing endpoint is retried on the schedule; 2xx ends it")
    func retriesOnSchedule() throws {
        let listener = try HTTPListener(statuses: [500, 0, 200])
        let f = try ServiceFixture(notifyURL: listener.url)
        let order = try f.order("N2")
        try f.store.write { try MerchantNotifications(f.context).enqueue(order, event: "order.paid") }
        let notifier = { MerchantNotifications(f.context, timeoutSeconds: 5) }
        #expect(try notifier().deliverDue().retried == 1, "HTTP 500")
        #expect(try notifier().deliverDue() == DeliveryReport(), "not due before 15 s")
        try f.advance("15s")
        #expect(try notifier().deliverDue().retried == 1, "connection closed without an answer")
        try f.advance("14s")
        #expect(try notifier().deliverDue() == DeliveryReport())
        try f.advance("1s")
        #expect(try notifier().deliverDue().delivered == 1)
        let message = try #require(try f.store.outbox.forOrder(order.id).first)
        let attempts = try f.store.outbox.deliveries(message.id)
        #expect(attempts.map(\.httpStatus) == [500, nil, 200])
        #expect(listener.requests.count == 3)
    }

    @Test("an endpoint that never answers is given up after the whole schedule, with one alert")
    func failsAfterSchedule() throws {
        let f = try ServiceFixture(notifyURL: "http://127.0.0.1:9/down")
        let order = try f.order("N3")
        try f.store.write { try MerchantNotifications(f.context).enqueue(order, event: "order.paid") }
        var total = DeliveryReport()
        for delay in [Int64(0)] + NotificationSchedule.retryDelaysMs {
            _ = try f.store.write { try f.store.meta.advanceClock(by: max(delay, 1)) }
            try f.context.refreshClock()
            let round = try MerchantNotifications(f.context, timeoutSeconds: 2).deliverDue()
            total.retried += round.retried
            total.failed += round.failed
        }
        #expect(total.retried == 15)
        #expect(total.failed == 1)
        #expect((23...25).contains(NotificationSchedule.retryDelaysMs.reduce(0, +) / 3_600_000), "about 24 hours in all")
        let alerts = try f.store.alerts.rows(states: [.firing])
        #expect(alerts.count == 1 && alerts[0].rule == "notification.failed")
        #expect(try f.store.outbox.forOrder(order.id).first?.status == OutboxRepository.Status.failed)
    }

    @Test("no notify URL: nothing is queued")
    func noURL() throws {
        let f = try ServiceFixture()
        let order = try f.order("N4")
        try f.store.write { try MerchantNotifications(f.context).enqueue(order, event: "order.paid") }
        #expect(try f.store.outbox.forOrder(order.id).isEmpty)
    }
}

@Suite("Idempotency keys and leases")
struct IdempotencyAndLeaseTests {
    @Test("same key and request replays; other request conflicts; in flight conflicts")
    func idempotencyRules() throws {
        let f = try ServiceFixture()
        let key = try IdempotencyKey("k-1")
        let repo = f.store.idempotency
        #expect(try f.store.write { try repo.claim(scope: "pay", key: key, request: "a=1", owner: "p1", at: f.context.now) } == .proceed)
        #expect { try f.store.write { try repo.claim(scope: "pay", key: key, request: "a=1", owner: "p2", at: f.context.now) } }
            throws: { ($0 as? PayError)?.message.contains("still in flight") == true }
        try f.store.write { try repo.complete(scope: "pay", key: key, response: "{\"ok\":false}", exitCode: 4, at: f.context.now) }
        #expect(try f.store.write { try repo.claim(scope: "pay", key: key, request: "a=1", owner: "p2", at: f.context.now) }
                == .replay(response: "{\"ok\":false}", exitCode: 4), "failures are replayed too")
        #expect { try f.store.write { try repo.claim(scope: "pay", key: key, request: "a=2", owner: "p2", at: f.context.now) } }
            throws: { ($0 as? PayError)?.kind == .conflict }
        #expect(try f.store.write { try repo.claim(scope: "refund", key: key, request: "a=2", owner: "p2", at: f.context.now) } == .proceed,
                "keys are per scope")
        try f.advance("25h")
        #expect(try f.store.write { try repo.claim(scope: "pay", key: key, request: "a=2", owner: "p3", at: f.context.now) } == .proceed,
                "kept 24 hours, then free")
    }

    @Test("only one holder has the worker lease until it expires or is released")
    func lease() throws {
        let f = try ServiceFixture()
        let leases = f.store.leases
        let now = f.context.now
        #expect(try f.store.write { try leases.acquire("worker", holder: "a", ttlMilliseconds: 30_000, at: now) })
        #expect(try !f.store.write { try leases.acquire("worker", holder: "b", ttlMilliseconds: 30_000, at: now) })
        #expect(try f.store.write { try leases.acquire("worker", holder: "a", ttlMilliseconds: 30_000, at: now.adding(milliseconds: 20_000)) }, "renewed")
        #expect(try !f.store.write { try leases.acquire("worker", holder: "b", ttlMilliseconds: 30_000, at: now.adding(milliseconds: 40_000)) })
        #expect(try f.store.write { try leases.acquire("worker", holder: "b", ttlMilliseconds: 30_000, at: now.adding(milliseconds: 50_001)) }, "expired")
        try f.store.write { try leases.release("worker", holder: "b") }
        #expect(try f.store.write { try leases.acquire("worker", holder: "a", ttlMilliseconds: 30_000, at: now.adding(milliseconds: 50_002)) })
    }
}

@Suite("Expiry")
struct ExpiryJobTests {
    @Test("an expired order whose revoke the channel does not confirm is tried once a minute, not every round")
    func unconfirmedCloseBacksOff() throws {
        let f = try ServiceFixture()
        let order = try f.order("X1")
        try f.store.write {
            let attempt = try f.store.attempts.insert(NewPaymentAttempt(serial: f.context.serials.next(.payment), orderId: order.id,
                                                                        method: .wechat, mode: "pay-code", channel: "wechat",
                                                                        account: "wechat-direct", amount: order.amount), at: f.context.now)
            _ = try f.store.attempts.transition(attempt.id, from: .processing, to: .pending, at: f.context.now)
            _ = try f.store.orders.transition(order.id, from: .created, to: .paying, at: f.context.now)
        }
        let tries = Counter()
        let job = ExpiryJob(closeInFlight: { _, _ throws(PayError) in
            tries.count += 1
            throw PayError.pending("the channel did not confirm the revoke")
        })
        try f.advance("31m")
        #expect(try job.runDue(f.context) == 0)
        #expect(try job.runDue(f.context) == 0)
        try f.advance("30s")
        #expect(try job.runDue(f.context) == 0)
        #expect(tries.count == 1, "tried once in the first minute")
        try f.advance("31s")
        _ = try job.runDue(f.context)
        #expect(tries.count == 2)
        #expect(try f.store.orders.find(id: order.id)?.status == .paying, "never closed without the channel's word")
    }

    final class Counter { var count = 0 }
}
