import Foundation
@testable import PayChannels
import PayCore
import TestSupport

/// A clock tests move by hand.
final class TestClock: PayClock, @unchecked Sendable {
    // why @unchecked: every access to `current` holds `lock`.
    private let lock = NSLock()
    private var current: Timestamp

    init(_ start: Timestamp) { current = start }

    func now() -> Timestamp { lock.withLock { current } }

    func advance(seconds: Int64) { lock.withLock { current = current.adding(milliseconds: seconds * 1000) } }
}

/// A sandbox in a temporary directory with the demo's accounts provisioned, and plugins for them.
final class SandboxHarness {
    let directory = TemporaryDirectory("channels")
    let clock = TestClock(try! Timestamp.parse("2026-11-21T09:00:00Z"))
    let sandbox: Sandbox
    let registry: ChannelRegistry
    private(set) var accounts: [String: ChannelAccount] = [:]

    static let demoAccounts: [(id: String, channel: String, bps: Int64, fixed: Int64)] = [
        ("alipay-main", "alipay", 60, 0), ("wechat-direct", "wechat", 60, 0), ("wechat-sp", "wechat", 38, 0),
        ("unionpay-main", "unionpay", 55, 0), ("acquirer-a", "card", 180, 20), ("acquirer-b", "card", 150, 30),
        ("paypal-main", "paypal", 290, 30), ("wallet-main", "wallet", 0, 0),
    ]

    /// One provisioned sandbox file per test process: RSA key generation is the slow part, so each
    /// test copies this file instead of generating its own keys.
    static let template: (directory: TemporaryDirectory, path: String, accounts: [String: ChannelAccount]) = {
        let directory = TemporaryDirectory("channels-template")
        let path = directory.path("template.sandbox.db")
        var accounts: [String: ChannelAccount] = [:]
        do {
            let sandbox = try Sandbox(path: path, clock: FixedClock(Timestamp(seconds: 0)))
            for spec in demoAccounts {
                let bare = ChannelAccount(id: spec.id, channel: spec.channel, merchantId: nil, name: spec.id, currencies: [.CNY, .USD],
                                          feeRateBps: spec.bps, feeFixedMinor: spec.fixed, enabled: true, config: [:])
                let config = try sandbox.provision(bare)
                accounts[spec.id] = ChannelAccount(id: spec.id, channel: spec.channel, merchantId: nil, name: spec.id, currencies: [.CNY, .USD],
                                                   feeRateBps: spec.bps, feeFixedMinor: spec.fixed, enabled: true, config: config)
            }
            try sandbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            fatalError("sandbox template: \(error)")
        }
        return (directory, path, accounts)
    }()

    init(only: Set<String>? = nil) throws {
        let path = directory.path("store.db.sandbox.db")
        try FileManager.default.copyItem(atPath: Self.template.path, toPath: path)
        sandbox = try Sandbox(path: path, clock: clock)
        try sandbox.setLatencyEverywhere(milliseconds: 0)
        registry = ChannelRegistry(transport: sandbox, clock: clock)
        accounts = Self.template.accounts.filter { only?.contains($0.value.channel) ?? true }
    }

    /// `minor` in the account's test currency: USD on PayPal, CNY elsewhere.
    func money(_ account: String, _ minor: Int64) -> Money {
        Money(minorUnits: minor, currency: accounts[account]?.channel == "paypal" ? .USD : .CNY)
    }

    func plugin(_ account: String) throws -> ChannelPlugin { try registry.plugin(for: accounts[account]!) }

    var allAccounts: [ChannelAccount] { Array(accounts.values) }

    private var counter = 0
    func serial() -> String {
        counter += 1
        return "P20261121\(String(counter).leftPadded(6))\(Int.random(in: 1000...9999))"
    }

    /// A barcode for the channel of `account`.
    static func authCode(_ channel: String) -> String {
        switch channel {
        case "alipay": "280012345678901234"
        case "wechat": "134567890123456789"
        default: "6212345678901234567"
        }
    }

    static func cny(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .CNY) }

    /// Pays `minor` fen on `account` by barcode (or token / payer for the other channels).
    func pay(_ account: String, _ minor: Int64, serial: String? = nil, mode: PayMode? = nil) throws -> (String, ChannelReply) {
        let serial = serial ?? self.serial()
        let plugin = try plugin(account)
        let mode = try mode ?? defaultMode(account)
        return (serial, plugin.pay(PayRequest(serial: serial, amount: money(account, minor), mode: mode, subject: "Test 珍珠奶茶")))
    }

    func defaultMode(_ account: String) throws -> PayMode {
        let channel = accounts[account]!.channel
        switch channel {
        case "alipay", "wechat", "unionpay": return .authCode(Self.authCode(channel))
        case "card":
            let token = try (try plugin(account) as! CardAcquirerPlugin).tokenize(try CardDetails(number: "4242424242424242", expiry: "12/30", cvc: "123"))
            return .cardToken(token.token, challengeCompleted: false)
        default: return .account("C1001")
        }
    }

    /// Feeds each callback the sandbox sent about `serial` to the registry.
    func notifications(about serial: String) throws -> [Result<ChannelNotification, NotificationRejection>] {
        try sandbox.sentCallbacks(orderNo: serial).map { callback in
            registry.receiveNotification(channel: callback.channel, accounts: allAccounts, headers: callback.headers, body: callback.body)
        }
    }
}
