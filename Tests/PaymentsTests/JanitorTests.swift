import Testing
import Foundation
import Synchronization
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// The janitor's schedules (DESIGN §4) and one whole worker round.
@Suite("Janitor and worker")
struct JanitorTests {
    @Test("an UNKNOWN the channel cannot answer is queried at 1 min, 5 min, 15 min, 1 h, 6 h and 24 h, then alerted")
    func querySchedule() throws {
        let f = try PaymentFixture()
        try f.order("J1", 1_253, expiresIn: 3 * 86_400_000)
        let unknown = try #require(try f.pay("J1", .alipay, authCode: Barcode.alipay).attempt)
        #expect(unknown.status == .unknown)
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: true)
        var queriedAt: [Int64] = []
        let start = f.now
        // Walk a day and a bit in 30 s steps up to 20 min, then 5 min steps.
        while f.now.milliseconds - start.milliseconds < 86_400_000 + 600_000 {
            let age = f.now.milliseconds - start.milliseconds
            try f.advance(age < 1_200_000 ? "30s" : "5m")
            if try Janitor(gateway: f.gateway).queryAttempts(f.context) > 0 {
                queriedAt.append((f.now.milliseconds - start.milliseconds) / 60_000)
            }
        }
        #expect(queriedAt == [1, 5, 15, 60, 360, 1440], "minutes after the attempt")
        #expect(try f.attempt(unknown.id).status == .unknown, "never resolved blindly")
        #expect(try f.firingAlerts(rule: "payment.unknown").count == 1)
        let alert = try #require(try f.store.read { try f.store.alerts.open(rule: "payment.unknown") }.first)
        #expect(alert.key == "attempt:\(unknown.id)" && alert.severity == "critical", "the timeline finds it by its subject")
        #expect(alert.labels == AlertLabels(["channel": "alipay", "account": unknown.account]).fingerprint,
                "it carries where the money went, so a silence or an inhibition can match it")
        // The channel comes back: the next daily query settles it.
        try f.sandbox.setOutage(channel: "alipay", account: nil, on: false)
        try f.advance("24h")
        try f.janitor()
        #expect(try f.attempt(unknown.id).status == .succeeded)
        #expect(try f.order("J1").status == .paid)
    }

    @Test("a barcode the customer never confirms is polled every 5 s and revoked at 45 s")
    func barcodeRevokedAfter45s() throws {
        let f = try PaymentFixture()
        try f.order("J2", 5_557)
        let pending = try #require(try f.pay("J2", .alipay, authCode: Barcode.alipay).attempt)
        #expect(pending.status == .pending)
        // The customer looks at the phone and never confirms.
        _ = try f.sandbox.db.execute("UPDATE sandbox_payments SET due_at = ? WHERE out_trade_no = ?",
                                     [f.now.adding(milliseconds: 3_600_000).milliseconds, pending.serial.rawValue])
        var polls = 0
        for _ in 1...9 {
            try f.advance("5s")
            polls += try f.janitor()
            if try f.attempt(pending.id).status.isFinal { break }
        }
        #expect(polls == 9, "at 5, 10 … 45 s")
        #expect(try f.attempt(pending.id).status == .closed)
        #expect(try f.sandbox.payment(channel: "alipay", outTradeNo: pending.serial.rawValue)?.status == .revoked)
        let order = try f.order("J2")
        #expect(order.paidAmount.minorUnits == 0 && order.status == .created, "nothing in flight, nothing paid: payable again")
    }

    @Test("a barcode confirmed at 10 s but first polled at 50 s is paid, not revoked")
    func confirmedBeforeLatePoll() throws {
        let f = try PaymentFixture()
        try f.order("J3", 5_557)
        let pending = try #require(try f.pay("J3", .alipay, authCode: Barcode.alipay).attempt)
        try f.advance("50s")
        try f.janitor()
        #expect(try f.attempt(pending.id).status == .succeeded)
        #expect(try f.order("J3").status == .paid)
    }

    /// Records every POST and answers 200.
    final class RecordingPoster: HTTPPosting {
        let posts = Mutex<[(url: String, body: [UInt8], headers: [String: String])]>([])
        func post(url: String, body: [UInt8], headers: [String: String], timeoutSeconds: Double) -> HTTPPostResult {
            posts.withLock { $0.append((url, body, headers)) }
            return HTTPPostResult(statusCode: 200, error: nil, durationMs: 1)
        }
    }

    @Test("one worker round delivers the scan's callback, settles the payment and notifies the merchant, signed")
    func workerRound() throws {
        let f = try PaymentFixture()
        try f.order("J4", 2_000)
        let pending = try #require(try f.pay("J4", .unionpay).attempt)
        try f.advance("1s")
        let poster = RecordingPoster()
        let worker = Worker(context: f.context, jobs: PaymentJobs.all(gateway: f.gateway, poster: poster))
        let round = try worker.runOnce()
        #expect(round.ranJobs)
        #expect(round.errors.isEmpty, "\(round.errors)")
        #expect(try f.attempt(pending.id).status == .succeeded)
        let posts = poster.posts.withLock { $0 }.filter { String(decoding: $0.body, as: UTF8.self).contains("\"J4\"") }
        #expect(posts.count == 1)
        let post = try #require(posts.first)
        let json = try JSONSerialization.jsonObject(with: Data(post.body)) as? [String: Any]
        #expect(json?["status"] as? String == "PAID")
        #expect(json?["paidAmount"] as? String == "20.00")
        let header = try #require(post.headers[NotificationSignature.headerName])
        let t = Int64(header.split(separator: ",")[0].dropFirst(2))!
        #expect(header == NotificationSignature.header(secret: "demo-secret-retail", body: post.body, unixSeconds: t))
        worker.releaseLease()
    }
}
