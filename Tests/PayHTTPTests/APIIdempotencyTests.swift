import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
import PayServices
@testable import PayHTTP
import TestSupport

@Suite("API idempotency keys and signatures")
struct APIIdempotencyTests {
    static let alipayCode = "284567890123456789"

    @Test func aRetriedPaymentReplaysTheFirstAnswerAndChargesOnce() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "I-1", "amount": "9.00"}"#)
        let charged = try f.sandboxPayments()
        let body = #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#
        let first = f.send("POST", "/v1/orders/I-1/pay", json: body, key: "pay-I-1")
        #expect(first.status == 200, "\(first.text)")
        #expect(first.header("Idempotent-Replayed") == nil)
        try f.advance("1s")  // a retry is signed anew
        let again = f.send("POST", "/v1/orders/I-1/pay", json: body, key: "pay-I-1")
        #expect(again.status == 200, "\(again.text)")
        #expect(again.header("Idempotent-Replayed") == "true")
        #expect(again.response.body == first.response.body)
        #expect(try f.attempts("I-1").count == 1)
        #expect(try f.sandboxPayments() == charged + 1, "the channel was called once")

        // Without the key the same request is a new request: refused, the order is paid.
        try f.advance("1s")
        #expect(f.send("POST", "/v1/orders/I-1/pay", json: body).status == 409)
    }

    @Test func aDeclineIsReplayedAs402() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "I-2", "amount": "9.51"}"#)
        let body = #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#
        let first = f.send("POST", "/v1/orders/I-2/pay", json: body, key: "pay-I-2")
        #expect(first.status == 402)
        try f.advance("1s")
        let again = f.send("POST", "/v1/orders/I-2/pay", json: body, key: "pay-I-2")
        #expect(again.status == 402)
        #expect(again.header("Idempotent-Replayed") == "true")
        #expect(again.response.body == first.response.body)
        #expect(try f.attempts("I-2").count == 1)
    }

    @Test func theSameKeyWithOtherParametersIsRefusedAndNothingRuns() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "I-3", "amount": "9.00"}"#, key: "order-I-3")
        let other = f.send("POST", "/v1/orders", json: #"{"orderNo": "I-4", "amount": "9.00"}"#, key: "order-I-3")
        #expect(other.status == 409, "\(other.text)")
        #expect(other.error?.code == "idempotency_key_reused")
        #expect(try f.order("I-4") == nil)
        try f.advance("1s")
        let replay = f.send("POST", "/v1/orders", json: #"{"orderNo": "I-3", "amount": "9.00"}"#, key: "order-I-3")
        #expect(replay.status == 201, "the first answer's status, replayed")
        #expect(replay.header("Idempotent-Replayed") == "true")
    }

    @Test("a business line's keys are its own: another line's same key neither conflicts nor replays")
    func keysArePerLine() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "L-1", "amount": "9.00"}"#)
        f.send("POST", "/v1/orders", json: #"{"orderNo": "L-1", "amount": "9.00"}"#, line: "hotel")
        let body = #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#
        let retail = f.send("POST", "/v1/orders/L-1/pay", json: body, key: "shared-key")
        #expect(retail.status == 200, "\(retail.text)")
        let hotel = f.send("POST", "/v1/orders/L-1/pay", json: body, line: "hotel", key: "shared-key")
        #expect(hotel.status == 200, "\(hotel.text)")
        #expect(hotel.header("Idempotent-Replayed") == nil, "hotel's request ran: it is not retail's")
        #expect(try f.order("L-1", line: try BusinessLineCode("hotel"))?.status == .paid)
    }

    @Test func aKeyStillInFlightIsInUse() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "I-5", "amount": "9.00"}"#)
        let body = #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#
        // Another connection of this (living) process holds the key: its request is still running.
        let canonical = PaymentRequest(businessLine: APIFixture.retail, orderNo: try MerchantOrderNo("I-5"), method: .alipay,
                                       authCode: Self.alipayCode, idempotencyKey: try IdempotencyKey("pay-I-5")).canonical
        let hash = Crypto.sha256Hex(Array(canonical.utf8))
        _ = try f.store.write {
            try f.store.idempotency.claim(scope: IdempotentRequests.scope(IdempotentRequests.Scope.pay, for: APIFixture.caller("retail")),
                                          key: try IdempotencyKey("pay-I-5"), request: hash,
                                          owner: ProcessIdentity.current, at: f.now) { _ in false }
        }
        let answer = f.send("POST", "/v1/orders/I-5/pay", json: body, key: "pay-I-5")
        #expect(answer.status == 409, "\(answer.text)")
        #expect(answer.error?.code == "idempotency_key_in_use")
        #expect(try f.attempts("I-5").isEmpty)
    }

    @Test func invalidInputReleasesTheKeySoACorrectedRetryRuns() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "I-6", "amount": "9.00"}"#)
        let wrong = f.send("POST", "/v1/orders/I-6/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)", "amount": "8.00"}"#,
                           key: "pay-I-6")
        #expect(wrong.status == 400)
        let fixed = f.send("POST", "/v1/orders/I-6/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)", "amount": "9.00"}"#,
                           key: "pay-I-6")
        #expect(fixed.status == 200, "\(fixed.text)")
        let long = f.send("POST", "/v1/orders/I-6/close", key: String(repeating: "k", count: 256))
        #expect(long.status == 400)
        #expect(long.error?.param == "Idempotency-Key")
    }

    @Test func refundsAndClosesReplayToo() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "I-7", "amount": "9.00"}"#)
        f.send("POST", "/v1/orders/I-7/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#)
        let first = f.send("POST", "/v1/orders/I-7/refunds", json: #"{"amount": "1.00"}"#, key: "refund-I-7")
        try f.advance("1s")
        let again = f.send("POST", "/v1/orders/I-7/refunds", json: #"{"amount": "1.00"}"#, key: "refund-I-7")
        #expect(first.status == 201 && again.status == 201)
        #expect(again.header("Idempotent-Replayed") == "true")
        #expect(try f.refunds("I-7").count == 1)

        f.send("POST", "/v1/orders", json: #"{"orderNo": "I-8", "amount": "9.00"}"#)
        #expect(f.send("POST", "/v1/orders/I-8/close", key: "close-I-8").status == 200)
        try f.advance("1s")
        let closedAgain = f.send("POST", "/v1/orders/I-8/close", key: "close-I-8")
        #expect(closedAgain.status == 200)
        #expect(closedAgain.header("Idempotent-Replayed") == "true")
    }

    // MARK: Signatures

    @Test func aBadStaleOrReplayedSignatureIs401AndNothingIsWritten() throws {
        let f = try APIFixture()
        let body = #"{"orderNo": "G-1", "amount": "1.00"}"#
        func post(_ signature: String, line: String = "retail") -> Answer {
            Answer(f.api.handle(f.request("POST", "/v1/orders", json: body,
                                          headers: ["paydesk-business": line, "paydesk-signature": signature])))
        }
        let wrongSecret = post(f.signature("POST", "/v1/orders", body: body, secret: "pdsk_not-the-secret"))
        #expect(wrongSecret.status == 401)
        #expect(wrongSecret.error?.code == "signature_invalid")
        let otherBody = post(f.signature("POST", "/v1/orders", body: #"{"orderNo": "G-1", "amount": "100.00"}"#))
        #expect(otherBody.error?.code == "signature_invalid")
        let otherLine = post(f.signature("POST", "/v1/orders", body: body, line: "hotel"))
        #expect(otherLine.error?.code == "signature_invalid", "hotel's secret does not sign for retail")
        let stale = post(f.signature("POST", "/v1/orders", body: body, at: f.now.adding(milliseconds: -301_000)))
        #expect(stale.error?.code == "signature_expired")
        #expect(post("t=1,v1=zz").error?.code == "signature_malformed")
        #expect(post(f.signature("POST", "/v1/orders", body: body), line: "nowhere").error?.code == "unknown_business_line")
        #expect(try f.order("G-1") == nil)

        let signature = f.signature("POST", "/v1/orders", body: body)
        #expect(post(signature).status == 201)
        let replayed = post(signature)
        #expect(replayed.status == 401)
        #expect(replayed.error?.code == "signature_replayed")
    }

    @Test func theQueryStringIsSignedAsSent() throws {
        let f = try APIFixture()
        let since = "2026-11-21T11:00:00Z"
        let answer = f.send("GET", "/v1/orders", query: [("since", since), ("limit", "5")])
        #expect(answer.status == 200, "\(answer.text)")
        #expect(APIQuery.target(path: "/v1/orders", query: [("since", since), ("limit", "5")])
                == "/v1/orders?since=2026-11-21T11%3A00%3A00Z&limit=5")
        // The target as the server read it off the request line is what counts, whatever its escaping.
        let raw = "/v1/orders?since=\(since)&limit=5"
        let asSent = HTTPRequest(method: "GET", path: "/v1/orders", query: [("since", since), ("limit", "5")],
                                 headers: ["paydesk-business": "retail",
                                           "paydesk-signature": APIRequestSignature.sign(secret: APIFixture.template.secrets["retail"]!,
                                                                                         timestamp: f.now.seconds, method: "GET", path: raw, body: [])],
                                 target: raw)
        #expect(Answer(f.api.handle(asSent)).status == 200)
        // Signed without the query, sent with it: refused.
        let unsigned = Answer(f.api.handle(f.request("GET", "/v1/orders", query: [("limit", "5")],
                                                     headers: ["paydesk-business": "retail",
                                                               "paydesk-signature": f.signature("GET", "/v1/orders", body: "")])))
        #expect(unsigned.error?.code == "signature_invalid")
    }
}

extension APIFixture {
    /// Payments the sandbox channels have taken, all channels together.
    func sandboxPayments() throws -> Int64 {
        try gateway.sandbox.db.row("SELECT COUNT(*) AS n FROM sandbox_payments")?.int64("n") ?? -1
    }
}

@Suite("API requests on several connections at once")
struct APIConcurrencyTests {
    @Test func oneKeyFromSeveralConnectionsAtOnceChargesOnce() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "K-1", "amount": "9.00"}"#)
        let charged = try f.sandboxPayments()
        let api = PaymentCenterAPI(lanes: try ManyLanes(path: f.directory.path("store.db"), count: 4))
        let body = #"{"method": "alipay", "authCode": "284567890123456789"}"#
        // Each connection signs its own request (another second each: a signature is used once).
        let requests = (0..<4).map { index in
            f.request("POST", "/v1/orders/K-1/pay", json: body, headers: [
                "paydesk-business": "retail", "idempotency-key": "pay-K-1",
                "paydesk-signature": f.signature("POST", "/v1/orders/K-1/pay", body: body, at: f.now.adding(milliseconds: -1000 * Int64(index))),
            ])
        }
        let statuses = concurrently(4) { index in api.handle(requests[index]).status }
        #expect(statuses.filter { $0 == 200 }.count >= 1, "\(statuses)")
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 }, "\(statuses)")
        #expect(try f.attempts("K-1").count == 1)
        #expect(try f.sandboxPayments() == charged + 1, "the channel was called once")
    }
}
