import PayChannels
import PayCore
import PayStore

/// The center's accounts at the channels, set up by an admin: added with their public ids, keys
/// and secrets imported from files (never typed on a command line), enabled once complete,
/// disabled, tested with a harmless signed call. Secrets are sealed at rest (`ConfigSeal`) and
/// shown masked; they never reach the audit log or `--json`.
public struct ChannelAccountService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The fields `channel` needs in an account's config; `invalidInput` for an unknown channel.
    public static func fields(channel: String) throws(PayError) -> [ChannelConfigField] {
        try ChannelConfigFields.fields(channel: channel)
    }

    /// Every account, secrets masked.
    public func all() throws(PayError) -> [ChannelAccountSummary] {
        let store = context.store
        return try store.read { try store.channelAccounts.all() }.map(Self.summary)
    }

    /// The accounts of one merchant, secrets masked.
    public func accounts(ofMerchant merchantId: String) throws(PayError) -> [ChannelAccountSummary] {
        let store = context.store
        return try store.read { try store.channelAccounts.forMerchant(merchantId) }.map(Self.summary)
    }

    /// One account, secrets masked; `notFound` naming the known ones.
    public func summary(_ id: String) throws(PayError) -> ChannelAccountSummary {
        let store = context.store
        return Self.summary(try store.read { try Self.require(id, in: store) })
    }

    /// Adds a disabled account without secrets. Admin only, audited.
    @discardableResult
    public func add(_ draft: ChannelAccountDraft) throws(PayError) -> ChannelAccountSummary {
        try Authorizer.require(.manageChannelAccounts, actor: context.actor)
        let id = try OnboardingRules.code(draft.id, field: "account id")
        let fields = try ChannelConfigFields.fields(channel: draft.channel)
        let name = try OnboardingRules.name(draft.name, field: "--name")
        let merchantId = try OnboardingRules.code(draft.merchantId, field: "--merchant")
        var currencies: [Currency] = []
        for code in draft.currencies.split(separator: ",", omittingEmptySubsequences: false) {
            let currency = try OnboardingRules.currency(code.trimmingCharacters(in: .whitespaces), field: "--currencies")
            if !currencies.contains(currency) { currencies.append(currency) }
        }
        guard !currencies.isEmpty else { throw PayError.invalidInput("--currencies: give at least one currency (CNY,HKD)") }
        let bps = try OnboardingRules.integer(draft.feeRateBps, field: "--fee-bps", in: 0...10_000)
        let fixed = try OnboardingRules.integer(draft.feeFixedMinor, field: "--fee-fixed", in: 0...1_000_000)
        let settings = try Self.identifiers(draft.settings, fields: fields, account: id)
        let account = ChannelAccount(id: id, channel: draft.channel, merchantId: merchantId, name: name, currencies: currencies,
                                     feeRateBps: bps, feeFixedMinor: fixed, enabled: false, config: settings)
        let store = context.store
        try store.write {
            let merchant = try MerchantService.require(merchantId, in: store)
            guard merchant.status == .active else { throw PayError.conflict("merchant '\(merchantId)' is disabled; enable it before adding accounts") }
            if try store.channelAccounts.find(id) != nil { throw PayError.conflict("channel account '\(id)' exists already") }
            try store.channelAccounts.insert(account, at: context.now)
            try AuditLog(context).append(actor: context.actor, action: "account.add", target: "account:\(id)",
                                         detail: "channel \(draft.channel), merchant \(merchantId), \(currencies.map(\.code).joined(separator: ",")), fee \(bps) bps + \(fixed)"
                                            + settings.keys.sorted().map { ", \($0) \(settings[$0] ?? "")" }.joined())
        }
        return Self.summary(account)
    }

    /// Sets public settings (identifiers such as `app_id`, `mchid`); secret fields are refused
    /// (they come from files). Admin only, guarded by the config version, audited.
    @discardableResult
    public func set(_ id: String, settings: [String: String]) throws(PayError) -> ChannelAccountSummary {
        try Authorizer.require(.manageChannelAccounts, actor: context.actor)
        guard !settings.isEmpty else { throw PayError.usage("account set \(id): nothing to change") }
        let store = context.store
        let current = try store.read { try Self.require(id, in: store) }
        let checked = try Self.identifiers(settings, fields: try ChannelConfigFields.fields(channel: current.channel), account: id)
        return try change(id, action: "account.set", detail: checked.keys.sorted().map { "\($0) \(checked[$0] ?? "")" }.joined(separator: ", ")) { config in
            config.merge(checked) { _, new in new }
        }
    }

    /// Reads `field` of the account from the file at `path` — a PEM private key, a PEM public key
    /// or certificate, or a one-line secret, as the field's kind says — checks it (PEM, key type,
    /// private where private is expected, matching the channel's other keys), seals it when secret,
    /// and stores it. A missing or wrong file: `invalidInput` naming the file, nothing written.
    @discardableResult
    public func importKey(_ id: String, field: String, path: String) throws(PayError) -> ChannelAccountSummary {
        try Authorizer.require(.manageChannelAccounts, actor: context.actor)
        let store = context.store
        let account = try store.read { try Self.require(id, in: store) }
        let fields = try ChannelConfigFields.fields(channel: account.channel)
        let keyFields = fields.filter { $0.kind != .identifier }
        guard let spec = fields.first(where: { $0.name == field }) else {
            throw PayError.invalidInput("field '\(field)': not a \(account.channel) key (known: \(keyFields.map(\.name).joined(separator: ", ")))")
        }
        guard spec.kind != .identifier else {
            throw PayError.invalidInput("field '\(field)': an id, not a key; set it with `paydesk account set \(id) --set \(field)=VALUE`")
        }
        let seal = try ConfigSeal(storePath: store.path)
        let open = try seal.open(account.config, scope: Self.scope(id))
        let value: String
        switch spec.kind {
        case .privateKey:
            let key = try KeyFile.privateKey(path, field: field)
            for other in fields where other.kind == .publicKey {
                if let pem = open[other.name], let theirs = try? RSAPublicKey(pem: pem), theirs.pem == key.publicKey.pem {
                    throw PayError.invalidInput("key file '\(path)': its public half is this account's \(other.name) — the channel's key; \(field) needs the center's own private key")
                }
            }
            value = key.pem
        case .publicKey:
            let key = try KeyFile.publicKey(path, field: field)
            for other in fields where other.kind == .privateKey {
                if let pem = open[other.name], let ours = try? RSAPrivateKey(pem: pem), ours.publicKey.pem == key.pem {
                    throw PayError.invalidInput("key file '\(path)': the public half of this account's own \(other.name); \(field) needs the CHANNEL's public key (from the channel's portal)")
                }
            }
            value = key.pem
        case .secret:
            value = try KeyFile.secret(path, field: field)
        case .certificate:
            value = try KeyFile.certificate(path, field: field).pem
        case .identifier:
            throw PayError.internal("unreachable")
        }
        let stored = spec.kind.isSecret ? try seal.seal(value, scope: Self.scope(id), field: field) : value
        return try change(id, action: "account.import-key", detail: "\(field) from file \(path)") { config in
            config[field] = stored
        }
    }

    /// Lets routing pick the account; `conflict` naming the missing fields when it is incomplete.
    public func enable(_ id: String) throws(PayError) {
        try Authorizer.require(.manageChannelAccounts, actor: context.actor)
        let store = context.store
        try store.write {
            let account = try Self.require(id, in: store)
            let missing = Self.summary(account).missing
            guard missing.isEmpty else {
                throw PayError.conflict("channel account '\(id)' is incomplete: \(missing.joined(separator: ", ")) not set (`paydesk account list` shows what it has)")
            }
            if let merchantId = account.merchantId, let merchant = try store.merchants.find(merchantId), merchant.status != .active {
                throw PayError.conflict("channel account '\(id)': its merchant '\(merchantId)' is disabled")
            }
            guard try store.channelAccounts.setEnabled(id, true) else { throw PayError.conflict("channel account '\(id)' is enabled already") }
            try AuditLog(context).append(actor: context.actor, action: "account.enable", target: "account:\(id)")
        }
    }

    /// Routing skips the account from now on; payments in flight on it finish as usual.
    public func disable(_ id: String) throws(PayError) {
        try Authorizer.require(.manageChannelAccounts, actor: context.actor)
        let store = context.store
        try store.write {
            _ = try Self.require(id, in: store)
            guard try store.channelAccounts.setEnabled(id, false) else { throw PayError.conflict("channel account '\(id)' is disabled already") }
            try AuditLog(context).append(actor: context.actor, action: "account.disable", target: "account:\(id)")
        }
    }

    /// A harmless signed call to the channel (a query of a serial that cannot exist): a verified
    /// "not found" means both sides' credentials work; otherwise the result says which side fails.
    public func test(_ id: String, gateway: ChannelGateway) throws(PayError) -> ChannelAccountTestResult {
        try Authorizer.require(.manageChannelAccounts, actor: context.actor)
        let store = context.store
        let account = try store.read { try Self.require(id, in: store) }
        let missing = Self.summary(account).missing
        guard missing.isEmpty else {
            throw PayError.conflict("channel account '\(id)' is incomplete: \(missing.joined(separator: ", ")) not set; nothing to test yet")
        }
        let plugin = try gateway.registry.plugin(for: account)
        // why: a probe is no payment; it stays out of the channel-call records of orders.
        plugin.recorder = nil
        let probe = "PDTEST\(Crypto.randomHex(8).uppercased())"
        let reply = plugin.query(serial: probe, amount: Money(minorUnits: 1, currency: account.currencies.first ?? .CNY))
        let result = Self.verdict(reply, account: account)
        try AuditLog(context).append(actor: context.actor, action: "account.test", target: "account:\(id)",
                                     outcome: result.ok ? .ok : .failed,
                                     detail: result.ok ? "credentials work" : "\(result.failing?.rawValue ?? "") side: \(result.message)")
        return result
    }

    /// The sandbox as the channel's merchant portal, in one step (the console's first run, a
    /// demo): makes the center's RSA key pair in memory, registers its public half at the sandbox,
    /// and stores what the portal hands out — ids, the channel's public keys, the shared secrets
    /// (sealed) — with the center's private key (sealed). Admin only, audited. The account must be
    /// one the sandbox serves (every channel here is).
    @discardableResult
    public func connectSandbox(_ id: String, gateway: ChannelGateway) throws(PayError) -> ChannelAccountSummary {
        try Authorizer.require(.manageChannelAccounts, actor: context.actor)
        let store = context.store
        let account = try store.read { try Self.require(id, in: store) }
        let fields = try ChannelConfigFields.fields(channel: account.channel)
        _ = try ConfigSeal(storePath: store.path).seal("", scope: Self.scope(id), field: "probe")
        let centerKey: RSAPrivateKey
        do { centerKey = try RSAPrivateKey.generate() } catch { throw PayError.internal("generating the center's key: \(error)") }
        let handed = try gateway.sandbox.register(account, centerPublicKey: centerKey.publicKey.pem)
        var values = handed.identifiers.merging(handed.publicKeys) { a, _ in a }.merging(handed.secrets) { a, _ in a }
        for field in fields where field.kind == .privateKey { values[field.name] = centerKey.pem }
        return try change(id, action: "account.sandbox-connect",
                          detail: "registered a new center key at the sandbox portal; set \(values.keys.sorted().joined(separator: ", "))") { config in
            config.merge(values) { _, new in new }
        }
    }

    /// Seals every secret still kept in plaintext (stores made before schema 18). Audited.
    /// Returns the ids of the accounts it sealed. Needs the key file; `paydesk init` runs it.
    @discardableResult
    public func sealPlaintextSecrets() throws(PayError) -> [String] {
        try Authorizer.require(.manageStore, actor: context.actor)
        let store = context.store
        let plain = try store.read { try store.channelAccounts.all() }.filter { !Self.plaintextSecrets($0).isEmpty }
        guard !plain.isEmpty else { return [] }
        var sealed: [String] = []
        for account in plain {
            let names = Self.plaintextSecrets(account)
            // why: `change` seals every plaintext secret it writes back; nothing else changes.
            _ = try change(account.id, action: "account.seal", detail: "sealed \(names.joined(separator: ", "))", permission: .manageStore) { _ in }
            sealed.append(account.id)
        }
        return sealed
    }

    /// The secret fields of `account` kept in plaintext.
    public static func plaintextSecrets(_ account: ChannelAccount) -> [String] {
        account.config.filter { ChannelConfigFields.kind(of: $0.key).isSecret && !$0.value.isEmpty && !ConfigSeal.isSealed($0.value) }
            .keys.sorted()
    }

    /// The scope a value of an account's config is sealed under.
    public static func scope(_ id: String) -> String { "account:\(id)" }

    /// Changes the config in one guarded write: read with its version, change, write back only if
    /// the version is unchanged, audit. Every secret still in plaintext is sealed on the way.
    private func change(_ id: String, action: String, detail: String, permission: Permission = .manageChannelAccounts,
                        _ body: (inout [String: String]) throws(PayError) -> Void) throws(PayError) -> ChannelAccountSummary {
        try Authorizer.require(permission, actor: context.actor)
        let store = context.store
        return try store.write {
            let account = try Self.require(id, in: store)
            guard let version = try store.channelAccounts.configVersion(id) else { throw PayError.notFound("channel account '\(id)': gone") }
            var config = account.config
            try body(&config)
            let plain = config.filter { ChannelConfigFields.kind(of: $0.key).isSecret && !$0.value.isEmpty && !ConfigSeal.isSealed($0.value) }
            if !plain.isEmpty {
                let seal = try ConfigSeal(storePath: store.path)
                for (name, value) in plain { config[name] = try seal.seal(value, scope: Self.scope(id), field: name) }
            }
            guard try store.channelAccounts.replaceConfig(id, config, version: version) else {
                throw PayError.conflict("channel account '\(id)' was changed by someone else meanwhile; look again and retry")
            }
            try AuditLog(context).append(actor: context.actor, action: action, target: "account:\(id)", detail: detail)
            return Self.summary(try Self.require(id, in: store))
        }
    }

    /// Checks public settings: known identifier fields of the channel, printable, at most 128 characters.
    static func identifiers(_ settings: [String: String], fields: [ChannelConfigField], account: String) throws(PayError) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            guard let field = fields.first(where: { $0.name == name }) else {
                throw PayError.invalidInput("--set \(name): not a setting of this channel (ids: \(fields.filter { $0.kind == .identifier }.map(\.name).joined(separator: ", ")))")
            }
            guard field.kind == .identifier else {
                throw PayError.invalidInput("--set \(name): a \(field.kind == .secret ? "secret" : "key"), never typed on a command line; import it from a file with `paydesk account import-key \(account) \(name) FILE`")
            }
            guard !value.isEmpty, value.count <= 128, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
                throw PayError.invalidInput("--set \(name)='\(value.prefix(40))': 1–128 printable ASCII characters without spaces")
            }
            out[name] = value
        }
        return out
    }

    /// What the test's reply says about the credentials.
    static func verdict(_ reply: ChannelReply, account: ChannelAccount) -> ChannelAccountTestResult {
        let keyField = (try? ChannelConfigFields.fields(channel: account.channel))?.first { $0.kind == .publicKey || $0.name == "webhook_secret" }?.name ?? "its key"
        switch reply.result {
        case .declined(let code, let message) where code == DeclineCode.notFound:
            return ChannelAccountTestResult(ok: true, failing: nil,
                                            message: "the channel accepted the signed query and answered 'not found' (\(message)) under a signature that verified")
        case .succeeded, .pending:
            return ChannelAccountTestResult(ok: true, failing: nil, message: "the channel accepted the signed query and its answer verified")
        case .unknown(let message) where reply.channelStatus == "UNVERIFIED":
            return ChannelAccountTestResult(ok: false, failing: .channel,
                                            message: "the channel's answer does not verify (\(message)): check \(keyField) (and its serial), as the channel's portal shows it")
        case .unknown(let message) where reply.channelStatus == "TIMEOUT",
             .systemError(let message) where reply.channelStatus == "UNREACHABLE":
            return ChannelAccountTestResult(ok: false, failing: .transport, message: "no verdict on the credentials: \(message)")
        case .systemError(let message) where message.contains("cannot build the request"):
            return ChannelAccountTestResult(ok: false, failing: .center, message: "the center cannot sign: \(message)")
        case .declined(_, let message), .systemError(let message), .unknown(let message):
            return ChannelAccountTestResult(ok: false, failing: .center,
                                            message: "the channel refused the center's request (\(message)): check the center's private key or API secret and the ids registered at the channel")
        }
    }

    static func require(_ id: String, in store: Store) throws -> ChannelAccount {
        if let account = try store.channelAccounts.find(id) { return account }
        let known = try store.channelAccounts.all().map(\.id).joined(separator: ", ")
        throw PayError.notFound("channel account '\(id)': unknown (known: \(known.isEmpty ? "none; add one with `paydesk account add`" : known))")
    }

    static func summary(_ account: ChannelAccount) -> ChannelAccountSummary {
        let fields = (try? ChannelConfigFields.fields(channel: account.channel)) ?? []
        var values = fields.map { ChannelConfigFields.display($0, account.config[$0.name]) }
        for (name, value) in account.config.sorted(by: { $0.key < $1.key }) where !fields.contains(where: { $0.name == name }) {
            values.append(ChannelConfigFields.display(ChannelConfigField(name: name, kind: ChannelConfigFields.kind(of: name), summary: ""), value))
        }
        let missing = fields.filter { (account.config[$0.name] ?? "").isEmpty }.map(\.name)
        let state: ChannelAccountState = !missing.isEmpty ? .incomplete : account.enabled ? .active : .disabled
        return ChannelAccountSummary(id: account.id, channel: account.channel, name: account.name, merchantId: account.merchantId,
                                     currencies: account.currencies, feeRateBps: account.feeRateBps, feeFixedMinor: account.feeFixedMinor,
                                     state: state, fields: values, missing: missing)
    }
}
