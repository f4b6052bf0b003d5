import Testing
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import PayServices
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `paydesk serve` as business systems and channels meet it: a real process on a free loopback
/// port, signed requests over HTTP, the sandbox's callbacks over HTTP, signals.
@Suite("paydesk serve end to end", .serialized)
struct ServeEndToEndTests {
    let dir = TemporaryDirectory("e2e-serve")
    var db: String { dir.path("store.db") }

    @discardableResult
    func paydesk(_ args: [String]) throws -> RunResult {
        try Paydesk.run(args + ["--db", db])
    }

    /// A demo store with instant channels and a fresh API secret for `line`; the secret.
    func demo(line: String = "retail", simulatedClock: Bool = false) throws -> String {
        #expect(try paydesk(["init", "--demo"] + (simulatedClock ? ["--simulated-clock"] : [])).exitCode == 0)
        for channel in ["wechat", "alipay", "unionpay"] {
            #expect(try paydesk(["sandbox", "latency", "--channel", channel, "--ms", "0"]).exitCode == 0)
        }
        return try secret(line)
    }

    func secret(_ line: String) throws -> String {
        let rotated = try paydesk(["business", "api-secret", line, "--rotate", "--json"])
        #expect(rotated.exitCode == 0, "\(rotated)")
        return try #require(try rotated.json()["secret"] as? String)
    }

    func orderStatus(_ no: String, line: String = "retail") throws -> String? {
        (try paydesk(["query", "--order", no, "--business", line, "--json"]).json()["order"] as? [String: Any])?["status"] as? String
    }

    func paymentCount(_ no: String, line: String = "retail") throws -> Int {
        (try paydesk(["query", "--order", no, "--business", line, "--json"]).json()["payments"] as? [[String: Any]] ?? []).count
    }

    static let paidBarcode = "134567890123456789"

