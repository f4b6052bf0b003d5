import Foundation
import PayConsole
import PayCore

/// An admin desk in memory for the screens' tests: two channels, the checks a person would hit
/// (an id taken, a file that is not there, an account not complete), secrets kept only as masks.
@MainActor
final class FakeAdminDesk: AdminDesk {
    var merchants: [AdminMerchant] = []
    var lines: [AdminBusinessLine] = []
    var accounts: [AdminAccount] = []
    /// Every call that changed something, in order ("addMerchant acme").
    private(set) var calls: [String] = []
    private(set) var routes: [String] = []

    static let alipay = AdminChannel(name: "alipay", identifiers: [AdminChannelField(name: "app_id", summary: "APPID of the Alipay app")],
                                     files: [AdminChannelField(name: "app_private_key", summary: "the app's private key"),
                                             AdminChannelField(name: "alipay_public_key", summary: "Alipay's public key")])
    static let card = AdminChannel(name: "card", identifiers: [],
                                   files: [AdminChannelField(name: "api_secret", summary: "the API secret"),
                                           AdminChannelField(name: "webhook_secret", summary: "the webhook secret")],
                                   hasSandboxPortal: true)

    /// A store with one merchant, a line, a complete account and one missing its keys.
    static func sample() -> FakeAdminDesk {
        let desk = FakeAdminDesk()
        desk.merchants = [AdminMerchant(id: "acme", name: "Acme Property Ltd", contact: "Li Lei 138-0000-0000"),
                          AdminMerchant(id: "harbour-hotel", name: "Harbour Hotel Group", active: false)]
        desk.lines = [AdminBusinessLine(code: "retail", name: "Retail counter", layout: "retail", currency: "CNY", methods: [], merchant: "acme",
                                        notifyURL: "https://acme.example/notify", notifySecretSet: true),
                      AdminBusinessLine(code: "parking", name: "Parking", layout: "ticket", currency: "CNY", methods: ["alipay", "wechat"], merchant: "acme")]
        desk.accounts = [
            AdminAccount(id: "alipay-main", channel: "alipay", name: "Alipay (main)", merchant: "acme", currencies: ["CNY"], feeRateBps: 60,
                         enabled: true, settings: [AdminSetting(name: "app_id", shown: "2021000000000001", isSecret: false),
                                                   AdminSetting(name: "app_private_key", shown: "set (private key, sealed: yes)", isSecret: true),
                                                   AdminSetting(name: "alipay_public_key", shown: "RSA public key 4F1A9C2B7D3E8A10…", isSecret: false)]),
            AdminAccount(id: "card-new", channel: "card", name: "Card acquirer", merchant: "acme", currencies: ["CNY", "USD"], feeRateBps: 180,
                         feeFixedMinor: 20, enabled: false, missing: ["api_secret", "webhook_secret"]),
        ]
        return desk
    }

    func overview() throws(PayError) -> AdminOverview { AdminOverview(merchants: merchants, lines: lines, accounts: accounts) }
    func channels() -> [AdminChannel] { [Self.alipay, Self.card] }

    func addMerchant(_ draft: AdminMerchantDraft) throws(PayError) {
        if merchants.contains(where: { $0.id == draft.id }) { throw PayError.conflict("merchant '\(draft.id)' exists already") }
        merchants.append(AdminMerchant(id: draft.id, name: draft.name, contact: draft.contact))
        calls.append("addMerchant \(draft.id)")
    }

    func disableMerchant(id: String) throws(PayError) {
        guard let index = merchants.firstIndex(where: { $0.id == id }) else { throw PayError.notFound("merchant '\(id)': unknown") }
        merchants[index].active = false
        calls.append("disableMerchant \(id)")
    }

    func enableMerchant(id: String) throws(PayError) {
        guard let index = merchants.firstIndex(where: { $0.id == id }) else { throw PayError.notFound("merchant '\(id)': unknown") }
        merchants[index].active = true
        calls.append("enableMerchant \(id)")
    }

    func addBusinessLine(_ draft: AdminLineDraft) throws(PayError) {
        if lines.contains(where: { $0.code == draft.code }) { throw PayError.conflict("business line '\(draft.code)' exists already") }
        lines.append(AdminBusinessLine(code: draft.code, name: draft.name, layout: draft.layout, currency: draft.currency.code,
                                       methods: draft.methods.map(\.rawValue), merchant: draft.merchant))
        calls.append("addBusinessLine \(draft.code) \(draft.merchant) \(draft.layout) \(draft.currency.code)")
    }

    func editBusinessLine(_ change: AdminLineChange) throws(PayError) {
        guard let index = lines.firstIndex(where: { $0.code == change.code }) else { throw PayError.notFound("business line '\(change.code)': unknown") }
        if let name = change.name { lines[index].name = name }
        if let methods = change.methods { lines[index].methods = methods.map(\.rawValue) }
        if let url = change.notifyURL { lines[index].notifyURL = url }
        if change.notifySecret != nil { lines[index].notifySecretSet = true }
        calls.append("editBusinessLine \(change.code)")
    }

