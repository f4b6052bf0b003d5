import PayCore

/// What the admin screens ask of the services: merchants, business lines, channel accounts,
/// routes and risk lists (issue 14). The composition root implements it over the onboarding
/// services; tests implement it over the real services or a fake. Every call is checked
/// against the operator logged in (`ConsoleServices.act`) before it changes anything.
///
/// Secrets never cross this protocol in clear: an account's settings come back already masked
/// by the service layer, and keys are imported from a PEM file named by its path, never typed.
@MainActor
public protocol AdminDesk: AnyObject {
    /// Every merchant, business line and channel account, for the tree.
    func overview() throws(PayError) -> AdminOverview
    /// The channels an account may be opened on, with the settings and key files each needs.
    func channels() -> [AdminChannel]

    /// Adds a merchant (active). Audited.
    func addMerchant(_ draft: AdminMerchantDraft) throws(PayError)
    /// Disables a merchant: its lines take no new payments. Audited.
    func disableMerchant(id: String) throws(PayError)
    /// Serves a disabled merchant again. Audited.
    func enableMerchant(id: String) throws(PayError)

    /// Adds a business line belonging to a merchant. Audited.
    func addBusinessLine(_ draft: AdminLineDraft) throws(PayError)
    /// Changes a line's name, methods and merchant notifications; nil leaves a value as it is. Audited.
    func editBusinessLine(_ change: AdminLineChange) throws(PayError)

    /// Adds a channel account (disabled until its keys are in and it is enabled). Audited.
    func addAccount(_ draft: AdminAccountDraft) throws(PayError)
    /// Sets ids the channel gave out (app id, mch id …) on an account. Audited.
    func setIdentifiers(account: String, _ values: [String: String]) throws(PayError)
    /// Imports one key or secret of an account from a file (PEM for keys, one line for a secret);
    /// returns how the setting now shows (masked).
    func importKey(account: String, key: String, path: String) throws(PayError) -> String
    /// Enables or disables an account. Audited.
    func setAccountEnabled(id: String, enabled: Bool) throws(PayError)
    /// A harmless signed call to the channel: whether the account's credentials work, and which side failed.
    func testAccount(id: String) throws(PayError) -> AdminTestReport
    /// The sandbox as the channel's merchant portal: makes the center's key pair, registers its
    /// public key at the sandbox and imports what the portal hands out (the channel's public key,
    /// app id / mch id, shared secrets). Only for the sandbox channels this build talks to.
    func registerAtSandboxPortal(account: String) throws(PayError) -> [String]
    /// Routes the methods `account`'s channel serves on `line` to that account (priority routes),
    /// so the line can take payments; returns what it set, for a person.
    func routeLine(_ line: String, account: String) throws(PayError) -> String

    /// The routes, the risk rules and the risk lists, for the rules screen.
    func rules() throws(PayError) -> AdminRules
    /// Replaces a route's accounts (priority order, `ACCOUNT[:WEIGHT]` each); returns what it did. Audited.
    func setRouteAccounts(_ route: String, accounts: [String]) throws(PayError) -> String
    /// Switches a route on or off. Audited.
    func setRouteEnabled(_ route: String, enabled: Bool) throws(PayError) -> String
    /// Removes a route: the payments it covered go to the next rule that covers them. Audited.
    func removeRoute(_ route: String) throws(PayError) -> String
    /// Switches a risk rule on or off. Audited.
    func setRiskRuleEnabled(_ rule: String, enabled: Bool) throws(PayError) -> String
    /// Adds a value to a risk list (a new name makes the list). Audited.
    func addToRiskList(_ list: String, value: String) throws(PayError) -> String
    /// Removes a value from a risk list. Audited.
    func removeFromRiskList(_ list: String, value: String) throws(PayError) -> String
}

/// The rules screen's data: routes, risk rules and risk lists.
public struct AdminRules: Sendable, Hashable {
    public var routes: [AdminRoute]
    public var riskRules: [AdminRiskRule]
    public var riskLists: [AdminRiskList]

