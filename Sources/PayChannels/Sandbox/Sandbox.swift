import Foundation
import PayCore
import PayStore

/// The sandbox PSPs: one per channel, sharing one SQLite file beside the store. Implements
/// `ChannelTransport`, so a plugin really builds, signs and sends its request and verifies the
/// answer — only the network is missing. Time comes from the `PayClock` it is given, so tests
/// and simulated stores drive it deterministically.
///
/// Not `Sendable`: like a store connection, it belongs to one isolation domain.
public final class Sandbox: ChannelTransport {
    public let db: Connection
    public let path: String
    public private(set) var clock: any PayClock
    private(set) var psps: [String: SandboxPSP] = [:]

    /// The pay-code scan delay when none was set: 2 s (DESIGN §5).
    public static let defaultLatencyMilliseconds: Int64 = 2000
    /// How long a "57" barcode payment stays "user is paying".
    public static let userPayingMilliseconds: Int64 = 10_000

    /// The sandbox file that goes with a store.
    public static func path(forStore storePath: String) -> String { storePath + ".sandbox.db" }

    /// Opens (creating when missing) the sandbox database at `path`.
    public init(path: String, clock: any PayClock) throws(PayError) {
        do {
            // why: the sandbox's ledger is a simulator's, not money; NORMAL is durable enough and faster.
            db = try Connection(path: path, create: true, synchronous: .normal)
            try SandboxSchema.migrator.migrate(db, label: "sandbox")
        } catch let error as PayError {
            throw error
        } catch {
            throw PayError.internal("sandbox '\(path)': \(error)")
        }
        self.path = path
        self.clock = clock
        for psp: SandboxPSP in [AlipaySandbox(sandbox: self), WeChatPaySandbox(sandbox: self), UnionPaySandbox(sandbox: self),
                                CardAcquirerSandbox(sandbox: self), PayPalSandbox(sandbox: self), WalletSandbox(sandbox: self)] {
            psps[psp.channel] = psp
        }
    }

    /// Opens the sandbox beside `storePath`.
    public convenience init(storePath: String, clock: any PayClock) throws(PayError) {
        try self.init(path: Sandbox.path(forStore: storePath), clock: clock)
    }

    /// Moves the sandbox to another clock (a simulated store's time was advanced).
    public func setClock(_ clock: any PayClock) { self.clock = clock }

    public var now: Timestamp { clock.now() }

    /// The SMS outbox.
    public var sms: SandboxSMS { SandboxSMS(sandbox: self) }

    /// The channels the sandbox simulates.
    public static let channels = ["alipay", "wechat", "unionpay", "card", "paypal", "wallet"]

    func psp(_ channel: String) throws(PayError) -> SandboxPSP {
        guard let psp = psps[channel] else {
            throw PayError.invalidInput("channel '\(channel)': the sandbox simulates \(Sandbox.channels.joined(separator: ", "))")
        }
        return psp
    }

    // MARK: Transport

