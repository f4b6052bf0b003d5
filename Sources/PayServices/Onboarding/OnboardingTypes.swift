import PayCore

/// A merchant to add, as typed (the service checks every field and names it in its error).
public struct MerchantDraft: Sendable, Equatable {
    /// 1–32 lower-case letters, digits or '-'.
    public var id: String
    public var name: String
    public var contact: String

    public init(id: String, name: String, contact: String = "") {
        self.id = id
        self.name = name
        self.contact = contact
    }
}

/// A business line to add, as typed. `currency` and `methods` are text (`"CNY"`,
/// `"alipay,wechat"`; empty methods: all) so the console's forms and the command line get the same
/// checks and the same messages.
public struct BusinessLineDraft: Sendable, Equatable {
    public var code: String
    public var name: String
    /// One of `BusinessLineService.layouts`.
    public var layout: String
    public var currency: String
    public var methods: String
    /// The merchant the line belongs to (must exist and be active).
    public var merchantId: String

    public init(code: String, name: String, layout: String = "retail", currency: String = "CNY", methods: String = "",
                merchantId: String) {
        self.code = code
        self.name = name
        self.layout = layout
        self.currency = currency
        self.methods = methods
        self.merchantId = merchantId
    }
}

/// Changes to a business line; nil leaves a field as it is.
public struct BusinessLineChanges: Sendable, Equatable {
    public var name: String?
    public var layout: String?
    public var currency: String?
    /// Methods as text; empty: all methods.
    public var methods: String?
    /// http(s) URL, or empty to turn notifications off.
    public var notifyURL: String?
    /// The HMAC secret of the merchant notifications (at most 256 characters); never shown or audited.
    public var notifySecret: String?

    public init(name: String? = nil, layout: String? = nil, currency: String? = nil, methods: String? = nil,
                notifyURL: String? = nil, notifySecret: String? = nil) {
        self.notifySecret = notifySecret
        self.name = name
        self.layout = layout
        self.currency = currency
        self.methods = methods
        self.notifyURL = notifyURL
    }

    public var isEmpty: Bool { self == BusinessLineChanges() }
}

/// A channel account to add, as typed. It starts disabled and without keys: its keys and secrets
/// come from files (`ChannelAccountService.importKey`), then `enable` checks it is complete.
public struct ChannelAccountDraft: Sendable, Equatable {
    /// 1–32 lower-case letters, digits or '-'.
    public var id: String
    /// A channel PayDesk speaks: alipay, wechat, unionpay, card, paypal, wallet.
    public var channel: String
    public var name: String
    public var merchantId: String
    /// Currencies as text, comma-separated ("CNY,HKD").
    public var currencies: String
    /// Fee rate in basis points, as text ("60" = 0.60 %); empty: 0.
    public var feeRateBps: String
    /// Fixed fee per payment in minor units, as text; empty: 0.
    public var feeFixedMinor: String
    /// The account's public settings (ids the channel gave out: `app_id`, `mchid`, serials …).
    /// Secret fields are refused here: they come from files only.
    public var settings: [String: String]

    public init(id: String, channel: String, name: String, merchantId: String, currencies: String = "CNY",
                feeRateBps: String = "", feeFixedMinor: String = "", settings: [String: String] = [:]) {
        self.id = id
        self.channel = channel
        self.name = name
        self.merchantId = merchantId
        self.currencies = currencies
        self.feeRateBps = feeRateBps
        self.feeFixedMinor = feeFixedMinor
        self.settings = settings
    }
}

/// What a field of a channel account's config holds, which decides how it is given, kept and shown.
public enum ChannelConfigKind: String, Sendable, CaseIterable {
    /// An id the channel gave out (app id, mch id, certificate serial): typed, shown in full.
    case identifier
    /// The center's private key (PEM file): kept sealed, shown masked, never exported.
    case privateKey
    /// The channel's public key or certificate (PEM file): shown by its fingerprint.
    case publicKey
    /// A shared secret (API v3 key, API secret, webhook secret; a text file): kept sealed, shown masked.
    case secret
    /// A channel's X.509 certificate (PEM file; UnionPay 5.1.0's root and intermediate CA): shown by
    /// its subject and serial.
    case certificate

    /// Whether the value is kept encrypted at rest and never shown.
    public var isSecret: Bool { self == .privateKey || self == .secret }
}

/// One field a channel needs in an account's config.
public struct ChannelConfigField: Sendable, Equatable {
    public let name: String
    public let kind: ChannelConfigKind
    /// What it is, in the channel's own words ("APPID of the Alipay open platform app").
    public let summary: String

    public init(name: String, kind: ChannelConfigKind, summary: String) {
        self.name = name
        self.kind = kind
        self.summary = summary
    }
}

/// A config field of an account as it may be shown: secrets masked, keys by fingerprint.
public struct ChannelConfigValue: Sendable, Equatable {
    public let name: String
    public let kind: ChannelConfigKind
    /// "app_id 2021…": identifiers in full; public keys as `RSA-2048 SHA256:AB12…`; secrets as
    /// `set (…3f9a)`-style masks that never show more than the last four characters of a secret,
    /// and private keys only as `set (RSA-2048)`. Empty when the field is missing.
    public let display: String
    public let isSet: Bool

    public init(name: String, kind: ChannelConfigKind, display: String, isSet: Bool) {
        self.name = name
        self.kind = kind
        self.display = display
        self.isSet = isSet
    }
}

/// Where an account stands.
public enum ChannelAccountState: String, Sendable {
    /// Some field the channel needs is missing: it cannot be enabled yet.
    case incomplete = "INCOMPLETE"
    /// Complete but disabled: routing skips it.
    case disabled = "DISABLED"
    /// Routing may pick it.
    case active = "ACTIVE"
}

/// A channel account as the admin sees it, secrets masked.
public struct ChannelAccountSummary: Sendable, Equatable {
    public let id: String
    public let channel: String
    public let name: String
    public let merchantId: String?
    public let currencies: [Currency]
    public let feeRateBps: Int64
    public let feeFixedMinor: Int64
    public let state: ChannelAccountState
    /// Every field the channel needs, in the channel's order, then any other stored field.
    public let fields: [ChannelConfigValue]
    /// Names of the required fields not set yet.
    public let missing: [String]

    public init(id: String, channel: String, name: String, merchantId: String?, currencies: [Currency], feeRateBps: Int64,
                feeFixedMinor: Int64, state: ChannelAccountState, fields: [ChannelConfigValue], missing: [String]) {
        self.id = id
        self.channel = channel
        self.name = name
        self.merchantId = merchantId
        self.currencies = currencies
        self.feeRateBps = feeRateBps
        self.feeFixedMinor = feeFixedMinor
        self.state = state
        self.fields = fields
        self.missing = missing
    }
}

/// The outcome of `account test`: a harmless signed call to the channel.
public struct ChannelAccountTestResult: Sendable, Equatable {
    /// Which side's credentials a failure points at.
    public enum Side: String, Sendable {
        /// The channel refused the center's signature (the center's private key, app id or mch id).
        case center
        /// The channel's answer did not verify (the channel's public key or certificate, the serial).
        case channel
        /// The channel could not be reached or answered something else: not a credentials verdict.
        case transport
    }

    /// Both signatures work.
    public let ok: Bool
    /// Set when `ok` is false.
    public let failing: Side?
    /// What happened, for a person: "the channel answered 'trade not found' under a verified signature".
    public let message: String

    public init(ok: Bool, failing: Side?, message: String) {
        self.ok = ok
        self.failing = failing
        self.message = message
    }
}