    func addAccount(_ draft: AdminAccountDraft) throws(PayError) {
        if accounts.contains(where: { $0.id == draft.id }) { throw PayError.conflict("channel account '\(draft.id)' exists already") }
        let channel = channels().first { $0.name == draft.channel }
        accounts.append(AdminAccount(id: draft.id, channel: draft.channel, name: draft.name, merchant: draft.merchant,
                                     currencies: draft.currencies.map(\.code), feeRateBps: draft.feeRateBps, feeFixedMinor: draft.feeFixedMinor,
                                     enabled: false, missing: ((channel?.identifiers ?? []) + (channel?.files ?? [])).map(\.name)))
        calls.append("addAccount \(draft.id) \(draft.channel) \(draft.merchant)")
    }

    private func account(_ id: String) throws(PayError) -> Int {
        guard let index = accounts.firstIndex(where: { $0.id == id }) else { throw PayError.notFound("channel account '\(id)': unknown") }
        return index
    }

    private func set(_ index: Int, _ name: String, shown: String, secret: Bool) {
        accounts[index].settings.removeAll { $0.name == name }
        accounts[index].settings.append(AdminSetting(name: name, shown: shown, isSecret: secret))
        accounts[index].missing.removeAll { $0 == name }
    }

    func setIdentifiers(account id: String, _ values: [String: String]) throws(PayError) {
        let index = try account(id)
        for (name, value) in values.sorted(by: { $0.key < $1.key }) { set(index, name, shown: value, secret: false) }
        calls.append("setIdentifiers \(id) \(values.keys.sorted().joined(separator: ","))")
    }

    func importKey(account id: String, key: String, path: String) throws(PayError) -> String {
        let index = try account(id)
        guard FileManager.default.fileExists(atPath: path) else { throw PayError.invalidInput("key file '\(path)': no such file") }
        let shown = key.hasSuffix("public_key") ? "RSA public key 0123456789ABCDEF…" : "set (secret, sealed: yes)"
        set(index, key, shown: shown, secret: !key.hasSuffix("public_key"))
        calls.append("importKey \(id) \(key)")
        return shown
    }

    func setAccountEnabled(id: String, enabled: Bool) throws(PayError) {
        let index = try account(id)
        if enabled, !accounts[index].missing.isEmpty {
            throw PayError.conflict("channel account '\(id)': missing \(accounts[index].missing.joined(separator: ", "))")
        }
        accounts[index].enabled = enabled
        calls.append("setAccountEnabled \(id) \(enabled)")
    }

    func testAccount(id: String) throws(PayError) -> AdminTestReport {
        let account = accounts[try self.account(id)]
        if account.missing.isEmpty {
            return AdminTestReport(ok: true, summary: "the channel answered 'trade not found' under a verified signature")
        }
        return AdminTestReport(ok: false, summary: "the center's side: \(account.missing.joined(separator: ", ")) not set",
                               details: ["import them with i, then test again"])
    }

    func registerAtSandboxPortal(account id: String) throws(PayError) -> [String] {
        let index = try account(id)
        let channel = channels().first { $0.name == accounts[index].channel }
        for field in channel?.identifiers ?? [] { set(index, field.name, shown: "2021000000000099", secret: false) }
        for field in channel?.files ?? [] { set(index, field.name, shown: "set (secret, sealed: yes)", secret: true) }
        calls.append("registerAtSandboxPortal \(id)")
        return ["The sandbox portal registered \(id)", "app_id 2021000000000099"]
    }

    func routeLine(_ line: String, account: String) throws(PayError) -> String {
        routes.append("\(line)→\(account)")
        return "Route: line \(line), method alipay → \(account)"
    }

    // The rules screen is tested over the real services (`AdminRulesTests`); the fake keeps what it is told.
    var adminRules = AdminRules()

    func rules() throws(PayError) -> AdminRules { adminRules }

    func setRouteAccounts(_ route: String, accounts: [String]) throws(PayError) -> String {
        calls.append("setRouteAccounts \(route) \(accounts.joined(separator: ","))")
        return "Route \(route) changed"
    }

    func setRouteEnabled(_ route: String, enabled: Bool) throws(PayError) -> String {
        calls.append("setRouteEnabled \(route) \(enabled)")
        return "Route \(route) \(enabled ? "on" : "off")"
    }

    func removeRoute(_ route: String) throws(PayError) -> String {
        calls.append("removeRoute \(route)")
        return "Route \(route) removed"
    }

    func setRiskRuleEnabled(_ rule: String, enabled: Bool) throws(PayError) -> String {
        calls.append("setRiskRuleEnabled \(rule) \(enabled)")
        return "Risk rule \(rule) \(enabled ? "enabled" : "disabled")"
    }

    func addToRiskList(_ list: String, value: String) throws(PayError) -> String {
        calls.append("addToRiskList \(list) \(value)")
        return "\(value) added to \(list)"
    }

    func removeFromRiskList(_ list: String, value: String) throws(PayError) -> String {
        calls.append("removeFromRiskList \(list) \(value)")
        return "\(value) removed from \(list)"
    }
}
