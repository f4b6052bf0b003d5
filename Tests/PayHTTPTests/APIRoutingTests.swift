import Foundation
import Testing
import PayCore
import PayStore
import PayServices
@testable import PayHTTP
import TestSupport

@Suite("API routes, operations endpoints and the unsigned")
struct APIRoutingTests {
    @Test func anUnknownRouteIs404RouteNotFound() throws {
        let fixture = try APIFixture()
        for path in ["/", "/v2/orders", "/v1/orders/A1/pay/now", "/v1//orders", "/v1/orders/", "/metricsz"] {
            let answer = fixture.sendUnsigned("GET", path)
            #expect(answer.status == 404, "\(path)")
            #expect(answer.error?.code == "route_not_found", "\(path)")
            #expect(answer.error?.type == "invalid_request_error")
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() throws {
        let fixture = try APIFixture()
        let cases: [(String, String, String)] = [
            ("DELETE", "/v1/orders", "GET, POST"),
            ("GET", "/v1/orders/A1/pay", "POST"),
            ("PUT", "/v1/orders/A1", "GET"),
            ("POST", "/healthz", "GET"),
            ("GET", "/notify/alipay/alipay-main", "POST"),
        ]
        for (method, path, allow) in cases {
            let answer = fixture.sendUnsigned(method, path)
            #expect(answer.status == 405, "\(method) \(path)")
            #expect(answer.error?.code == "method_not_allowed")
            #expect(answer.header("Allow") == allow, "\(method) \(path)")
        }
    }

    @Test func healthzAnswersOkWithoutTheStore() throws {
        let fixture = try APIFixture()
        let answer = fixture.sendUnsigned("GET", "/healthz")
        #expect(answer.status == 200)
        #expect(answer.object["status"] as? String == "ok")
        #expect(answer.header("Content-Type") == "application/json")
    }

    @Test func readyzNamesTheWorkerUntilOneHasRunThenIsReady() throws {
        let fixture = try APIFixture()
        let before = fixture.sendUnsigned("GET", "/readyz")
        #expect(before.status == 503)
        #expect(before.object["status"] as? String == "not_ready")
        #expect((before.object["failed"] as? [String]) == ["lease", "worker"])

        let worker = Worker(context: fixture.context, jobs: [])
        _ = try worker.runOnce()
        let ready = fixture.sendUnsigned("GET", "/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        #expect(ready.object["status"] as? String == "ready")
        let checks = try #require(ready.object["checks"] as? [String: Any])
        let lease = try #require((checks["lease"] as? [String: Any])?["detail"] as? String)
        #expect(lease.hasSuffix("(this process)"), "\(lease)")

        // Two minutes without a round (the lease lapsed too): not ready, and says why.
        try fixture.advance("2m")
        let stale = fixture.sendUnsigned("GET", "/readyz")
        #expect(stale.status == 503)
        #expect((stale.object["failed"] as? [String]) == ["lease", "worker"])
        worker.releaseLease()
    }

    @Test func readyzFailsTheStoreCheckWhenTheStoreTakesNoWrite() throws {
        let fixture = try APIFixture()
        _ = try Worker(context: fixture.context, jobs: []).runOnce()
        // Another connection holds the write lock past the busy timeout.
        let other = try Store.open(path: fixture.directory.path("store.db"))
        try other.db.execute("PRAGMA busy_timeout = 0")
        try other.db.execute("BEGIN IMMEDIATE")
        try fixture.store.db.execute("PRAGMA busy_timeout = 10")
        let answer = fixture.sendUnsigned("GET", "/readyz")
        try other.db.execute("ROLLBACK")
        #expect(answer.status == 503)
        #expect((answer.object["failed"] as? [String]) == ["store"])
    }

    @Test func metricsIsThePrometheusTextOfPaydeskMetrics() throws {
        let fixture = try APIFixture()
        let answer = fixture.sendUnsigned("GET", "/metrics")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let admin = try ServiceContext(store: fixture.store, actor: .system)
        #expect(answer.text == (try MetricsService(admin).exposition()))
        #expect(answer.text.contains("# TYPE "))
    }

    @Test func operationsEndpointsRefuseQueryParameters() throws {
        let fixture = try APIFixture()
        let answer = fixture.sendUnsigned("GET", "/metrics", query: [("debug", "1")])
        #expect(answer.status == 400)
        #expect(answer.error?.param == "debug")
    }

    @Test func everyV1RouteRefusesAnUnsignedRequestBeforeReadingAnything() throws {
        let fixture = try APIFixture()
        let orders = try fixture.count("orders")
        let requests: [(String, String, String?)] = [
            ("POST", "/v1/orders", #"{"orderNo":"U1","amount":"1.00"}"#),
            ("GET", "/v1/orders", nil),
            ("GET", "/v1/orders/U1", nil),
            ("GET", "/v1/payments/P123", nil),
            ("GET", "/v1/payments/by-channel-serial/X1", nil),
            ("POST", "/v1/orders/U1/pay", #"{"method":"wechat"}"#),
            ("POST", "/v1/orders/U1/refunds", #"{"amount":"1.00"}"#),
            ("POST", "/v1/orders/U1/close", nil),
            // Not even the body's syntax or type is looked at first.
            ("POST", "/v1/orders", "{not json"),
        ]
        for (method, path, json) in requests {
            let answer = fixture.sendUnsigned(method, path, json: json)
            #expect(answer.status == 401, "\(method) \(path): \(answer.text)")
            #expect(answer.error?.type == "authentication_error")
            #expect(answer.error?.code == "signature_missing", "\(method) \(path)")
        }
        #expect(try fixture.count("orders") == orders)
    }

    @Test func notifyGoesToTheChannelsEndpointUnsigned() throws {
        let f = try APIFixture()
        let callbacks = try f.count("channel_callbacks")
        // An account the store does not have: 404, nothing recorded.
        let unknown = f.sendUnsigned("POST", "/notify/alipay/no-such-account", headers: ["content-type": "application/x-www-form-urlencoded"])
        #expect(unknown.status == 404, "\(unknown.text)")
        #expect(try f.count("channel_callbacks") == callbacks)
        // A forged Alipay callback: answered the Alipay way (`fail`), kept as rejected.
        let forged = Answer(f.api.handle(HTTPRequest(method: "POST", path: "/notify/alipay/alipay-main",
                                                     headers: ["content-type": "application/x-www-form-urlencoded"],
                                                     body: Array("out_trade_no=P1&trade_status=TRADE_SUCCESS&sign=AAAA".utf8))))
        #expect(forged.status == 400, "\(forged.text)")
        #expect(forged.text == "fail")
        #expect(try f.count("channel_callbacks") == callbacks + 1)
    }

    @Test func bodyLimitsArePerRoute() throws {
        let fixture = try APIFixture()
        #expect(fixture.api.bodyLimit(method: "POST", path: "/v1/orders") == 256 * 1024)
        #expect(fixture.api.bodyLimit(method: "POST", path: "/v1/orders/A1/pay") == 16 * 1024)
        #expect(fixture.api.bodyLimit(method: "POST", path: "/notify/wechat/wechat-main") == 64 * 1024)
        #expect(fixture.api.bodyLimit(method: "GET", path: "/v1/orders") == 0)
        #expect(fixture.api.bodyLimit(method: "POST", path: "/nowhere") == 1024)
    }

    @Test func pathSegmentsArePercentDecodedAfterSplitting() {
        #expect(APIRoute.match(method: "GET", path: "/v1/orders/A%2FB") == .route(.getOrder, ["orderNo": "A/B"]))
        #expect(APIRoute.match(method: "GET", path: "/v1/payments/by-channel-serial/4200%20X")
                == .route(.getPaymentByChannelSerial, ["channelSerial": "4200 X"]))
        #expect(APIRoute.match(method: "GET", path: "/v1/orders/%ZZ") == .notFound)
        #expect(APIRoute.match(method: "get", path: "/healthz") == .methodNotAllowed(allow: ["GET"]))
    }
}

@Suite("docs/openapi.yaml")
struct APIDocumentTests {
    static let document: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)) ?? ""
    }()

    @Test(arguments: APIRoute.allCases)
    func everyRouteIsDocumentedWithItsMethod(_ route: APIRoute) throws {
        let lines = Self.document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let path = "/" + route.pattern.joined(separator: "/")
        let start = try #require(lines.firstIndex(of: "  \(path):"), "\(path) is not in docs/openapi.yaml")
        let block = lines[(start + 1)...].prefix { $0.hasPrefix("    ") || $0.isEmpty }
        #expect(block.contains("    \(route.method.lowercased()):"), "\(route.method) \(path) is not documented")
        if route.isV1 {
            let operation = block.drop { $0 != "    \(route.method.lowercased()):" }.prefix { !$0.hasPrefix("    ") || $0.hasPrefix("      ") || $0 == "    \(route.method.lowercased()):" }
            let text = operation.joined(separator: "\n")
            for status in ["400", "401", "403", "404", "413", "429", "500", "503"] where !(route == .listOrders && status == "404") {
                #expect(text.contains("\"\(status)\":"), "\(route.method) \(path) does not declare \(status)")
            }
            #expect(text.contains("#/components/parameters/Signature"))
            if route.method == "POST" {
                #expect(text.contains("#/components/parameters/IdempotencyKey"))
                #expect(text.contains("\"409\":") && text.contains("\"415\":"))
            }
        }
    }
}
