import Testing
import Foundation
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// Channel callbacks never change money when duplicated, replayed, out of order, stale,
/// forged or tampered, or verified but not matching the payment (DESIGN §4).
@Suite("Callbacks")
struct CallbackTests {
    /// A pay code shown on `method`, scanned and paid by the sandbox; its callback is returned
    /// undelivered.
    func scannedPayCode(_ f: PaymentFixture, _ no: String, _ minor: Int64, _ method: PaymentMethod = .wechat) throws -> (PaymentAttempt, SandboxCallback) {
        try f.order(no, minor)
        let pending = try #require(try f.pay(no, method).attempt)
        #expect(pending.status == .pending)
        try f.advance("1s")
        let callback = try #require(try f.sentCallbacks(pending.serial).first)
        return (pending, callback)
    }

    func receive(_ f: PaymentFixture, _ callback: SandboxCallback, headers: [String: String]? = nil, body: [UInt8]? = nil) throws -> CallbackOutcome {
        try CallbackService(f.context, gateway: f.gateway).receive(channel: callback.channel, headers: headers ?? callback.headers,
                                                                   body: body ?? callback.body)
    }

    @Test("the same callback twice: applied once, the second acknowledged as a duplicate", arguments: ["alipay", "wechat", "unionpay"])
    func duplicated(channel: String) throws {
        let f = try PaymentFixture()
        let (pending, callback) = try scannedPayCode(f, "D1", 3_000, try PaymentMethod.parse(channel))
        let first = try receive(f, callback)
        #expect(first.verdict == .accepted)
        let second = try receive(f, callback)
        #expect(second.verdict == .duplicate)
        #expect(second.ack != nil, "a duplicate is acknowledged, so the channel stops resending")
        #expect(try f.attempt(pending.id).status == .succeeded)
        let order = try f.order("D1")
        #expect(order.status == .paid && order.paidAmount == cny(3_000))
        #expect(try f.outboxTopics("D1") == ["order.paid"])
        // The sandbox's own delivery of the same callback, a third time.
        try f.deliverCallbacks()
        #expect(try f.callbackVerdicts("D1") == ["accepted", "duplicate", "duplicate"])
        #expect(try f.order("D1").paidAmount == cny(3_000))
    }

    @Test("a genuine callback replayed after a refund changes nothing: the order stays refunded in part")
    func replayedAfterRefund() throws {
        let f = try PaymentFixture()
        let (pending, callback) = try scannedPayCode(f, "D2", 3_000, .alipay)
        #expect(try receive(f, callback).verdict == .accepted)
        let refund = try f.refund(try f.attempt(pending.id), "10.00")
        #expect(refund.status == .succeeded)
        try f.advance("2m")
        #expect(try receive(f, callback).verdict == .duplicate)
        let order = try f.order("D2")
        #expect(order.status == .partiallyRefunded)
        #expect(order.paidAmount == cny(3_000) && order.refundedAmount == cny(1_000))
        #expect(try f.outboxTopics("D2") == ["order.paid", "order.refunded"])
    }

    @Test("a WeChat callback replayed outside its 5-minute window is rejected as stale and recorded")
    func stale() throws {
        let f = try PaymentFixture()
        let (pending, callback) = try scannedPayCode(f, "D3", 3_000, .wechat)
        try f.advance("10m")
        let outcome = try receive(f, callback)
        #expect(outcome.verdict == .rejected)
        #expect(try f.attempt(pending.id).status == .pending)
        #expect(try f.order("D3").paidAmount.minorUnits == 0)
        #expect(try f.callbackVerdicts("D3").isEmpty, "a rejected callback names no order")
        let row = try #require(try f.store.db.row("SELECT verdict, reason FROM channel_callbacks WHERE id = ?", [outcome.callbackId]))
        #expect(row.string("verdict") == "rejected")
        #expect(row.optionalString("reason") != nil)
        // The janitor's query still settles it.
        try f.janitor()
        #expect(try f.order("D3").status == .paid)
    }

    @Test("out of order: the stale 'not paid' callback first changes nothing; the success after it pays once")
    func outOfOrder() throws {
        let f = try PaymentFixture()
        try f.order("D4", 4_456)
        let pending = try #require(try f.pay("D4", .alipay).attempt)
        try f.advance("5s")
        let callbacks = try f.sentCallbacks(pending.serial)
        #expect(callbacks.count == 4)
        let stale = try #require(callbacks.last)
        #expect(try receive(f, stale).verdict == .duplicate)
        #expect(try f.attempt(pending.id).status == .pending)
        #expect(try receive(f, callbacks[0]).verdict == .accepted)
        #expect(try receive(f, stale).verdict == .duplicate)
        let order = try f.order("D4")
        #expect(order.status == .paid && order.paidAmount == cny(4_456))
        #expect(try f.outboxTopics("D4") == ["order.paid"])
    }

