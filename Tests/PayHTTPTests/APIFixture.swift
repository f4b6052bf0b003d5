import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
import PayServices
@testable import PayHTTP
import TestSupport

/// One lane over one store connection, lent to one request at a time: the smallest
/// `ServiceLanes` (the server's pool has many). Resets the actor on every loan, as the pool does.
final class OneLane: ServiceLanes, @unchecked Sendable {
    // why @unchecked: the lane is only reached under the lock.
    private let lane: ServiceLane
    private let lock = NSLock()

    init(_ lane: ServiceLane) { self.lane = lane }

    func withLane<T>(_ body: (ServiceLane) throws -> T) throws -> T {
        try lock.withLock {
            lane.context.actor = Actor(name: "nobody", role: .cashier, origin: "test")
            return try body(lane)
        }
    }
}

/// A fresh demo store (simulated clock at 2026-11-21 12:00:00 UTC, the sandbox at latency 0)
/// behind a `PaymentCenterAPI`, and requests to it as a business system would send them.
///
/// Seeding generates RSA keys, so one seeded store per test process is made once and each test
/// copies its files.
final class APIFixture {
    static let start = Timestamp(milliseconds: 1_795_262_400_000)

    /// `secrets`: the API secrets the retail, hotel and flight lines sign with.
    static let template: (directory: TemporaryDirectory, path: String, secrets: [String: String]) = {
        let directory = TemporaryDirectory("api-template")
        let path = directory.path("store.db")
        var secrets: [String: String] = [:]
        do {
            let store = try Store.open(path: path, create: true)
            try store.write {
                try store.meta.set(MetaRepository.clockModeKey, "simulated")
                try store.meta.set(MetaRepository.clockNowKey, String(start.milliseconds))
                try OperatorSettings(store).setPasswordIterations(OperatorSettings.minimumIterations)
            }
            let context = try ServiceContext(store: store, actor: .system)
            try DemoSeeder(context).seed()
            for line in ["retail", "hotel", "flight"] {
                secrets[line] = try APISecrets(context).rotate(line: try BusinessLineCode(line)).secret
            }
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            let sandbox = try Sandbox(storePath: path, clock: context.clock)
            try sandbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            fatalError("API template store: \(error)")
        }
        return (directory, path, secrets)
    }()

    let directory = TemporaryDirectory("api")
    let store: Store
    let context: ServiceContext
    let gateway: ChannelGateway
    let api: PaymentCenterAPI
    let logged = LogLines()

    init() throws {
        let path = directory.path("store.db")
        try StoreFiles.copy(Self.template.path, to: path)
        store = try Store.open(path: path)
        context = try ServiceContext(store: store, actor: .system)
        gateway = try ChannelGateway(store: store, clock: context.clock)
        try gateway.sandbox.setLatencyEverywhere(milliseconds: 0)
        let lanes = OneLane(ServiceLane(context: context, gateway: gateway))
        let logged = self.logged
        api = PaymentCenterAPI(lanes: lanes, log: { line in logged.append(line) })
    }

    var now: Timestamp { context.now }

    /// Moves the store's clock (and so the sandbox's) forward.
    func advance(_ text: String) throws {
        _ = try store.write { try store.meta.advanceClock(by: try DurationText.milliseconds(text)) }
        try context.refreshClock()
    }

    static let retail = try! BusinessLineCode("retail")
    /// The actor a line's signed requests act as (`APIAuthenticator`).
    static func caller(_ line: String) -> Actor { Actor(name: "api:\(line)", role: .service, origin: "test") }

    func order(_ no: String, line: BusinessLineCode = APIFixture.retail) throws -> Order? {
        try store.orders.find(line, try MerchantOrderNo(no))
    }

    func attempts(_ no: String, line: BusinessLineCode = APIFixture.retail) throws -> [PaymentAttempt] {
        guard let order = try order(no, line: line) else { return [] }
        return try store.attempts.forOrder(order.id)
    }

