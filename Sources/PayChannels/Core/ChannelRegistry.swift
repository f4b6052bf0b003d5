import PayCore

/// Finds the plugin for a channel and builds it for one of the center's accounts.
public final class ChannelRegistry {
    /// Every channel's plugin class, by channel name.
    public static let pluginTypes: [String: ChannelPlugin.Type] = [
        "alipay": AlipayPlugin.self, "wechat": WeChatPayPlugin.self, "unionpay": UnionPayPlugin.self,
        "card": CardAcquirerPlugin.self, "paypal": PayPalPlugin.self, "wallet": WalletPlugin.self,
    ]

    public let transport: any ChannelTransport
    public let clock: any PayClock
    /// Given to every plugin built here: told of each call it makes.
    public var recorder: (any ChannelCallRecorder)?
    /// Opens the sealed secrets of an account's config (secrets at rest, `ConfigSeal`) for the
    /// plugin, in memory only. Nil: configs must hold no sealed value (tests' own accounts).
    public var seal: ConfigSeal? { didSet { opened = [:] } }
    /// Accounts already opened, by id, with the stored (sealed) account they came from: a payment,
    /// a query and each callback candidate build a plugin, and the config only changes by a write.
    private var opened: [String: (stored: ChannelAccount, open: ChannelAccount)] = [:]

    public init(transport: any ChannelTransport, clock: any PayClock) {
        self.transport = transport
        self.clock = clock
    }

    /// The plugin class for `channel`; `invalidInput` naming the known channels otherwise.
    public static func pluginType(for channel: String) throws(PayError) -> ChannelPlugin.Type {
        guard let type = pluginTypes[channel] else {
            throw PayError.invalidInput("channel '\(channel)': unknown (known: \(pluginTypes.keys.sorted().joined(separator: ", ")))")
        }
        return type
    }

    /// The plugin speaking for `account`.
    public func plugin(for account: ChannelAccount) throws(PayError) -> ChannelPlugin {
        let account = try open(account)
        let plugin = try Self.pluginType(for: account.channel).init(account: account, transport: transport, clock: clock)
        plugin.recorder = recorder
        return plugin
    }

    /// `account` opened, once per stored version of it.
    private func open(_ account: ChannelAccount) throws(PayError) -> ChannelAccount {
        if let hit = opened[account.id], hit.stored == account { return hit.open }
        let open = try Self.unsealed(account, with: seal)
        opened[account.id] = (account, open)
        return open
    }

    /// `account` with its sealed config values opened; the account as it is when none is sealed.
    public static func unsealed(_ account: ChannelAccount, with seal: ConfigSeal?) throws(PayError) -> ChannelAccount {
        guard account.config.values.contains(where: ConfigSeal.isSealed) else { return account }
        guard let seal else {
            throw PayError.internal("channel account '\(account.id)': its secrets are sealed and no key was given to open them")
        }
        return ChannelAccount(id: account.id, channel: account.channel, merchantId: account.merchantId, name: account.name,
                              currencies: account.currencies, feeRateBps: account.feeRateBps, feeFixedMinor: account.feeFixedMinor,
                              enabled: account.enabled, config: try seal.open(account.config, scope: "account:\(account.id)"))
    }

    /// The card plugin for an acquirer account (it alone can tokenize).
    public func cardPlugin(for account: ChannelAccount) throws(PayError) -> CardAcquirerPlugin {
        guard let plugin = try plugin(for: account) as? CardAcquirerPlugin else {
            throw PayError.invalidInput("account '\(account.id)' is a \(account.channel) account, not a card acquirer")
        }
        return plugin
    }

    /// Verifies and parses a raw callback for `channel`, trying each of its accounts: the account
    /// the callback names (app id, platform serial, certId), or, for the HMAC channels, the one
    /// whose secret signed it. The rejection names the most telling reason.
    public func receiveNotification(channel: String, accounts: [ChannelAccount], headers: [String: String],
                                    body: [UInt8]) -> Result<ChannelNotification, NotificationRejection> {
        let candidates = accounts.filter { $0.channel == channel }
        guard !candidates.isEmpty else { return .failure(NotificationRejection("no \(channel) channel account in this store")) }
        var reasons: [NotificationRejection] = []
        for account in candidates {
            let plugin: ChannelPlugin
            do { plugin = try self.plugin(for: account) } catch { return .failure(NotificationRejection(error.message)) }
            do {
                return .success(try plugin.receiveNotification(headers: headers, body: body))
            } catch {
                if !error.notForThisAccount { return .failure(error) }
                reasons.append(error)
            }
        }
        // why verified: when every account verified the signature (a key the channel shares between
        // merchants, as UnionPay's certificate) the message is the channel's word about a merchant we
        // do not hold: suspicious, not junk.
        let verified = reasons.allSatisfy(\.verified)
        if reasons.count == 1 { return .failure(NotificationRejection(reasons[0].reason, verified: verified)) }
        return .failure(NotificationRejection(reasons.map(\.reason).uniqued().joined(separator: "; "), verified: verified))
    }

    /// The acknowledgement `channel` expects for a callback it delivered.
    public static func acknowledgement(channel: String) throws(PayError) -> ChannelAck {
        let account = ChannelAccount(id: "", channel: channel, merchantId: nil, name: "", currencies: [], feeRateBps: 0, feeFixedMinor: 0,
                                     enabled: true, config: [:])
        final class NoTransport: ChannelTransport {
            func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage {
                throw TransportError.unreachable("no transport")
            }
        }
        return try pluginType(for: channel).init(account: account, transport: NoTransport(), clock: SystemClock()).acknowledgement
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
