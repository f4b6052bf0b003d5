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
        throw PayError.internal("not yet")
    }

    /// Sets public settings (identifiers such as `app_id`, `mchid`); secret fields are refused
    /// (they come from files). Admin only, guarded by the config version, audited.
    @discardableResult
    public func set(_ id: String, settings: [String: String]) throws(PayError) -> ChannelAccountSummary {
        throw PayError.internal("not yet")
    }

    /// Reads `field` of the account from the file at `path` — a PEM private key, a PEM public key
    /// or certificate, or a one-line secret, as the field's kind says — checks it (PEM, key type,
    /// private where private is expected, matching the channel's other keys), seals it when secret,
    /// and stores it. A missing or wrong file: `invalidInput` naming the file, nothing written.
    @discardableResult
    public func importKey(_ id: String, field: String, path: String) throws(PayError) -> ChannelAccountSummary {
        throw PayError.internal("not yet")
    }

    /// Lets routing pick the account; `conflict` naming the missing fields when it is incomplete.
    public func enable(_ id: String) throws(PayError) {
        throw PayError.internal("not yet")
    }

    /// Routing skips the account from now on; payments in flight on it finish as usual.
    public func disable(_ id: String) throws(PayError) {
        throw PayError.internal("not yet")
    }

    /// A harmless signed call to the channel (a query of a serial that cannot exist): a verified
    /// "not found" means both sides' credentials work; otherwise the result says which side fails.
    public func test(_ id: String, gateway: ChannelGateway) throws(PayError) -> ChannelAccountTestResult {
        throw PayError.internal("not yet")
    }

    /// Seals every secret still kept in plaintext (stores made before schema 18). Admin only,
    /// audited. Returns the ids of the accounts it sealed.
    @discardableResult
    public func sealPlaintextSecrets() throws(PayError) -> [String] {
        throw PayError.internal("not yet")
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