    @Test("a tampered body or a forged signature is rejected, recorded, and changes nothing", arguments: ["alipay", "wechat", "unionpay"])
    func tampered(channel: String) throws {
        let f = try PaymentFixture()
        let (pending, callback) = try scannedPayCode(f, "D5", 3_000, try PaymentMethod.parse(channel))
        var body = callback.body
        // Flip one character near the end (inside the signed content or the signature itself).
        let index = try #require(body.indices.reversed().first { body[$0] >= 0x30 && body[$0] <= 0x39 || body[$0] >= 0x61 && body[$0] <= 0x66 })
        body[index] = body[index] == 0x31 ? 0x32 : 0x31
        #expect(try receive(f, callback, body: body).verdict == .rejected)
        var headers = callback.headers
        for (name, value) in headers where name.lowercased().contains("signature") {
            headers[name] = String(value.reversed())
        }
        if headers != callback.headers {
            #expect(try receive(f, callback, headers: headers).verdict == .rejected)
        }
        #expect(try f.attempt(pending.id).status == .pending)
        #expect(try f.order("D5").paidAmount.minorUnits == 0)
        #expect(try f.outboxTopics("D5").isEmpty)
        let rejected = try f.store.db.scalarInt("SELECT count(*) FROM channel_callbacks WHERE verdict = 'rejected'") ?? 0
        #expect(rejected >= 1)
        // The genuine one still works.
        #expect(try receive(f, callback).verdict == .accepted)
        #expect(try f.order("D5").paidAmount == cny(3_000))
    }

    @Test("a callback that verifies but names another amount is suspicious: kept, alerted, nothing changes")
    func mismatchedAmount() throws {
        let f = try PaymentFixture()
        let (pending, callback) = try scannedPayCode(f, "D6", 3_000, .wechat)
        try f.store.write { try f.store.db.execute("UPDATE payment_attempts SET amount_minor = 2999 WHERE id = ?", [pending.id]) }
        let outcome = try receive(f, callback)
        #expect(outcome.verdict == .suspicious)
        #expect(try f.attempt(pending.id).status == .pending)
        let order = try f.order("D6")
        #expect(order.status == .paying && order.paidAmount.minorUnits == 0)
        #expect(try f.outboxTopics("D6").isEmpty)
        #expect(try f.callbackVerdicts("D6") == ["suspicious"])
        let alerts = try f.firingAlerts(rule: "callback.suspicious")
        #expect(alerts.count == 1)
        #expect(alerts.first?.severity == "critical")
        // Delivered again: still suspicious, one alert (throttled, counted).
        #expect(try receive(f, callback).verdict == .suspicious)
        #expect(try f.firingAlerts(rule: "callback.suspicious").count == 1)
        #expect(try f.order("D6").paidAmount.minorUnits == 0)
    }

    @Test("a callback that verifies but names another currency is suspicious")
    func mismatchedCurrency() throws {
        let f = try PaymentFixture()
        let (pending, callback) = try scannedPayCode(f, "D7", 3_000, .alipay)
        try f.store.write { try f.store.db.execute("UPDATE payment_attempts SET currency = 'HKD' WHERE id = ?", [pending.id]) }
        #expect(try receive(f, callback).verdict == .suspicious)
        #expect(try f.attempt(pending.id).status == .pending)
        #expect(try f.order("D7").paidAmount.minorUnits == 0)
        #expect(try f.firingAlerts(rule: "callback.suspicious").count == 1)
    }

    @Test("a refund's failure callback delivered twice fails the refund once; the order's refunded amount never moves")
    func refundCallbackTwice() throws {
        let f = try PaymentFixture()
        try f.order("D8", 6_658)
        let paid = try #require(try f.pay("D8", .alipay, authCode: Barcode.alipay).attempt)
        let refund = try f.refund(paid, "66.58")
        try f.advance("1s")
        let callback = try #require(try f.sentCallbacks(refund.serial).first)
        #expect(callback.kind == "refund")
        #expect(try receive(f, callback).verdict == .accepted)
        #expect(try receive(f, callback).verdict == .duplicate)
        #expect(try f.store.refunds.find(id: refund.id)?.status == .failed)
        let order = try f.order("D8")
        #expect(order.status == .paid && order.refundedAmount.minorUnits == 0)
    }

    @Test("a success callback for a payment the center settled as CLOSED is suspicious and alerted, never silently dropped")
    func paidAfterClosed() throws {
        let f = try PaymentFixture()
        try f.sandbox.setLatency(channel: "wechat", milliseconds: 60_000)
        try f.order("D9", 3_000)
        let pending = try #require(try f.pay("D9", .wechat).attempt)
        // As if the center's revoke had been lost on the way: the center thinks it closed.
        try f.store.write { try f.store.db.execute("UPDATE payment_attempts SET status = 'CLOSED' WHERE id = ?", [pending.id]) }
        try f.advance("1m")
        try f.deliverCallbacks()
        #expect(try f.callbackVerdicts("D9") == ["suspicious"])
        #expect(try f.firingAlerts(rule: "callback.suspicious").count == 1)
        #expect(try f.attempt(pending.id).status == .closed)
        #expect(try f.order("D9").paidAmount.minorUnits == 0)
    }
}
