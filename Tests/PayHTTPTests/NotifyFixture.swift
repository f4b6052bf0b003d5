import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
import PayServices
import PayHTTP
import TestSupport

/// A fresh demo store on a simulated clock with its sandbox at latency 0, for the notify endpoint:
/// payments whose genuine sandbox callbacks are fed to `ChannelNotifyEndpoint` as HTTP requests.
/// One seeded template per test process (seeding makes RSA keys); each fixture copies it.
final class NotifyFixture {
    static let start = Timestamp(milliseconds: 1_795_262_400_000)
    static let retail = try! BusinessLineCode("retail")

    static let template: (directory: TemporaryDirectory, path: String) = {
        let directory = TemporaryDirectory("notify-template")
        let path = directory.path("store.db")
        do {
            let store = try Store.open(path: path, create: true)
            try store.write {
                try store.meta.set(MetaRepository.clockModeKey, "simulated")
                try store.meta.set(MetaRepository.clockNowKey, String(start.milliseconds))
                try OperatorSettings(store).setPasswordIterations(OperatorSettings.minimumIterations)
            }
            let context = try ServiceContext(store: store, actor: .system)
            try DemoSeeder(context).seed()
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            let sandbox = try Sandbox(storePath: path, clock: context.clock)
            try sandbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            fatalError("notify template store: \(error)")
        }
        return (directory, path)
    }()

    let directory = TemporaryDirectory("notify")
    let path: String
    let store: Store
    let context: ServiceContext
    let gateway: ChannelGateway
    let lane: ServiceLane

    init() throws {
        path = directory.path("store.db")
        try StoreFiles.copy(Self.template.path, to: path)
        store = try Store.open(path: path)
        context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "tester"))
        gateway = try ChannelGateway(store: store, clock: context.clock)
        try gateway.sandbox.setLatencyEverywhere(milliseconds: 0)
        lane = ServiceLane(context: context, gateway: gateway)
    }

    func advance(_ text: String) throws {
        _ = try store.write { try store.meta.advanceClock(by: try DurationText.milliseconds(text)) }
        try context.refreshClock()
    }

    /// Pays order `no` by `method` (a pay code for alipay, wechat, unionpay; a test card for card)
    /// and returns the attempt and the sandbox's callback about it, not delivered.
    func paid(_ no: String, _ method: PaymentMethod, minor: Int64 = 3_000) throws -> (PaymentAttempt, SandboxCallback) {
        context.actor = .localAdministrator(unixUser: "tester")
        _ = try OrderService(context).create(OrderDraft(businessLine: Self.retail, orderNo: try MerchantOrderNo(no),
                                                        amount: Money(minorUnits: minor, currency: .CNY)))
        let card = method == .card ? try CardDetails(number: "4242424242424242", expiry: "12/30", cvc: "123") : nil
        let outcome = try PaymentService(context, gateway: gateway).pay(PaymentRequest(
            businessLine: Self.retail, orderNo: try MerchantOrderNo(no), method: method, card: card))
        let attempt = try #require(outcome.attempt)
        try advance("1s")
        let callback = try #require(try gateway.sandbox.sentCallbacks(orderNo: attempt.serial.rawValue).first)
        return (attempt, callback)
    }

    func attempt(_ attempt: PaymentAttempt) throws -> PaymentAttempt { try #require(try store.attempts.find(id: attempt.id)) }

    /// The callback as the HTTP server hands it over: header names lower-cased.
    func request(_ callback: SandboxCallback, body: [UInt8]? = nil, method: String = "POST", account: String? = nil) -> HTTPRequest {
        var headers: [String: String] = [:]
        for (name, value) in callback.headers { headers[name.lowercased()] = value }
        return HTTPRequest(method: method, path: "/notify/\(callback.channel)/\(account ?? callback.account)", headers: headers,
                           body: body ?? callback.body, remoteAddress: "127.0.0.1", requestId: "0123456789abcdef")
    }

    func post(_ callback: SandboxCallback, body: [UInt8]? = nil, account: String? = nil, method: String = "POST") -> HTTPResponse {
        ChannelNotifyEndpoint().handle(request(callback, body: body, method: method, account: account), channel: callback.channel,
                                       account: account ?? callback.account, lane: lane)
    }

    /// The verdicts of the callbacks recorded, oldest first.
    func verdicts() throws -> [String] {
        try store.db.rows("SELECT verdict FROM channel_callbacks ORDER BY id").map { $0.string("verdict").lowercased() }
    }
}

extension HTTPResponse {
    var notifyBodyText: String { String(decoding: body, as: UTF8.self) }
    func notifyHeader(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}
