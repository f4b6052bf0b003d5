import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
import PayServices
import PayHTTP

/// `POST /notify/{channel}/{account}` with the sandbox PSPs' genuine callbacks: verified on the raw
/// bytes, applied once, answered the way each channel expects; tampered, misaddressed or unknown
/// ones change nothing.
@Suite("Channel notify endpoint")
struct NotifyEndpointTests {
    /// Each channel's ack: status, body, content type.
    static let acks: [String: (Int, String, String)] = [
        "alipay": (200, "success", "text/plain; charset=utf-8"),
        "wechat": (200, #"{"code":"SUCCESS","message":"成功"}"#, "application/json"),
        "unionpay": (200, "ok", "text/plain; charset=utf-8"),
        "card": (200, #"{"received":true}"#, "application/json"),
    ]

    @Test("a genuine callback settles the payment and gets the channel's own ack; again, a duplicate, the same ack",
          arguments: ["alipay", "wechat", "unionpay", "card"])
    func genuine(channel: String) throws {
        let f = try NotifyFixture()
        let (attempt, callback) = try f.paid("N-\(channel)", try PaymentMethod.parse(channel))
        #expect(callback.channel == channel)
        let before = try f.attempt(attempt).status
        let first = f.post(callback)
        let (status, body, type) = try #require(Self.acks[channel])
        #expect(first.status == status)
        #expect(first.notifyBodyText == body)
        #expect(first.notifyHeader("Content-Type") == type)
        #expect(try f.attempt(attempt).status == .succeeded)
        if before != .succeeded {
            #expect(try f.verdicts() == ["accepted"])
        }
        let again = f.post(callback)
        #expect(again.status == status && again.notifyBodyText == body)
        #expect(try f.verdicts().last == "duplicate")
        let order = try #require(try f.store.orders.find(NotifyFixture.retail, try MerchantOrderNo("N-\(channel)")))
        #expect(order.paidAmount == Money(minorUnits: 3_000, currency: .CNY))
    }

    @Test("a tampered callback is refused in the channel's own way and changes nothing", arguments: ["alipay", "wechat", "unionpay", "card"])
    func tampered(channel: String) throws {
        let f = try NotifyFixture()
        let (attempt, callback) = try f.paid("T-\(channel)", try PaymentMethod.parse(channel))
        let before = try f.attempt(attempt)
        var body = callback.body
        // why the amount: a forger's change; "3" → "4" turns 30.00 into 40.00 (or fen 3000 into 4000).
        let index = try #require(body.lastIndex(of: UInt8(ascii: "3")))
        body[index] = UInt8(ascii: "4")
        let answer = f.post(callback, body: body)
        #expect(answer.status == 400)
        switch channel {
        case "alipay", "unionpay": #expect(answer.notifyBodyText == "fail")
        case "wechat":
            let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: String])
            #expect(json["code"] == "FAIL")
        default:
            let error = try JSONDecoder().decode(APIErrorBody.self, from: Data(answer.body))
            #expect(error.error.code == "callback_rejected")
        }
        #expect(try f.attempt(attempt) == before)
        #expect(try f.verdicts() == ["rejected"])
        // The genuine one still goes through afterwards.
        #expect(f.post(callback).status == 200)
    }

    @Test("a callback sent to another account's URL is kept as suspicious and changes nothing")
    func otherAccount() throws {
        let f = try NotifyFixture()
        let (attempt, callback) = try f.paid("X-1", .wechat)
        let other = callback.account == "wechat-direct" ? "wechat-sp" : "wechat-direct"
        let before = try f.attempt(attempt)
        let answer = f.post(callback, account: other)
        #expect(answer.status == 200, "acknowledged: the channel must not resend it, the alert is for people")
        #expect(try f.attempt(attempt) == before)
        #expect(try f.verdicts() == ["suspicious"])
        let alerts = try f.store.db.rows("SELECT * FROM alerts WHERE rule = 'callback.suspicious'")
        #expect(alerts.count == 1)
    }

    @Test("an unknown channel or account is 404 and nothing is recorded")
    func unknownRoute() throws {
        let f = try NotifyFixture()
        let (attempt, callback) = try f.paid("U-1", .alipay)
        let before = try f.attempt(attempt)
        for (channel, account) in [("alipay", "alipay-nobody"), ("alipay", "acquirer-a"), ("bitcoin", "alipay-main")] {
            let answer = ChannelNotifyEndpoint().handle(f.request(callback, account: account), channel: channel, account: account, lane: f.lane)
            #expect(answer.status == 404, "\(channel)/\(account)")
            let error = try JSONDecoder().decode(APIErrorBody.self, from: Data(answer.body))
            #expect(error.error.code == "route_not_found")
        }
        #expect(try f.verdicts().isEmpty)
        #expect(try f.attempt(attempt) == before)
    }

    @Test("only POST is a notification")
    func onlyPost() throws {
        let f = try NotifyFixture()
        let (_, callback) = try f.paid("G-1", .alipay)
        let answer = f.post(callback, method: "GET")
        #expect(answer.status == 405)
        #expect(answer.notifyHeader("Allow") == "POST")
        #expect(try f.verdicts().isEmpty)
    }

    @Test("the body limit is the callback inbox's")
    func bodyLimit() {
        #expect(ChannelNotifyEndpoint.bodyLimit == CallbackInbox.Limits.bodyBytes)
    }
}
