import Foundation
import PayCore
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import PayHTTP

@Suite("HTTP server over loopback sockets")
struct ServerTests {
    private func start(_ handler: any HTTPHandler, limits: HTTPServerLimits = .init(), log: LogLines = LogLines()) throws -> HTTPServer {
        try HTTPServer(listen: "127.0.0.1:0", handler: handler, limits: limits, log: log.sink)
    }

    @Test func aRequestReachesTheHandlerWholeAndItsAnswerComesBackWithARequestId() throws {
        let handler = EchoHandler()
        let log = LogLines()
        let server = try start(handler, log: log)
        defer { server.shutdown(graceSeconds: 1) }

        let response = try #require(rawRequest(port: server.port, "POST", "/echo/a%20b?x=1&y=two+words&z=%C3%A9&status=201",
                                               headers: [("X-Custom", "one"), ("x-custom", "two"), ("Content-Type", "text/plain")],
                                               body: "hello body"))
        #expect(response.status == 201)
        #expect(response.headers["x-echo"] == "yes")
        #expect(response.headers["content-type"] == "application/json")
        let id = try #require(response.headers["x-request-id"])
        #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))

        let echo = response.json
        #expect(echo["method"] as? String == "POST")
        #expect(echo["path"] as? String == "/echo/a%20b")
        #expect(echo["target"] as? String == "/echo/a%20b?x=1&y=two+words&z=%C3%A9&status=201")
        #expect(echo["query"] as? [[String]] == [["x", "1"], ["y", "two words"], ["z", "é"], ["status", "201"]])
        #expect(echo["body"] as? String == "hello body")
        #expect(echo["remote"] as? String == "127.0.0.1")
        #expect(echo["requestId"] as? String == id)
        let headers = try #require(echo["headers"] as? [String: String])
        #expect(headers["x-custom"] == "one, two")
        #expect(headers["content-type"] == "text/plain")

        #expect(eventually { log.all.contains { $0.hasPrefix("POST /echo/a%20b 201 ") && $0.hasSuffix("ms id=\(id)") } })
        #expect(!log.all.contains { $0.contains("words") }, "the log line carries no query string")
    }

    @Test func aSaneClientRequestIdIsKeptAndAnOddOneReplaced() throws {
        let server = try start(EchoHandler())
        defer { server.shutdown(graceSeconds: 1) }
        let kept = try #require(rawRequest(port: server.port, "GET", "/", headers: [("X-Request-Id", "client-42.a_b")]))
        #expect(kept.headers["x-request-id"] == "client-42.a_b")
        let replaced = try #require(rawRequest(port: server.port, "GET", "/", headers: [("X-Request-Id", "has spaces; and=more")]))
        let id = try #require(replaced.headers["x-request-id"])
        #expect(id != "has spaces; and=more" && id.count == 16)
    }

    @Test func twoRequestsOnOneKeptAliveConnectionAreAnsweredInTurn() throws {
        let handler = EchoHandler()
        let server = try start(handler)
        defer { server.shutdown(graceSeconds: 1) }
        let client = try #require(RawClient(port: server.port))
        client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse()?.json["path"] as? String == "/first")
        client.send("PUT /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        let second = try #require(client.readResponse())
        #expect(second.json["path"] as? String == "/second")
        #expect(second.json["body"] as? String == "abc")
    }

    @Test func aBodyDeclaredLargerThanTheRouteAllowsIsRefused413BeforeItIsRead() throws {
        let handler = EchoHandler(limit: 1024)
        let server = try start(handler)
        defer { server.shutdown(graceSeconds: 1) }
        let client = try #require(RawClient(port: server.port))
        // Only the headers: the answer comes without the server waiting for the 5000 bytes.
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 413)
        #expect(response.errorCode == "body_too_large")
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["x-request-id"] != nil)
        #expect(handler.callCount == 0)
    }

    @Test func aChunkedBodyThatGrowsPastTheLimitIsRefused413AndOneWithinItArrivesWhole() throws {
        let handler = EchoHandler(limit: 1024)
        let server = try start(handler)
        defer { server.shutdown(graceSeconds: 1) }

        let small = try #require(RawClient(port: server.port))
        small.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        let fine = try #require(small.readResponse())
        #expect(fine.status == 200)
        #expect(fine.json["body"] as? String == "hello world")

        let big = try #require(RawClient(port: server.port))
        var text = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        for _ in 0..<5 { text += "190\r\n" + String(repeating: "x", count: 400) + "\r\n" }
        text += "0\r\n\r\n"
        big.send(text)
        let refused = try #require(RawResponse(parsing: big.readUntilClosed().bytes))
        #expect(refused.status == 413)
        #expect(refused.errorCode == "body_too_large")
        #expect(handler.callCount == 1, "only the small body reached the handler")
    }

    @Test func tooManyHeaderFieldsAreRefused431() throws {
        let handler = EchoHandler()
        var limits = HTTPServerLimits()
        limits.maxHeaders = 10
        let server = try start(handler, limits: limits)
        defer { server.shutdown(graceSeconds: 1) }
        let headers = (1...12).map { ("X-Filler-\($0)", "v") }
        let response = try #require(rawRequest(port: server.port, "GET", "/", headers: headers))
        #expect(response.status == 431)
        #expect(response.errorCode == "too_many_headers")
        let within = try #require(rawRequest(port: server.port, "GET", "/", headers: Array(headers.prefix(5))))
        #expect(within.status == 200)
        #expect(handler.callCount == 1)
    }

    @Test func headersLargerThanTheLimitAreRefused431() throws {
        let handler = EchoHandler()
        var limits = HTTPServerLimits()
        limits.maxHeaderBytes = 2048
        let server = try start(handler, limits: limits)
        defer { server.shutdown(graceSeconds: 1) }
        let response = try #require(rawRequest(port: server.port, "GET", "/", headers: [("X-Big", String(repeating: "b", count: 4000))]))
        #expect(response.status == 431)
        #expect(response.errorCode == "headers_too_large")
        #expect(handler.callCount == 0)
    }

    @Test func aClientOverItsRateIsAnswered429WithRetryAfterAndOthersAreNot() throws {
        let handler = EchoHandler()
        var limits = HTTPServerLimits()
        limits.requestsPerSecondPerClient = 0.01   // one token per 100 s: no refill during the test
        limits.burstPerClient = 2
        let log = LogLines()
        let server = try start(handler, limits: limits, log: log)
        defer { server.shutdown(graceSeconds: 1) }
        #expect(rawRequest(port: server.port, "GET", "/")?.status == 200)
        #expect(rawRequest(port: server.port, "GET", "/")?.status == 200)
        let limited = try #require(rawRequest(port: server.port, "GET", "/"))
        #expect(limited.status == 429)
        #expect(limited.errorCode == "rate_limited")
        let retryAfter = try #require(limited.headers["retry-after"].flatMap(Int.init))
        #expect(retryAfter >= 1)
        #expect(handler.callCount == 2)
        let id = try #require(limited.headers["x-request-id"])
        #expect(eventually { log.all.contains { $0.hasPrefix("GET / 429 ") && $0.hasSuffix("id=\(id)") } }, "refusals are logged too")
    }

    @Test func aRequestMadeInProcessHasItsTargetBuiltFromPathAndQuery() {
        let request = HTTPRequest(method: "GET", path: "/v1/orders", query: [("status", "paid"), ("after", "a b&c")])
        #expect(request.target == "/v1/orders?status=paid&after=a%20b%26c")
        #expect(HTTPRequest(method: "GET", path: "/healthz").target == "/healthz")
        #expect(HTTPRequest(method: "GET", path: "/x", query: [("a", "1")], target: "/x?a=1&").target == "/x?a=1&")
    }

    @Test func theTokenBucketRefillsWithTimeAndKeepsClientsApart() {
        let limiter = ClientRateLimiter(rate: 2, burst: 2)
        #expect(limiter.take("a", now: 100) == nil)
        #expect(limiter.take("a", now: 100) == nil)
        #expect(limiter.take("a", now: 100) == 1)
        #expect(limiter.take("b", now: 100) == nil, "another client has its own bucket")
        #expect(limiter.take("a", now: 100.6) == nil, "half a second refills one token at 2/s")
        #expect(limiter.take("a", now: 100.6) == 1)
        #expect(ClientRateLimiter(rate: 0.1, burst: 1).take("c", now: 0) == nil)
        let slow = ClientRateLimiter(rate: 0.1, burst: 1)
        _ = slow.take("c", now: 0)
        #expect(slow.take("c", now: 0) == 10, "Retry-After is the whole seconds until the next token")
    }

    @Test func aClientThatSendsHalfARequestIsCutOffAfterTheTimeoutAndTheHandlerNeverSeesIt() throws {
        let handler = EchoHandler()
        var limits = HTTPServerLimits()
        limits.connectionTimeoutSeconds = 1
        let server = try start(handler, limits: limits)
        defer { server.shutdown(graceSeconds: 1) }

        let halfHeaders = try #require(RawClient(port: server.port))
        halfHeaders.send("POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        let halfBody = try #require(RawClient(port: server.port))
        halfBody.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")

        let first = halfHeaders.readUntilClosed()
        let second = halfBody.readUntilClosed()
        #expect(first.closed && second.closed, "the server closed both connections")
        #expect(RawResponse(parsing: second.bytes).map { $0.status } != 200)
        #expect(handler.callCount == 0)
        #expect(eventually { server.requestsInFlight == 0 }, "their state is released")
        #expect(rawRequest(port: server.port, "GET", "/after")?.status == 200, "the server goes on serving")
    }

    @Test func aClientThatDisconnectsMidBodyLeavesNoTrace() throws {
        let handler = EchoHandler()
        let server = try start(handler)
        defer { server.shutdown(graceSeconds: 1) }
        do {
            let client = try #require(RawClient(port: server.port))
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + String(repeating: "z", count: 60))
            #expect(eventually { server.requestsInFlight == 1 })
        }
        #expect(eventually { server.requestsInFlight == 0 })
        #expect(handler.callCount == 0)
    }

    @Test func shutdownFinishesTheRequestInFlightThenRefusesNewConnections() throws {
        let handler = GateHandler()
        let server = try start(handler)
        let port = server.port

        let kept = try #require(RawClient(port: port))
        kept.send("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(kept.readResponse()?.status == 200)

        let inFlight = try #require(RawClient(port: port))
        inFlight.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(handler.began.wait(timeout: .now() + 20) == .success)

        let stopped = DispatchSemaphore(value: 0)
        Thread { server.shutdown(graceSeconds: 30); stopped.signal() }.start()
        #expect(eventually { RawClient(port: port) == nil }, "new connections are refused once shutdown began")

        kept.send("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n")
        let late = try #require(kept.readResponse())
        #expect(late.status == 503)
        #expect(late.errorCode == "shutting_down")

        handler.release()
        let finished = try #require(inFlight.readResponse())
        #expect(finished.status == 200)
        #expect(String(decoding: finished.body, as: UTF8.self) == "finished /slow")
        #expect(stopped.wait(timeout: .now() + 20) == .success)
        #expect(RawClient(port: port) == nil)
    }

    @Test func aSlowHandlerDoesNotHoldUpOtherClients() throws {
        let handler = GateHandler()
        let server = try start(handler)
        defer { server.shutdown(graceSeconds: 1) }
        let slow = try #require(RawClient(port: server.port))
        slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(handler.began.wait(timeout: .now() + 20) == .success)
        // Several other connections are answered while the slow one still waits.
        for index in 0..<6 {
            #expect(rawRequest(port: server.port, "GET", "/quick\(index)")?.status == 200)
        }
        handler.release()
        #expect(slow.readResponse()?.status == 200)
    }

    @Test func aPortInUseSaysSo() throws {
        let first = try start(EchoHandler())
        defer { first.shutdown(graceSeconds: 1) }
        #expect {
            _ = try HTTPServer(listen: "127.0.0.1:\(first.port)", handler: EchoHandler(), log: { _ in })
        } throws: { error in
            let error = error as? PayError
            return error?.kind == .invalidInput && error?.argument == "listen"
                && error?.message.contains("already in use") == true && error?.message.contains("\(first.port)") == true
        }
    }

    @Test(arguments: ["nonsense", "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:80a", "example.com:8080", "::1:8080", "[::1]8080", ":8080"])
    func aMalformedListenAddressNamesTheFlag(_ listen: String) {
        #expect {
            _ = try HTTPServer(listen: listen, handler: EchoHandler(), log: { _ in })
        } throws: { error in
            let error = error as? PayError
            return error?.kind == .invalidInput && error?.argument == "listen" && error?.message.contains(listen) == true
        }
    }

    @Test func localhostAndIPv6LoopbackAreAccepted() throws {
        #expect(try ListenAddress.parse("localhost:0") == ListenAddress(text: "localhost:0", host: "127.0.0.1", port: 0, isIPv6: false))
        #expect(try ListenAddress.parse("[::1]:8080").isIPv6)
        let server = try HTTPServer(listen: "localhost:0", handler: EchoHandler(), log: { _ in })
        defer { server.shutdown(graceSeconds: 1) }
        #expect(rawRequest(port: server.port, "GET", "/")?.status == 200)
    }

    @Test func connectionsBeyondTheLimitAreAnswered503ServerBusy() throws {
        let handler = EchoHandler()
        var limits = HTTPServerLimits()
        limits.maxConnections = 2
        let server = try start(handler, limits: limits)
        defer { server.shutdown(graceSeconds: 1) }
        // Two kept-alive connections, each known to the server once it has answered on it.
        let kept = try (0..<2).map { _ in try #require(RawClient(port: server.port)) }
        for client in kept {
            client.send("GET /known HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
        }
        let third = try #require(RawClient(port: server.port))
        third.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let busy = try #require(third.readResponse())
        #expect(busy.status == 503)
        #expect(busy.errorCode == "server_busy")
        #expect(busy.headers["retry-after"] != nil)
        withExtendedLifetime(kept) {}
    }

    @Test func xRealIPNamesTheClientOnlyWhenATrustedProxySendsIt() throws {
        var trusting = HTTPServerLimits()
        trusting.trustedProxies = ["127.0.0.1"]
        trusting.requestsPerSecondPerClient = 0.01
        trusting.burstPerClient = 1
        let handler = EchoHandler()
        let proxied = try start(handler, limits: trusting)
        defer { proxied.shutdown(graceSeconds: 1) }
        let first = try #require(rawRequest(port: proxied.port, "GET", "/", headers: [("X-Real-IP", "203.0.113.7")]))
        #expect(first.json["remote"] as? String == "203.0.113.7")
        let second = try #require(rawRequest(port: proxied.port, "GET", "/", headers: [("X-Real-IP", "2001:db8::9")]))
        #expect(second.json["remote"] as? String == "2001:db8::9", "each client behind the proxy has its own bucket")
        #expect(rawRequest(port: proxied.port, "GET", "/", headers: [("X-Real-IP", "203.0.113.7")])?.status == 429)
        let odd = try #require(rawRequest(port: proxied.port, "GET", "/", headers: [("X-Real-IP", "not an address")]))
        #expect(odd.json["remote"] as? String == "127.0.0.1")

        let direct = try start(EchoHandler())
        defer { direct.shutdown(graceSeconds: 1) }
        let spoofed = try #require(rawRequest(port: direct.port, "GET", "/", headers: [("X-Real-IP", "203.0.113.7")]))
        #expect(spoofed.json["remote"] as? String == "127.0.0.1", "an untrusted peer cannot name another client")
    }
}
