import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// The order timeline (issue 11) over real payments through the sandbox: every source shows up,
/// in time order, masked, with the overdue rows as of the simulated clock.
@Suite("Order timeline")
struct OrderTimelineTests {
    /// Answers every merchant notification with one HTTP status.
    struct FixedPoster: HTTPPosting {
        let status: Int
        func post(url: String, body: [UInt8], headers: [String: String], timeoutSeconds: Double) -> HTTPPostResult {
            HTTPPostResult(statusCode: status, error: (200..<300).contains(status) ? nil : "HTTP \(status)", durationMs: 7)
        }
    }

    func timeline(_ f: PaymentFixture, _ no: String) throws -> [TimelineEntry] {
        try OrderTimeline(f.context).entries(orderId: try f.order(no).id)
    }

    @Test("a lost callback, a janitor query, a partial refund and a resent notification all show, in time order")
    func lostCallbackJanitorRefundResend() throws {
        let f = try PaymentFixture()
        try f.order("T1", 2_055)  // ends in 55: paid, but the channel never calls back
        let attempt = try #require(try f.pay("T1", .wechat).attempt)
        #expect(attempt.status == .pending)
        try f.advance("6m")
        let waiting = try timeline(f, "T1")
        #expect(waiting.contains { $0.kind == .overdue && $0.summary.contains("no callback 6 min after the pay code was shown") && $0.isProblem })

        try f.janitor()
        #expect(try f.attempt(attempt.id).status == .succeeded)
        _ = try MerchantNotifications(f.context, poster: FixedPoster(status: 500)).deliverDue()
        try f.advance("1m")
        _ = try f.refund(try f.attempt(attempt.id), "5.00")
        try f.deliverCallbacks()
        try f.advance("1m")
        #expect(try MerchantNotifications(f.context).resend(orderId: try f.order("T1").id) == 1)
        _ = try MerchantNotifications(f.context, poster: FixedPoster(status: 200)).deliverDue()

        let entries = try timeline(f, "T1")
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.at <= $1.at }, "oldest first")
        #expect(entries.first?.summary == "order created CREATED")
        #expect(entries.contains { $0.kind == .channelCall && $0.summary.hasPrefix("wechat pay ") && $0.raw != nil })
        let query = try #require(entries.first { $0.kind == .janitor && $0.summary.hasPrefix("wechat query ") })
        #expect(query.summary.contains("SUCCEEDED"))
        let settled = try #require(entries.first { $0.kind == .transition && $0.summary.hasSuffix("PENDING → SUCCEEDED") })
        #expect(settled.actor == "janitor")
        #expect(entries.first { $0.kind == .transition && $0.summary.hasSuffix("PROCESSING → PENDING") }?.actor == "wechat",
                "the channel's answer to the pay call moved it")
        #expect(settled.at >= query.at)
        #expect(entries.contains { $0.kind == .transition && $0.summary.hasPrefix("order ") && $0.summary.hasSuffix("→ PARTIALLY_REFUNDED") })
        #expect(entries.contains { $0.kind == .channelCall && $0.summary.hasPrefix("wechat refund ") })
        #expect(entries.contains { $0.kind == .transition && $0.summary.hasPrefix("refund ") && $0.summary.contains("5.00 CNY") })
        #expect(entries.contains { $0.kind == .operatorAction && $0.actor == f.context.actor.name && $0.summary.hasPrefix("refund") })
        #expect(entries.contains { $0.kind == .operatorAction && $0.summary.hasPrefix("notification.resend") })
        let failed = try #require(entries.first { $0.kind == .notification && $0.summary.contains("HTTP 500") })
        #expect(failed.isProblem)
        #expect(entries.contains { $0.kind == .notification && $0.summary.contains("HTTP 200") && !$0.isProblem })
        #expect(!entries.contains { $0.kind == .overdue }, "nothing is missing any more")
    }

    @Test("a callback shows with its verdict and moves the payment; its raw view masks the signature")
    func callbackAndRawView() throws {
        let f = try PaymentFixture()
        try f.order("T2", 1_200)
        let attempt = try #require(try f.pay("T2", .wechat).attempt)
        try f.advance("1s")
        try f.deliverCallbacks()
        #expect(try f.attempt(attempt.id).status == .succeeded)
        let entries = try timeline(f, "T2")
        let callback = try #require(entries.first { $0.kind == .callback })
        #expect(callback.summary.hasPrefix("wechat callback accepted"))
        #expect(!callback.isProblem)
        let moved = try #require(entries.first { $0.kind == .transition && $0.summary.hasSuffix("PENDING → SUCCEEDED") })
        #expect(moved.actor == "callback")

        guard case .callback(let id)? = callback.raw else { Issue.record("the callback row opens its raw message"); return }
        let raw = try OrderTimeline(f.context).raw(.callback(id))
        #expect(raw.format == .json)
        let signature = try #require(raw.headers.first { $0.name.lowercased() == "wechatpay-signature" })
        #expect(signature.value == ChannelCallMask.masked)
        #expect(raw.prettyLines.first == "{")
    }

    @Test("a card payment's recorded calls hold no card number or code, and their signatures are masked")
    func cardCallsMasked() throws {
        let f = try PaymentFixture()
        try f.order("T3", 3_000)
        _ = try f.pay("T3", by: .card)
        let rows = try f.store.db.rows("SELECT * FROM channel_calls WHERE order_id = ?", [try f.order("T3").id])
        #expect(rows.contains { $0.string("operation") == "pay" && $0.string("channel") == "card" })
        for row in rows {
            let text = ["request_path", "request_headers", "request_body", "response_headers", "response_body", "request_id"]
                .compactMap { row.optionalString($0) }.joined(separator: "\n")
            #expect(CardholderDataScanner.scan(bytes: Array(text.utf8), file: "channel_calls", pans: [TestCard.success]).isEmpty, "\(text)")
            let headers = try JSONSerialization.jsonObject(with: Data(row.string("request_headers").utf8)) as? [String: String] ?? [:]
            for (name, value) in headers where ChannelCallMask.isSecret(name) { #expect(value == ChannelCallMask.masked, "\(name)") }
        }
        let call = try #require(try OrderTimeline(f.context).entries(orderId: try f.order("T3").id).first { $0.kind == .channelCall }?.raw)
        let raw = try OrderTimeline(f.context).raw(call)
        #expect(raw.title.contains("card pay"))
        #expect(raw.answer != nil)
        #expect(raw.prettyLines.contains("answer:"))
    }

    @Test("masking a call body: card numbers, codes, signatures and keys go, the rest stays")
    func maskBodies() {
        let json = ChannelCallMask.body(Array(#"{"card":{"number":"4242424242424242","cvc":"123"},"sign":"abc=","amount":100,"note":"card 4000000000000002"}"#.utf8))
        #expect(!json.contains("4242424242424242") && !json.contains("4000000000000002") && !json.contains("abc="))
        #expect(!json.contains("\"123\""))
        #expect(json.contains("\"amount\":100"))
        let form = ChannelCallMask.body(Array("out_trade_no=P1&sign=xyz%3D&card_no=4242424242424242&total_amount=1.00".utf8))
        #expect(form == "out_trade_no=P1&sign=***&card_no=424242…4242&total_amount=1.00")
        let xml = ChannelCallMask.body(Array("<xml><paySign>zz</paySign><total_fee>100</total_fee></xml>".utf8))
        #expect(xml == "<xml><paySign>***</paySign><total_fee>100</total_fee></xml>")
        #expect(ChannelCallMask.headers(["Acquirer-Signature": "t=1,v1=ff", "Content-Type": "application/json"])
                == ["Acquirer-Signature": "***", "Content-Type": "application/json"])
    }

    @Test("an UNKNOWN payment and a failing merchant notification show as overdue on the simulated clock")
    func overdueRows() throws {
        let f = try PaymentFixture()
        try f.order("T4", 1_053)  // ends in 53: the call times out; the sandbox took the money
        let attempt = try #require(try f.pay("T4", .alipay, authCode: Barcode.alipay).attempt)
        #expect(try f.attempt(attempt.id).status == .unknown)
        #expect(!(try timeline(f, "T4")).contains { $0.kind == .overdue }, "not late yet")
        try f.advance("3m")
        let unknown = try #require(try timeline(f, "T4").first { $0.kind == .overdue })
        #expect(unknown.summary.contains("UNKNOWN for 3 min, next check at "))
        #expect(unknown.at == f.now)

        try f.order("T5", 1_000)
        _ = try f.pay("T5", .alipay, authCode: Barcode.alipay)
        _ = try MerchantNotifications(f.context, poster: FixedPoster(status: 503)).deliverDue()
        try f.advance("1h")
        #expect(!(try timeline(f, "T5")).contains { $0.kind == .overdue }, "an hour is within the back-off")
        try f.advance("65m")
        let failing = try #require(try timeline(f, "T5").first { $0.kind == .overdue })
        #expect(failing.summary.hasPrefix("merchant notification"))
        #expect(failing.summary.contains("failing for 2 h 5 min"))
    }

    @Test("a cashier cannot read the timeline or raw calls of another cashier's paid sale")
    func visibility() throws {
        let f = try PaymentFixture()
        try f.order("T6", 1_000)
        _ = try f.pay("T6", .alipay, authCode: Barcode.alipay)
        let cashier = try ServiceContext(store: f.store, actor: Actor(name: "someone-else", role: .cashier, origin: "test"))
        #expect(throws: PayError.self) { try OrderTimeline(cashier).entries(orderId: try f.order("T6").id) }
        let call = try #require(try timeline(f, "T6").first { $0.kind == .channelCall }?.raw)
        let error = #expect(throws: PayError.self) { try OrderTimeline(cashier).raw(call) }
        #expect(error?.kind == .notPermitted)
    }

    @Test("a risk challenge shows as a risk row with how its one-time code stands, never the code")
    func riskChallenge() throws {
        let f = try PaymentFixture()
        try f.order("T7", 600_000)  // the demo's large-card rule challenges it
        let card = try TestCard.card(TestCard.success)
        #expect(try f.pay("T7", .card, card: card, customer: "RISK-7").exitCode == 5)
        let code = try f.smsCode(to: "RISK-7")
        let waiting = try #require(try timeline(f, "T7").first { $0.kind == .risk })
        #expect(waiting.summary.contains("PENDING (0 of "))
        #expect(try f.pay("T7", .card, card: card, customer: "RISK-7", otp: code).exitCode == 0)
        let entries = try timeline(f, "T7")
        let risk = try #require(entries.first { $0.kind == .risk })
        #expect(risk.summary.contains("PASSED"))
        #expect(!risk.summary.contains(code))
        let risked = try #require(entries.firstIndex { $0.kind == .risk })
        let paid = try #require(entries.firstIndex { $0.kind == .channelCall && $0.summary.hasPrefix("card pay ") })
        #expect(risked < paid)
    }
}
