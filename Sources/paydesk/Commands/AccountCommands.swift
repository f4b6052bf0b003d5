import PayChannels
import PayCore
import PayServices

/// `account add | set | import-key | enable | disable | list | test`: the center's accounts at the
/// channels. Keys and secrets come from files only, never from the command line.
enum AccountCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["account", "add"], summary: "add a channel account (disabled, without keys until they are imported)",
                    details: """
                    ID: 1–32 lower-case letters, digits or '-'. --set gives the ids the channel handed out
                    (alipay: app_id; wechat: mchid, appid, merchant_serial_no, platform_serial; unionpay: mer_id,
                    sign_cert_id, verify_cert_id). Keys and secrets: `paydesk account import-key ID FIELD FILE`.
                    """,
                    positionals: ["ID"],
                    options: [.value("channel", "C", "alipay, wechat, unionpay, card, paypal or wallet (required)"),
                              .value("merchant", "M", "the merchant the account belongs to (required)"),
                              .value("name", "NAME", "what the account is called (required)"),
                              .value("currencies", "LIST", "currencies it takes, comma-separated (default CNY)"),
                              .value("fee-bps", "N", "the channel's fee rate in basis points (60 = 0.60 %)"),
                              .value("fee-fixed", "N", "a fixed fee per payment, in minor units"),
                              .value("set", "NAME=VALUE", "an id the channel gave out", repeatable: true)],
                    run: add),
        CommandSpec(path: ["account", "set"], summary: "set ids the channel gave out (never keys or secrets)",
                    positionals: ["ID"],
                    options: [.value("set", "NAME=VALUE", "an id the channel gave out", repeatable: true)],
                    run: set),
        CommandSpec(path: ["account", "import-key"], summary: "import a key or secret of a channel account from a file",
                    details: """
                    FIELD is the config field: alipay app_private_key | alipay_public_key; wechat merchant_private_key |
                    platform_public_key | api_v3_key; unionpay sign_private_key | verify_public_key; card, paypal and
                    wallet api_secret | webhook_secret. Keys are PEM files; secrets a file of one line. Private keys and
                    secrets are kept sealed under <store>.audit-key.
                    """,
                    positionals: ["ID", "FIELD", "FILE"], options: [], run: importKey),
        CommandSpec(path: ["account", "enable"], summary: "let routing pick a complete channel account",
                    positionals: ["ID"], options: [], run: enable),
        CommandSpec(path: ["account", "disable"], summary: "stop routing to a channel account",
                    positionals: ["ID"], options: [], run: disable),
        CommandSpec(path: ["account", "list"], summary: "list the channel accounts, their state and their config (secrets masked)",
                    options: [.value("merchant", "M", "only this merchant's accounts")], run: list),
        CommandSpec(path: ["account", "test"], summary: "make a harmless signed call to the channel: do the credentials work?",
                    details: "Queries a serial that cannot exist. Exit 0 when both signatures work, 1 when one side's credentials fail.",
                    positionals: ["ID"], options: [], run: test),
    ]

    static func settings(_ args: ParsedArguments) throws(PayError) -> [String: String] {
        var settings: [String: String] = [:]
        for item in args.all("set") {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw PayError.invalidInput("--set '\(item)': give NAME=VALUE")
            }
            let name = String(item[..<eq])
            guard settings[name] == nil else { throw PayError.invalidInput("--set \(name): given twice") }
            settings[name] = String(item[item.index(after: eq)...])
        }
        return settings
    }

    static func id(_ args: ParsedArguments, _ command: String) throws(PayError) -> String {
        guard let id = args.positionals.first else { throw PayError.usage("account \(command): missing the account ID") }
        return id
    }

    static func add(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "add")
        let draft = ChannelAccountDraft(id: id, channel: try args.required("channel"), name: try args.required("name"),
                                        merchantId: try args.required("merchant"), currencies: args.value("currencies") ?? "CNY",
                                        feeRateBps: args.value("fee-bps") ?? "", feeFixedMinor: args.value("fee-fixed") ?? "",
                                        settings: try settings(args))
        let context = try CommandLineApp.openContext(args, io: io)
        let summary = try ChannelAccountService(context).add(draft)
        try show(summary, args, &io, lead: "Channel account \(id) added (disabled).")
        return 0
    }

    static func set(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "set")
        let settings = try settings(args)
        guard !settings.isEmpty else { throw PayError.usage("account set: give --set NAME=VALUE") }
        let context = try CommandLineApp.openContext(args, io: io)
        try show(try ChannelAccountService(context).set(id, settings: settings), args, &io, lead: "Channel account \(id) updated.")
        return 0
    }

    static func importKey(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard args.positionals.count == 3 else { throw PayError.usage("account import-key: give ID FIELD FILE") }
        let (id, field, file) = (args.positionals[0], args.positionals[1], args.positionals[2])
        let context = try CommandLineApp.openContext(args, io: io)
        let summary = try ChannelAccountService(context).importKey(id, field: field, path: file)
        try show(summary, args, &io, lead: "Channel account \(id): \(field) imported from \(file).")
        return 0
    }

    static func enable(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "enable")
        let context = try CommandLineApp.openContext(args, io: io)
        try ChannelAccountService(context).enable(id)
        struct Result: Encodable { let account: String; let enabled: Bool }
        try io.result(args, Result(account: id, enabled: true), "Channel account \(id) enabled: routing may pick it.")
        return 0
    }

    static func disable(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "disable")
        let context = try CommandLineApp.openContext(args, io: io)
        try ChannelAccountService(context).disable(id)
        struct Result: Encodable { let account: String; let enabled: Bool }
        try io.result(args, Result(account: id, enabled: false), "Channel account \(id) disabled: routing skips it.")
        return 0
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let service = ChannelAccountService(context)
        let accounts = try args.value("merchant").map { try service.accounts(ofMerchant: $0) } ?? service.all()
        if args.has("json") {
            struct Result: Encodable { let channelAccounts: [AccountJSON] }
            try io.json(Result(channelAccounts: accounts.map(AccountJSON.init)))
        } else if accounts.isEmpty {
            io.out("No channel accounts; `paydesk account add ID --channel C --merchant M --name NAME` adds one.")
        } else {
            for account in accounts { text(account, &io) }
        }
        return 0
    }

    static func test(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try id(args, "test")
        let context = try CommandLineApp.openContext(args, io: io)
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        let result = try ChannelAccountService(context).test(id, gateway: gateway)
        if args.has("json") {
            struct Result: Encodable { let account: String; let ok: Bool; let failing: String?; let message: String }
            try io.json(Result(account: id, ok: result.ok, failing: result.failing?.rawValue, message: result.message))
        } else if result.ok {
            io.out("Channel account \(id): the credentials work — \(result.message).")
        } else {
            io.out("Channel account \(id): FAILED on the \(result.failing?.rawValue ?? "?") side — \(result.message).")
        }
        return result.ok ? 0 : 1
    }

    /// An account in `--json`: secrets only as whether they are set.
    struct AccountJSON: Encodable {
        struct Field: Encodable { let name, kind, display: String; let set: Bool }
        let id, channel, name, state: String
        let merchant: String?
        let currencies: [String]
        let feeRateBps, feeFixedMinor: Int64
        let fields: [Field]
        let missing: [String]

        init(_ summary: ChannelAccountSummary) {
            id = summary.id
            channel = summary.channel
            name = summary.name
            state = summary.state.rawValue
            merchant = summary.merchantId
            currencies = summary.currencies.map(\.code)
            feeRateBps = summary.feeRateBps
            feeFixedMinor = summary.feeFixedMinor
            fields = summary.fields.map { Field(name: $0.name, kind: $0.kind.rawValue, display: $0.display, set: $0.isSet) }
            missing = summary.missing
        }
    }

    static func show(_ summary: ChannelAccountSummary, _ args: ParsedArguments, _ io: inout CommandIO, lead: String) throws {
        if args.has("json") {
            try io.json(AccountJSON(summary))
        } else {
            io.out(lead)
            text(summary, &io)
        }
    }

    static func text(_ account: ChannelAccountSummary, _ io: inout CommandIO) {
        io.out("\(account.id)  \(account.channel)  \(account.state.rawValue.lowercased())  \(account.name)  merchant: \(account.merchantId ?? "none")  \(account.currencies.map(\.code).joined(separator: ","))  fee \(account.feeRateBps) bps + \(account.feeFixedMinor)")
        for field in account.fields {
            io.out("  \(field.name): \(field.isSet ? field.display : "(missing)")")
        }
    }
}