    public func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage {
        guard let psp = psps[channel] else { throw TransportError.unreachable("no sandbox for channel '\(channel)'") }
        do {
            try advance()
            if try isOutage(channel: channel, account: account) {
                throw TransportError.unreachable("sandbox outage for \(channel)\(account.isEmpty ? "" : "/\(account)")")
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError.unreachable("sandbox store: \(error)")
        }
        return try psp.handle(request, account: account)
    }

    // MARK: Provisioning

    /// Creates the channel's side of `account` — its keys and fee — and returns the config the
    /// center keeps (its own private key, the channel's public key, the shared secrets).
    /// Generates RSA-2048 keys for the RSA channels: call once per account, at `init --demo`.
    public func provision(_ account: ChannelAccount) throws(PayError) -> [String: String] {
        let psp = try psp(account.channel)
        return try write {
            try db.execute("""
                INSERT INTO sandbox_accounts (account, channel, fee_rate_bps, fee_fixed_minor) VALUES (?, ?, ?, ?)
                ON CONFLICT (account) DO UPDATE SET channel = excluded.channel, fee_rate_bps = excluded.fee_rate_bps,
                    fee_fixed_minor = excluded.fee_fixed_minor
                """, [account.id, account.channel, account.feeRateBps, account.feeFixedMinor])
            return try psp.provision(account)
        }
    }

    /// A key the channel holds for `account`.
    func key(_ account: String, _ name: String) throws -> String? {
        try db.row("SELECT value FROM sandbox_keys WHERE account = ? AND name = ?", [account, name])?.optionalString("value")
    }

    func setKey(_ account: String, _ name: String, _ value: String) throws {
        try db.execute("""
            INSERT INTO sandbox_keys (account, name, value) VALUES (?, ?, ?)
            ON CONFLICT (account, name) DO UPDATE SET value = excluded.value
            """, [account, name, value])
    }

    /// The accounts provisioned for `channel`.
    public func accounts(channel: String) throws(PayError) -> [String] {
        try read { try db.rows("SELECT account FROM sandbox_accounts WHERE channel = ? ORDER BY account", [channel]).map { $0.string("account") } }
    }

    func fee(account: String, amount: Money) throws -> Money {
        guard let row = try db.row("SELECT fee_rate_bps, fee_fixed_minor FROM sandbox_accounts WHERE account = ?", [account]) else {
            return .zero(amount.currency)
        }
        // why Int128: amount × basis points passes Int64 for the largest amounts.
        let rated = (Int128(amount.minorUnits) * Int128(row.int64("fee_rate_bps")) + 5_000) / 10_000 + Int128(row.int64("fee_fixed_minor"))
        return Money(minorUnits: Int64(clamping: rated), currency: amount.currency)
    }

    // MARK: Switches

    /// Turns an outage on or off for a whole channel (`account` nil) or one account.
    public func setOutage(channel: String, account: String?, on: Bool) throws(PayError) {
        _ = try psp(channel)
        try write { () throws -> Void in
            if on {
                try db.execute("""
                    INSERT INTO sandbox_settings (channel, account, name, value) VALUES (?, ?, 'outage', '1')
                    ON CONFLICT (channel, account, name) DO UPDATE SET value = '1'
                    """, [channel, account ?? ""])
            } else {
                try db.execute("DELETE FROM sandbox_settings WHERE channel = ? AND account = ? AND name = 'outage'", [channel, account ?? ""])
            }
        }
    }

    /// Whether the channel, or this account of it, is down.
    public func isOutage(channel: String, account: String) throws -> Bool {
        let count = try db.scalarInt("""
            SELECT count(*) FROM sandbox_settings WHERE channel = ? AND name = 'outage' AND (account = '' OR account = ?)
            """, [channel, account]) ?? 0
        return count > 0
    }

    /// Sets how long a pay code waits to be "scanned" (and a callback to follow) on `channel`.
    public func setLatency(channel: String, milliseconds: Int64) throws(PayError) {
        _ = try psp(channel)
        guard milliseconds >= 0, milliseconds <= 3_600_000 else {
            throw PayError.invalidInput("latency \(milliseconds) ms: 0 to 3600000")
        }
        try write { () throws -> Void in
            try db.execute("""
                INSERT INTO sandbox_settings (channel, account, name, value) VALUES (?, '', 'latency_ms', ?)
                ON CONFLICT (channel, account, name) DO UPDATE SET value = excluded.value
                """, [channel, String(milliseconds)])
        }
    }

    /// The channel's latency (default 2 s).
    public func latency(channel: String) throws -> Int64 {
        let row = try db.row("SELECT value FROM sandbox_settings WHERE channel = ? AND account = '' AND name = 'latency_ms'", [channel])
        return row.flatMap { Int64($0.string("value")) } ?? Sandbox.defaultLatencyMilliseconds
    }

    /// Sets every channel's latency at once (tests set 0).
    public func setLatencyEverywhere(milliseconds: Int64) throws(PayError) {
        for channel in Sandbox.channels { try setLatency(channel: channel, milliseconds: milliseconds) }
    }

    // MARK: Transactions

    func write<T>(_ body: () throws -> T) throws(PayError) -> T {
        do {
            return try db.inTransaction(.immediate, body)
        } catch let error as PayError {
            throw error
        } catch {
            throw PayError.internal("sandbox: \(error)")
        }
    }

    func read<T>(_ body: () throws -> T) throws(PayError) -> T {
        do {
            return try body()
        } catch let error as PayError {
            throw error
        } catch {
            throw PayError.internal("sandbox: \(error)")
        }
    }
}