    public init(routes: [AdminRoute] = [], riskRules: [AdminRiskRule] = [], riskLists: [AdminRiskList] = []) {
        self.routes = routes
        self.riskRules = riskRules
        self.riskLists = riskLists
    }
}

/// A routing rule as the admin sees it.
public struct AdminRoute: Sendable, Hashable {
    public var name: String
    /// nil: every business line.
    public var line: String?
    public var method: String
    /// nil: every currency.
    public var currency: String?
    public var strategy: String
    public var enabled: Bool
    /// The candidates in priority order, as `ACCOUNT[:WEIGHT]` (the weight only when not 1).
    public var accounts: [String]

    public init(name: String, line: String?, method: String, currency: String?, strategy: String, enabled: Bool, accounts: [String]) {
        self.name = name
        self.line = line
        self.method = method
        self.currency = currency
        self.strategy = strategy
        self.enabled = enabled
        self.accounts = accounts
    }
}

/// A risk rule as the admin sees it.
public struct AdminRiskRule: Sendable, Hashable {
    public var name: String
    public var action: String
    public var expression: String
    public var enabled: Bool

    public init(name: String, action: String, expression: String, enabled: Bool) {
        self.name = name
        self.action = action
        self.expression = expression
        self.enabled = enabled
    }
}

/// A named risk list (`customer in NAME`) and its values.
public struct AdminRiskList: Sendable, Hashable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// The admin tree's data: merchants, the business lines and the channel accounts.
public struct AdminOverview: Sendable, Hashable {
    public var merchants: [AdminMerchant]
    public var lines: [AdminBusinessLine]
    public var accounts: [AdminAccount]

    public init(merchants: [AdminMerchant] = [], lines: [AdminBusinessLine] = [], accounts: [AdminAccount] = []) {
        self.merchants = merchants
        self.lines = lines
        self.accounts = accounts
    }
}

/// A company the center collects for.
public struct AdminMerchant: Sendable, Hashable {
    public var id: String
    public var name: String
    public var contact: String
    public var active: Bool

    public init(id: String, name: String, contact: String = "", active: Bool = true) {
        self.id = id
        self.name = name
        self.contact = contact
        self.active = active
    }
}

/// A business line as the admin sees it; the notify secret only as whether it is set.
public struct AdminBusinessLine: Sendable, Hashable {
    public var code: String
    public var name: String
    public var layout: String
    public var currency: String
    /// Methods accepted; empty means all.
    public var methods: [String]
    public var merchant: String?
    public var notifyURL: String
    public var notifySecretSet: Bool

    public init(code: String, name: String, layout: String, currency: String, methods: [String], merchant: String?,
                notifyURL: String = "", notifySecretSet: Bool = false) {
        self.code = code
        self.name = name
        self.layout = layout
        self.currency = currency
        self.methods = methods
        self.merchant = merchant
        self.notifyURL = notifyURL
        self.notifySecretSet = notifySecretSet
    }
}

/// A channel account as the admin sees it: its settings with every secret already masked.
public struct AdminAccount: Sendable, Hashable {
    public var id: String
    public var channel: String
    public var name: String
    public var merchant: String?
    public var currencies: [String]
    public var feeRateBps: Int64
    public var feeFixedMinor: Int64
    public var enabled: Bool
    /// Settings as shown: identifiers in clear, secrets masked by the service layer.
    public var settings: [AdminSetting]
    /// The settings the channel needs that are not set yet (the account cannot be enabled before).
    public var missing: [String]

    public init(id: String, channel: String, name: String, merchant: String?, currencies: [String],
                feeRateBps: Int64 = 0, feeFixedMinor: Int64 = 0, enabled: Bool, settings: [AdminSetting] = [], missing: [String] = []) {
        self.id = id
        self.channel = channel
        self.name = name
        self.merchant = merchant
        self.currencies = currencies
        self.feeRateBps = feeRateBps
        self.feeFixedMinor = feeFixedMinor
        self.enabled = enabled
        self.settings = settings
        self.missing = missing
    }
}

