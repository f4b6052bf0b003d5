import Foundation
import Synchronization
import Testing
import PayCore
import PayStore
import PayChannels
import PayServices
import PayHTTP
import TestSupport

/// `paydesk serve`'s own server in front of `ChannelNotifyEndpoint`, on its own connection to the
/// fixture's store, recording what arrived: the sandbox's real HTTP delivery meets the real server.
private final class NotifyRelay: HTTPHandler, @unchecked Sendable {
    // why @unchecked: the lane (its own store connection) is used under `lock` only, one request at a time.
    private let lane: ServiceLane
    private let lock = NSLock()
    private let received = Mutex<[HTTPRequest]>([])
    private(set) var server: HTTPServer?

    init(path: String) throws {
        let store = try Store.open(path: path)
        let context = try ServiceContext(store: store, actor: .system)
        lane = ServiceLane(context: context, gateway: try ChannelGateway(store: store, clock: context.clock))
    }

    func start() throws { server = try HTTPServer(listen: "127.0.0.1:0", handler: self, log: { _ in }) }

    var base: String { "http://127.0.0.1:\(server?.port ?? 0)" }
    var requests: [HTTPRequest] { received.withLock { $0 } }
    func stop() { server?.shutdown(graceSeconds: 1) }

    func bodyLimit(method: String, path: String) -> Int { ChannelNotifyEndpoint.bodyLimit }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        received.withLock { $0.append(request) }
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count == 3, parts[0] == "notify" else { return HTTPResponse(status: 404) }
        return lock.withLock { ChannelNotifyEndpoint().handle(request, channel: parts[1], account: parts[2], lane: lane) }
    }
}

/// The sandbox's HTTP delivery mode: callbacks POSTed with their own headers and body to
/// `{base}/notify/{channel}/{account}`, over real loopback HTTP, to the notify endpoint.
@Suite("Sandbox callbacks over HTTP")
struct NotifySandboxDeliveryTests {
    /// The real server in front of `ChannelNotifyEndpoint`, on its own connection to the fixture's store.
    fileprivate static func relay(_ f: NotifyFixture) throws -> NotifyRelay {
        let relay = try NotifyRelay(path: f.path)
        try relay.start()
        return relay
    }

    @Test("a sandbox callback travels by HTTP to the notify endpoint, settles the payment, and is delivered once",
          arguments: ["alipay", "wechat", "unionpay"])
    func endToEnd(channel: String) throws {
        let f = try NotifyFixture()
        let server = try Self.relay(f)
        defer { server.stop() }
        try f.gateway.sandbox.setCallbacksTo(server.base + "/")
        #expect(try f.gateway.sandbox.callbacksTo() == server.base)
        let (attempt, callback) = try f.paid("H-\(channel)", try PaymentMethod.parse(channel))
        #expect(try f.attempt(attempt).status == .pending)

        #expect(try SandboxCallbackJob(gateway: f.gateway).runDue(f.context) == 1)
        let requests = server.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/notify/\(channel)/\(callback.account)")
        #expect(request.body == callback.body)
        for (name, value) in callback.headers {
            #expect(request.headers[name.lowercased()] == value, "header \(name)")
        }
        #expect(try f.attempt(attempt).status == .succeeded)
        #expect(try f.verdicts() == ["accepted"])
        #expect(try f.gateway.sandbox.undeliveredCallbacks().isEmpty)
        // Delivered: the next round sends nothing.
        #expect(try SandboxCallbackJob(gateway: f.gateway).runDue(f.context) == 0)
        #expect(server.requests.count == 1)
    }

    @Test("an answer that is not the channel's ack leaves the callback for the next round")
    func notAnAck() throws {
        let f = try NotifyFixture()
        // HTTPListener answers its scripted status with the body "ok": UnionPay's ack, not Alipay's.
        let listener = try HTTPListener(statuses: [500, 200])
        defer { listener.stop() }
        try f.gateway.sandbox.setCallbacksTo("http://127.0.0.1:\(listener.port)")
        let (attempt, callback) = try f.paid("A-1", .alipay)
        #expect(throws: PayError.self) { try SandboxCallbackJob(gateway: f.gateway).runDue(f.context) }
        #expect(throws: PayError.self) { try SandboxCallbackJob(gateway: f.gateway).runDue(f.context) }
        #expect(listener.requests.count == 2)
        #expect(listener.requests.allSatisfy { $0.path == "/notify/alipay/\(callback.account)" && $0.body == callback.body })
        #expect(try f.gateway.sandbox.undeliveredCallbacks().map(\.id) == [callback.id])
        #expect(try f.attempt(attempt).status == .pending, "nothing reached the center")

        _ = try f.paid("U-1", .unionpay)
        try f.gateway.sandbox.setCallbacksTo(nil)
        // Back in-process: both callbacks reach the center directly.
        #expect(try SandboxCallbackJob(gateway: f.gateway).runDue(f.context) == 2)
        #expect(try f.attempt(attempt).status == .succeeded)
        #expect(listener.requests.count == 2)
    }

    @Test("an unreachable endpoint ends the round; nothing is marked delivered")
    func unreachable() throws {
        let f = try NotifyFixture()
        let listener = try HTTPListener()
        let port = listener.port
        listener.stop()
        try f.gateway.sandbox.setCallbacksTo("http://127.0.0.1:\(port)")
        _ = try f.paid("R-1", .alipay)
        _ = try f.paid("R-2", .wechat)
        let error = try #require(throws: PayError.self) { try SandboxCallbackJob(gateway: f.gateway).runDue(f.context) }
        #expect(error.message.contains("127.0.0.1:\(port)/notify/"))
        #expect(try f.gateway.sandbox.undeliveredCallbacks().count == 2)
    }

    @Test("the acks each channel takes as received")
    func acks() {
        let ok = Array("success".utf8)
        #expect(SandboxCallbackJob.isAck(channel: "alipay", status: 200, body: ok))
        #expect(SandboxCallbackJob.isAck(channel: "alipay", status: 200, body: Array("success\n".utf8)))
        #expect(!SandboxCallbackJob.isAck(channel: "alipay", status: 200, body: Array("fail".utf8)))
        #expect(!SandboxCallbackJob.isAck(channel: "alipay", status: 500, body: ok))
        #expect(SandboxCallbackJob.isAck(channel: "wechat", status: 204, body: []))
        #expect(SandboxCallbackJob.isAck(channel: "wechat", status: 200, body: []))
        #expect(!SandboxCallbackJob.isAck(channel: "wechat", status: 400, body: []))
        #expect(SandboxCallbackJob.isAck(channel: "unionpay", status: 200, body: Array("ok".utf8)))
        #expect(!SandboxCallbackJob.isAck(channel: "unionpay", status: 202, body: []))
        #expect(SandboxCallbackJob.isAck(channel: "card", status: 202, body: []))
        #expect(!SandboxCallbackJob.isAck(channel: "paypal", status: 404, body: []))
    }

    @Test("the base URL must be http(s) without query, fragment or credentials; nothing is kept otherwise",
          arguments: ["ftp://127.0.0.1/x", "127.0.0.1:8080", "http://", "http://h/x?a=1", "http://h/x#f", "http://u:p@h/", ""])
    func badBase(text: String) throws {
        let f = try NotifyFixture()
        #expect(throws: PayError.self) { try f.gateway.sandbox.setCallbacksTo(text) }
        #expect(try f.gateway.sandbox.callbacksTo() == nil)
    }
}
