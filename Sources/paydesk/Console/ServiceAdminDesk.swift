import PayCore
import PayStore
import PayChannels
import PayServices
import PayConsole

/// The admin screens' door to the onboarding services (merchants, business lines, channel
/// accounts), on a connection of its own, acting as the operator logged in: every call goes
/// through a service, which checks the permission first and audits the change. Secrets come back
/// masked by `ChannelAccountService`; this desk never reads an account's config itself.
@MainActor
final class ServiceAdminDesk: AdminDesk {
    private let context: ServiceContext
    /// The channels an account may be opened on, in the order the form offers them.
    static let channelNames = ["alipay", "wechat", "unionpay", "card", "paypal", "wallet"]

    init(storePath: String) throws(PayError) {
        let store = try Store.open(path: storePath)
        // why: nobody is logged in yet; a cashier may change nothing, so every change is refused until `act`.
        context = try ServiceContext(store: store, actor: Actor(name: "nobody", role: .cashier, origin: "console"))
    }

    /// The services act as `actor` from the next call on.
    func act(as actor: Actor) { context.actor = actor }

    func fresh() throws(PayError) -> ServiceContext {
        try context.refreshClock()
        return context
    }

    func overview() throws(PayError) -> AdminOverview {
        let context = try fresh()
        let merchants = try MerchantService(context).all().map {
            AdminMerchant(id: $0.id, name: $0.name, contact: $0.contact, active: $0.status == .active)
        }
        let lines = try BusinessLineService(context).all().map {
            AdminBusinessLine(code: $0.code.rawValue, name: $0.name, layout: $0.layout, currency: $0.defaultCurrency.code,
                              methods: $0.allowedMethods.map(\.rawValue), merchant: $0.merchantId, notifyURL: $0.notifyURL,
                              notifySecretSet: !$0.notifySecret.isEmpty)
        }
        let accounts = try ChannelAccountService(context).all().map { account in
            AdminAccount(id: account.id, channel: account.channel, name: account.name, merchant: account.merchantId,
                         currencies: account.currencies.map(\.code), feeRateBps: account.feeRateBps, feeFixedMinor: account.feeFixedMinor,
                         enabled: account.state == .active,
                         settings: account.fields.filter(\.isSet).map { AdminSetting(name: $0.name, shown: $0.display, isSecret: $0.kind.isSecret) },
                         missing: account.missing)
        }
        return AdminOverview(merchants: merchants, lines: lines, accounts: accounts)
    }

    func channels() -> [AdminChannel] {
        Self.channelNames.compactMap { name in
            guard let fields = try? ChannelAccountService.fields(channel: name) else { return nil }
            let shown = fields.map { AdminChannelField(name: $0.name, summary: $0.summary) }
            return AdminChannel(name: name, identifiers: zip(fields, shown).filter { $0.0.kind == .identifier }.map(\.1),
                                files: zip(fields, shown).filter { $0.0.kind != .identifier }.map(\.1))
        }
    }

    func addMerchant(_ draft: AdminMerchantDraft) throws(PayError) {
        try MerchantService(fresh()).add(MerchantDraft(id: draft.id, name: draft.name, contact: draft.contact))
    }

    func disableMerchant(id: String) throws(PayError) {
        try MerchantService(fresh()).disable(id)
    }

    func addBusinessLine(_ draft: AdminLineDraft) throws(PayError) {
        try BusinessLineService(fresh()).add(BusinessLineDraft(code: draft.code, name: draft.name, layout: draft.layout,
                                                               currency: draft.currency.code,
                                                               methods: draft.methods.map(\.rawValue).joined(separator: ","),
                                                               merchantId: draft.merchant))
    }

    func editBusinessLine(_ change: AdminLineChange) throws(PayError) {
        let service = BusinessLineService(try fresh())
        let code = try BusinessLineCode(change.code, field: "business line")
        let changes = BusinessLineChanges(name: change.name, methods: change.methods.map { $0.map(\.rawValue).joined(separator: ",") },
                                          notifyURL: change.notifyURL, notifySecret: change.notifySecret)
        if !changes.isEmpty { try service.update(code, changes) }
    }