/// One setting of an account as shown: a secret's value is a mask ("•••• set"), never the text.
public struct AdminSetting: Sendable, Hashable {
    public var name: String
    public var shown: String
    public var isSecret: Bool

    public init(name: String, shown: String, isSecret: Bool) {
        self.name = name
        self.shown = shown
        self.isSecret = isSecret
    }
}

/// A channel an account may be opened on, and the settings an account of it needs.
public struct AdminChannel: Sendable, Hashable {
    public var name: String
    /// Ids the channel gave out (app id, mch id, serials): typed into a field.
    public var identifiers: [AdminChannelField]
    /// Keys and secrets: imported from files (PEM for keys, one line for a secret), never typed.
    public var files: [AdminChannelField]
    /// Whether the sandbox portal can register accounts of this channel.
    public var hasSandboxPortal: Bool

    public init(name: String, identifiers: [AdminChannelField], files: [AdminChannelField], hasSandboxPortal: Bool = true) {
        self.name = name
        self.identifiers = identifiers
        self.files = files
        self.hasSandboxPortal = hasSandboxPortal
    }
}

/// One setting a channel needs: its config name and what it is, in the channel's words.
public struct AdminChannelField: Sendable, Hashable {
    public var name: String
    public var summary: String

    public init(name: String, summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// A new merchant as the form gives it.
public struct AdminMerchantDraft: Sendable, Hashable {
    public var id: String
    public var name: String
    public var contact: String

    public init(id: String, name: String, contact: String) {
        self.id = id
        self.name = name
        self.contact = contact
    }
}

/// A new business line as the form gives it (shape checked by the form, meaning by the service).
public struct AdminLineDraft: Sendable, Hashable {
    public var code: String
    public var name: String
    public var layout: String
    public var currency: Currency
    public var methods: [PaymentMethod]
    public var merchant: String

    public init(code: String, name: String, layout: String, currency: Currency, methods: [PaymentMethod], merchant: String) {
        self.code = code
        self.name = name
        self.layout = layout
        self.currency = currency
        self.methods = methods
        self.merchant = merchant
    }
}

/// A change to a business line; nil leaves that value unchanged, an empty URL turns notifications off.
public struct AdminLineChange: Sendable, Hashable {
    public var code: String
    public var name: String?
    public var methods: [PaymentMethod]?
    public var notifyURL: String?
    public var notifySecret: String?

    public init(code: String, name: String? = nil, methods: [PaymentMethod]? = nil, notifyURL: String? = nil, notifySecret: String? = nil) {
        self.code = code
        self.name = name
        self.methods = methods
        self.notifyURL = notifyURL
        self.notifySecret = notifySecret
    }
}

/// A new channel account as the form gives it.
public struct AdminAccountDraft: Sendable, Hashable {
    public var id: String
    public var channel: String
    public var name: String
    public var merchant: String
    public var currencies: [Currency]
    public var feeRateBps: Int64
    public var feeFixedMinor: Int64

    public init(id: String, channel: String, name: String, merchant: String, currencies: [Currency], feeRateBps: Int64, feeFixedMinor: Int64) {
        self.id = id
        self.channel = channel
        self.name = name
        self.merchant = merchant
        self.currencies = currencies
        self.feeRateBps = feeRateBps
        self.feeFixedMinor = feeFixedMinor
    }
}

/// What `account test` found: whether the credentials work, in words a person acts on.
public struct AdminTestReport: Sendable, Hashable {
    public var ok: Bool
    public var summary: String
    public var details: [String]

    public init(ok: Bool, summary: String, details: [String] = []) {
        self.ok = ok
        self.summary = summary
        self.details = details
    }
}