    func refunds(_ no: String) throws -> [Refund] {
        guard let order = try order(no) else { return [] }
        return try store.refunds.forOrder(order.id)
    }

    /// Rows of a table, to prove a refused request wrote nothing.
    func count(_ table: String) throws -> Int64 {
        try store.db.row("SELECT COUNT(*) AS n FROM \(table)")?.int64("n") ?? -1
    }

    // MARK: Requests

    /// A request as the server hands it over; `json` is sent with `Content-Type: application/json`.
    func request(_ method: String, _ path: String, query: [(String, String)] = [], json: String? = nil,
                 headers: [String: String] = [:]) -> HTTPRequest {
        var all = headers
        if json != nil, all["content-type"] == nil { all["content-type"] = "application/json" }
        return HTTPRequest(method: method, path: path, query: query.map { (name: $0.0, value: $0.1) }, headers: all,
                           body: Array((json ?? "").utf8), remoteAddress: "127.0.0.1", requestId: "test0000000000001")
    }

    /// The `PayDesk-Signature` of a request as `line` signs it now (on the store's clock).
    func signature(_ method: String, _ path: String, query: [(String, String)] = [], body: String, line: String = "retail",
                   secret: String? = nil, at time: Timestamp? = nil) -> String {
        let target = APIQuery.target(path: path, query: query.map { (name: $0.0, value: $0.1) })
        return APIRequestSignature.sign(secret: secret ?? Self.template.secrets[line] ?? "", timestamp: (time ?? now).seconds, method: method,
                                        path: target, body: Array(body.utf8))
    }

    /// Sends a request signed by `line`'s system (with `key` as its Idempotency-Key).
    @discardableResult
    func send(_ method: String, _ path: String, query: [(String, String)] = [], json: String? = nil, line: String = "retail",
              key: String? = nil, headers: [String: String] = [:]) -> Answer {
        var all = headers
        all["paydesk-business"] = line
        all["paydesk-signature"] = signature(method, path, query: query, body: json ?? "", line: line)
        if let key { all["idempotency-key"] = key }
        return Answer(api.handle(request(method, path, query: query, json: json, headers: all)))
    }

    /// Sends a request unsigned.
    func sendUnsigned(_ method: String, _ path: String, query: [(String, String)] = [], json: String? = nil,
                      headers: [String: String] = [:]) -> Answer {
        Answer(api.handle(request(method, path, query: query, json: json, headers: headers)))
    }
}

/// An answer, decoded for the assertions.
struct Answer {
    let response: HTTPResponse

    init(_ response: HTTPResponse) { self.response = response }

    var status: Int { response.status }
    var text: String { String(decoding: response.body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        response.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(response.body))
    }

    /// The error of an error answer (nil when the body is not the error shape).
    var error: APIErrorBody.Detail? { (try? JSONDecoder().decode(APIErrorBody.self, from: Data(response.body)))?.error }
}

/// Several lanes, each its own store connection and gateway, lent one request at a time: what the
/// server's pool does, for the tests of concurrent requests.
final class ManyLanes: ServiceLanes, @unchecked Sendable {
    // why @unchecked: `free` is only reached under the lock; a lane is used by one request at a time.
    private var free: [ServiceLane]
    private let lock = NSLock()
    private let available: DispatchSemaphore

    init(path: String, count: Int) throws {
        free = try (0..<count).map { _ in
            let store = try Store.open(path: path)
            let context = try ServiceContext(store: store, actor: .system)
            let gateway = try ChannelGateway(store: store, clock: context.clock)
            return ServiceLane(context: context, gateway: gateway)
        }
        available = DispatchSemaphore(value: count)
    }

    func withLane<T>(_ body: (ServiceLane) throws -> T) throws -> T {
        available.wait()
        let lane = lock.withLock { free.removeLast() }
        defer {
            lock.withLock { free.append(lane) }
            available.signal()
        }
        lane.context.actor = Actor(name: "nobody", role: .cashier, origin: "test")
        return try body(lane)
    }
}