    @Test("create, pay, query by every identifier, refund and close with signed requests")
    func signedLifecycle() throws {
        let secret = try demo()
        let server = try ServeProcess(store: db)
        defer { server.stop() }
        let client = ServeClient(base: server.baseURL, line: "retail", secret: secret)

        let created = try client.send("POST", "/v1/orders", body: #"{"orderNo":"H1","amount":"25.00","currency":"CNY"}"#)
        #expect(created.status == 201, "\(created)")
        let paid = try client.send("POST", "/v1/orders/H1/pay", body: #"{"method":"wechat","authCode":"\#(Self.paidBarcode)"}"#)
        #expect(paid.status == 200, "\(paid)")
        let payment = try #require(try paid.json()["payment"] as? [String: Any])
        #expect(payment["status"] as? String == "SUCCEEDED")
        let serial = try #require(payment["serial"] as? String)
        let channelSerial = try #require(payment["channelSerial"] as? String)

        for path in ["/v1/orders/H1", "/v1/payments/\(serial)", "/v1/payments/by-channel-serial/\(channelSerial)"] {
            let found = try client.send("GET", path)
            #expect(found.status == 200, "\(path): \(found)")
            #expect((try found.json()["order"] as? [String: Any])?["status"] as? String == "PAID", "\(path)")
        }
        let refunded = try client.send("POST", "/v1/orders/H1/refunds", body: #"{"amount":"5.00","reason":"damaged"}"#)
        #expect(refunded.status == 201, "\(refunded)")
        #expect(try orderStatus("H1") == "PARTIALLY_REFUNDED")

        #expect(try client.send("POST", "/v1/orders", body: #"{"orderNo":"H2","amount":"9.00"}"#).status == 201)
        let closed = try client.send("POST", "/v1/orders/H2/close", body: "{}")
        #expect(closed.status == 200, "\(closed)")
        #expect(try orderStatus("H2") == "CLOSED")

        let listed = try client.send("GET", "/v1/orders?limit=1")
        #expect(listed.status == 200, "\(listed)")
        #expect((try listed.json()["orders"] as? [[String: Any]])?.count == 1)
        #expect(try listed.json()["next"] is String, "a second page is there")
        // The query is signed exactly as sent, whatever its escaping (here raw colons).
        let since = try client.send("GET", "/v1/orders?since=2026-01-01T00:00:00Z&limit=1")
        #expect(since.status == 200, "\(since)")
        let escaped = try client.send("GET", "/v1/orders?since=2026-01-01T00%3A00%3A00Z&limit=1")
        #expect(escaped.status == 200, "\(escaped)")

        // One line per request on stderr: method, path, status, latency, request id.
        #expect(server.stderr.contains("POST /v1/orders/H1/pay 200"), "\(server.stderr)")
        #expect(server.stderr.range(of: #"GET /v1/orders/H1 200 [0-9.]+ ?ms id=[0-9a-f]+"#, options: .regularExpression) != nil, "\(server.stderr)")
        // No card number, no secret in the log.
        #expect(!server.stderr.contains(secret))
    }

    @Test("one Idempotency-Key from eight connections at once charges once")
    func idempotencyAcrossConnections() throws {
        let secret = try demo()
        let server = try ServeProcess(store: db)
        defer { server.stop() }
        let client = ServeClient(base: server.baseURL, line: "retail", secret: secret)
        #expect(try client.send("POST", "/v1/orders", body: #"{"orderNo":"K1","amount":"12.00"}"#).status == 201)
        let body = #"{"method":"wechat","authCode":"\#(Self.paidBarcode)"}"#
        // Eight retries of one sale, each signed anew (a signature is single-use), at once.
        let now = Int64(Date().timeIntervalSince1970)
        let answers = concurrently(8) { index in
            (try? client.send("POST", "/v1/orders/K1/pay", body: body, timestamp: now - 1 - Int64(index),
                              extraHeaders: ["Idempotency-Key": "till-7-sale-K1"]))
        }
        let statuses = answers.map { $0?.status ?? -1 }
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 }, "\(statuses)")
        #expect(statuses.contains(200), "\(statuses)")
        #expect(answers.compactMap { $0 }.filter { $0.status == 409 }.allSatisfy { $0.errorCode == "idempotency_key_in_use" })
        #expect(try paymentCount("K1") == 1)
        // A retry after the first finished replays it, marked as a replay.
        let replay = try client.send("POST", "/v1/orders/K1/pay", body: body, timestamp: now,
                                     extraHeaders: ["Idempotency-Key": "till-7-sale-K1"])
        #expect(replay.status == 200 && replay.header("Idempotent-Replayed") == "true", "\(replay)")
        // The same key with other parameters is a conflict; nothing is charged.
        let other = try client.send("POST", "/v1/orders/K1/pay", body: #"{"method":"alipay","authCode":"2812345678901234"}"#,
                                    extraHeaders: ["Idempotency-Key": "till-7-sale-K1"])
        #expect(other.status == 409 && other.errorCode == "idempotency_key_reused", "\(other)")
        #expect(try paymentCount("K1") == 1)
    }

    @Test("a sandbox callback arrives over HTTP, is answered as the channel expects and pays the order")
    func callbackOverHTTP() throws {
        let secret = try demo()
        let server = try ServeProcess(store: db)
        defer { server.stop() }
        #expect(try paydesk(["sandbox", "callbacks-to", server.baseURL]).exitCode == 0)
        let client = ServeClient(base: server.baseURL, line: "retail", secret: secret)
        #expect(try client.send("POST", "/v1/orders", body: #"{"orderNo":"Q1","amount":"18.00"}"#).status == 201)
        let pending = try client.send("POST", "/v1/orders/Q1/pay", body: #"{"method":"wechat"}"#)
        #expect(pending.status == 202, "\(pending)")
        #expect((try pending.json()["codeUrl"] as? String)?.hasPrefix("weixin://") == true, "\(pending)")
        // The customer scans; the sandbox posts its callback to /notify/wechat/…; the worker inside serve delivers it.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try orderStatus("Q1") != "PAID" { usleep(200_000) }
        #expect(try orderStatus("Q1") == "PAID")
        #expect(server.stderr.range(of: #"POST /notify/wechat/[^ ]+ (200|204)"#, options: .regularExpression) != nil, "\(server.stderr)")
    }

    @Test("unsigned, badly signed, stale, replayed, oversized, mistyped and misrouted requests are refused and write nothing")
    func badInputs() throws {
        let secret = try demo()
        let hotelSecret = try self.secret("hotel")
        let server = try ServeProcess(store: db)
        defer { server.stop() }
        let client = ServeClient(base: server.baseURL, line: "retail", secret: secret)
        let hotel = ServeClient(base: server.baseURL, line: "hotel", secret: hotelSecret)
        #expect(try client.send("POST", "/v1/orders", body: #"{"orderNo":"B0","amount":"1.00"}"#).status == 201)
        let order = #"{"orderNo":"B1","amount":"10.00"}"#

        var cases: [(String, APIAnswer, Int, String)] = []
        cases.append(("unsigned", try client.send("POST", "/v1/orders", body: order, signed: false), 401, "signature_missing"))
        cases.append(("wrong secret", try client.send("POST", "/v1/orders", body: order, secret: "not-the-secret"), 401, "signature_invalid"))
        // why read the clock at each send and 400 s: a loaded machine takes seconds over these cases.
        func clock() -> Int64 { Int64(Date().timeIntervalSince1970) }
        cases.append(("stale", try client.send("POST", "/v1/orders", body: order, timestamp: clock() - 400), 401, "signature_expired"))
        cases.append(("future", try client.send("POST", "/v1/orders", body: order, timestamp: clock() + 400), 401, "signature_expired"))
        cases.append(("text/plain", try client.send("POST", "/v1/orders", body: order, contentType: "text/plain"), 415, "unsupported_media_type"))
        cases.append(("malformed JSON", try client.send("POST", "/v1/orders", body: #"{"orderNo":"B1","amount":"#), 400, "malformed_json"))
        cases.append(("bad amount", try client.send("POST", "/v1/orders", body: #"{"orderNo":"B1","amount":"10.001"}"#), 400, "invalid_parameter"))
        cases.append(("unknown route", try client.send("GET", "/v1/nothing-here"), 404, "route_not_found"))
        cases.append(("wrong method", try client.send("DELETE", "/v1/orders/B0"), 405, "method_not_allowed"))
        cases.append(("another line's order", try hotel.send("GET", "/v1/orders/B0"), 404, "resource_missing"))
        cases.append(("another line's pay", try hotel.send("POST", "/v1/orders/B0/pay", body: #"{"method":"wechat","authCode":"\#(Self.paidBarcode)"}"#), 404, "resource_missing"))
        let big = #"{"orderNo":"B1","amount":"10.00","customerId":""# + String(repeating: "x", count: 2_000_000) + #""}"#
        cases.append(("oversized", try client.send("POST", "/v1/orders", body: big), 413, "body_too_large"))
        for (name, answer, status, code) in cases {
            #expect(answer.status == status, "\(name): \(answer)")
            #expect(answer.errorCode == code, "\(name): \(answer)")
            let error = try? answer.json()["error"] as? [String: Any]
            #expect((error?["message"] as? String)?.isEmpty == false, "\(name): a message a person can act on")
        }
        // A replayed request (the very same signature) is refused the second time.
        let t = clock()
        let first = try client.send("POST", "/v1/orders", body: #"{"orderNo":"B2","amount":"3.00"}"#, timestamp: t)
        #expect(first.status == 201, "\(first)")
        let again = try client.send("POST", "/v1/orders", body: #"{"orderNo":"B2","amount":"3.00"}"#, timestamp: t)
        #expect(again.status == 401 && again.errorCode == "signature_replayed", "\(again)")

        // Nothing was written by any refused request: B1 does not exist, B0 was never paid.
        #expect(try paydesk(["query", "--order", "B1", "--business", "retail"]).exitCode == 6)
        #expect(try paymentCount("B0") == 0)
    }

    @Test("health, readiness and metrics")
    func operations() throws {
        _ = try demo()
        let server = try ServeProcess(store: db)
        defer { server.stop() }
        let health = try ServeClient.perform(URLRequest(url: URL(string: server.baseURL + "/healthz")!))
        #expect(health.status == 200, "\(health)")
        let ready = try ServeClient.perform(URLRequest(url: URL(string: server.baseURL + "/readyz")!))
        #expect(ready.status == 200, "\(ready)")
        let metrics = try ServeClient.perform(URLRequest(url: URL(string: server.baseURL + "/metrics")!))
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("# TYPE paydesk_"), "\(metrics.text.prefix(500))")
    }

    @Test("SIGTERM under load: every answered payment is in the store, nothing is left in flight")
    func sigtermUnderLoad() throws {
        let secret = try demo()
        let server = try ServeProcess(store: db)
        let client = ServeClient(base: server.baseURL, line: "retail", secret: secret)
        let orders = 40
        for n in 0..<orders {
            #expect(try client.send("POST", "/v1/orders", body: #"{"orderNo":"T\#(n)","amount":"2.00"}"#).status == 201)
        }
        let answered = Mutex<[Int: Int]>([:])
        let stopper = Thread { usleep(300_000); server.stop() }
        stopper.start()
        _ = concurrently(8) { lane in
            for n in stride(from: lane, to: orders, by: 8) {
                let answer = try? client.send("POST", "/v1/orders/T\(n)/pay", body: #"{"method":"wechat","authCode":"\#(Self.paidBarcode)"}"#)
                if let answer { answered.withLock { $0[n] = answer.status } }
            }
            return 0
        }
        while server.isRunning { usleep(50_000) }
        #expect(server.stderr.contains("stopped"), "\(server.stderr.suffix(600))")
        for (n, status) in answered.withLock({ $0 }) where status == 200 {
            #expect(try orderStatus("T\(n)") == "PAID", "T\(n) was answered 200")
        }
        // Nothing half-made: every payment that started is final (the server finished what it began).
        let check = try paydesk(["check", "--settled"])
        #expect(check.exitCode == 0, "\(check)")
    }

    @Test("kill -9 under load, then a restart: the janitor settles what was in flight")
    func killNineThenRestart() throws {
        let secret = try demo(simulatedClock: true)
        let server = try ServeProcess(store: db)
        let client = ServeClient(base: server.baseURL, line: "retail", secret: secret)
        #expect(try paydesk(["sandbox", "latency", "--channel", "wechat", "--ms", "300"]).exitCode == 0)
        for n in 0..<16 {
            #expect(try client.send("POST", "/v1/orders", body: #"{"orderNo":"X\#(n)","amount":"4.00"}"#).status == 201)
        }
        let killer = Thread { usleep(500_000); server.killHard() }
        killer.start()
        _ = concurrently(8) { lane in
            for n in stride(from: lane, to: 16, by: 8) {
                _ = try? client.send("POST", "/v1/orders/X\(n)/pay", body: #"{"method":"wechat","authCode":"\#(Self.paidBarcode)"}"#)
            }
            return 0
        }
        while server.isRunning { usleep(50_000) }
        // After the lease and the janitor's minute, a restarted serve's worker settles everything.
        #expect(try paydesk(["clock", "advance", "3m"]).exitCode == 0)
        let again = try ServeProcess(store: db)
        let deadline = Date().addingTimeInterval(30)
        var check = try paydesk(["check", "--settled"])
        while check.exitCode != 0, Date() < deadline {
            usleep(300_000)
            check = try paydesk(["check", "--settled"])
        }
        again.stop()
        #expect(check.exitCode == 0, "\(check)")
    }
}