    func addAccount(_ draft: AdminAccountDraft) throws(PayError) {
        try ChannelAccountService(fresh()).add(ChannelAccountDraft(
            id: draft.id, channel: draft.channel, name: draft.name, merchantId: draft.merchant,
            currencies: draft.currencies.map(\.code).joined(separator: ","),
            feeRateBps: String(draft.feeRateBps), feeFixedMinor: String(draft.feeFixedMinor)))
    }

    func setIdentifiers(account: String, _ values: [String: String]) throws(PayError) {
        try ChannelAccountService(fresh()).set(account, settings: values)
    }

    func importKey(account: String, key: String, path: String) throws(PayError) -> String {
        let summary = try ChannelAccountService(fresh()).importKey(account, field: key, path: path)
        return summary.fields.first { $0.name == key }?.display ?? "imported"
    }

    func setAccountEnabled(id: String, enabled: Bool) throws(PayError) {
        let service = ChannelAccountService(try fresh())
        if enabled { try service.enable(id) } else { try service.disable(id) }
    }

    func testAccount(id: String) throws(PayError) -> AdminTestReport {
        let context = try fresh()
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        let result = try ChannelAccountService(context).test(id, gateway: gateway)
        var details: [String] = []
        switch result.failing {
        case .center?: details.append("The center's side is wrong: its private key, app id or mch id.")
        case .channel?: details.append("The channel's side is wrong: its public key, certificate or serial.")
        case .transport?: details.append("No verdict on the credentials: the channel was not reached.")
        case nil: break
        }
        return AdminTestReport(ok: result.ok, summary: result.message, details: details)
    }

    /// The sandbox as the channel's merchant portal (`ChannelAccountService.connectSandbox`): the
    /// center's key pair made in memory, its public half registered, what the portal hands out
    /// stored (secrets sealed); the lines say what the account holds now, masked.
    func registerAtSandboxPortal(account id: String) throws(PayError) -> [String] {
        let context = try fresh()
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        let summary = try ChannelAccountService(context).connectSandbox(id, gateway: gateway)
        return ["The \(summary.channel) sandbox portal registered \(id) with a new center key pair"]
            + summary.fields.filter(\.isSet).map { "\($0.name) \($0.display)" }
    }

    /// The methods each channel takes payments by (a card acquirer takes Apple Pay tokens too).
    static let methodsByChannel: [String: [PaymentMethod]] = [
        "alipay": [.alipay], "wechat": [.wechat], "unionpay": [.unionpay], "card": [.card, .applePay],
        "paypal": [.paypal], "wallet": [.wallet],
    ]

    /// One priority rule per method the account's channel takes and the line allows, named
    /// `LINE-METHOD`, through `RoutingService.addRule` (admin: `manageRouting`, audited). A rule of
    /// that name already there is left as it is and said so.
    func routeLine(_ line: String, account id: String) throws(PayError) -> String {
        let context = try fresh()
        let code = try BusinessLineCode(line, field: "business line")
        guard let businessLine = try BusinessLineService(context).all().first(where: { $0.code == code }) else {
            throw PayError.notFound("business line '\(line)': unknown")
        }
        let account = try ChannelAccountService(context).summary(id)
        let methods = (Self.methodsByChannel[account.channel] ?? []).filter(businessLine.allows)
        guard !methods.isEmpty else {
            throw PayError.invalidInput("business line '\(line)' takes none of the methods of \(account.channel); no route added")
        }
        let routing = RoutingService(context)
        var said: [String] = []
        for method in methods {
            let name = "\(line)-\(method.rawValue)"
            if (try? routing.rule(named: name)) != nil {
                said.append("route \(name) exists already (left as it is)")
                continue
            }
            try routing.addRule(RouteRule(name: name, businessLine: code, method: method, currency: nil, strategy: .priority, position: 0,
                                          candidates: [RouteRule.Candidate(accountId: id, priority: 1)]))
            said.append("route \(name): \(method.rawValue) payments of \(line) go to \(id)")
        }
        return said.joined(separator: "; ")
    }
}
