import PayCore
import PayChannels
import PayStore
import PayServices

/// `route list`, `route explain`, `route add`, `route set`, `route remove`.
enum RouteCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["route", "list"],
            summary: "list the routing rules in the order they are tried, with breaker states",
            options: [],
            run: list),
        CommandSpec(
            path: ["route", "explain"],
            summary: "show where a payment would go and why (nothing is written)",
            details: "--channel fixes the channel as a barcode's prefix does (e.g. wechat); --auth-code derives it from the code.",
            options: [
                .value("business", "L", "business line (retail, hotel, …)"),
                .value("method", "M", "payment method (alipay, wechat, unionpay, card, apple-pay, paypal, wallet)"),
                .value("amount", "A", "amount, e.g. 12.34"),
                .value("currency", "C", "ISO 4217 code (default: the business line's)"),
                .value("channel", "C", "only this channel's accounts (a barcode's channel)"),
                .value("auth-code", "CODE", "the customer's payment code: its prefix fixes the channel"),
            ],
            run: explain),
        CommandSpec(
            path: ["route", "add"],
            summary: "add a routing rule: which payments it covers and the channel accounts that carry them",
            details: """
            --account ACCOUNT[:WEIGHT], once per account, in priority order (the first is tried first);
            WEIGHT (default 1) is the account's share under --strategy weighted, 0 keeps it as a fallback.
            Example: paydesk route add --name card-split --method card --strategy weighted \\
                       --account acquirer-a:70 --account acquirer-b:30
            """,
            options: [
                .value("name", "N", "the rule's name (letters, digits, '-', '_', '.')"),
                .value("method", "M", "payment method (alipay, wechat, unionpay, card, apple-pay, paypal, wallet)"),
                .value("account", "ACCOUNT[:WEIGHT]", "a channel account the rule may use (repeat; in priority order)", repeatable: true),
                .value("business", "L", "only this business line (default: any)"),
                .value("currency", "C", "only this currency, ISO 4217 (default: any; needed for --min/--max)"),
                .value("min", "A", "only amounts from A (inclusive)"),
                .value("max", "A", "only amounts up to A (inclusive)"),
                .value("strategy", "S", "priority (default), lowest-fee, weighted or success-rate"),
                .value("position", "P", "where it is tried, lower first (default: after the last rule)"),
            ],
            run: add),
        CommandSpec(
            path: ["route", "set"],
            summary: "change a routing rule (what is not given stays as it was)",
            details: """
            --business any, --currency any, --min none and --max none lift that limit. --account replaces
            the rule's accounts as a whole (a fee override is kept for an account that stays).
            """,
            positionals: ["NAME"],
            options: [
                .value("account", "ACCOUNT[:WEIGHT]", "the rule's accounts, replacing them (repeat; in priority order)", repeatable: true),
                .value("business", "L", "only this business line, or any"),
                .value("currency", "C", "only this currency, or any"),
                .value("min", "A", "only amounts from A, or none"),
                .value("max", "A", "only amounts up to A, or none"),
                .value("strategy", "S", "priority, lowest-fee, weighted or success-rate"),
                .value("position", "P", "where it is tried, lower first"),
                .flag("enable", "use the rule again"),
                .flag("disable", "stop using the rule (payments go to the next rule that covers them)"),
            ],
            run: set),
        CommandSpec(
            path: ["route", "remove"],
            summary: "remove a routing rule (payments go to the next rule that covers them)",
            positionals: ["NAME"],
            options: [],
            run: remove),
    ]

    struct CandidateJSON: Encodable {
        let account: String
        let channel: String?
        let priority: Int
        let weight: Int
        let feeRateBps: Int64?
        let feeFixedMinor: Int64?
        let breaker: String
    }

    struct RuleJSON: Encodable {
        let name: String
        let position: Int
        let businessLine: String?
        let method: String
        let currency: String?
        let minAmount: String?
        let maxAmount: String?
        let strategy: String
        let enabled: Bool
        let candidates: [CandidateJSON]
    }

    /// The rules as `route list --json` shows them, with each account's channel, fee and breaker.
    static func json(_ rules: [RouteRule], store: Store) throws(PayError) -> [RuleJSON] {
        let (accounts, breakers) = try store.read {
            (Dictionary(uniqueKeysWithValues: try store.channelAccounts.all().map { ($0.id, $0) }),
             Dictionary(uniqueKeysWithValues: try store.breakers.all().map { ($0.accountId, $0) }))
        }
        return rules.map { rule in
            RuleJSON(name: rule.name, position: rule.position, businessLine: rule.businessLine?.rawValue, method: rule.method.rawValue,
                     currency: rule.currency?.code,
                     minAmount: rule.currency.flatMap { c in rule.minMinor.map { Money(minorUnits: $0, currency: c).decimalString } },
                     maxAmount: rule.currency.flatMap { c in rule.maxMinor.map { Money(minorUnits: $0, currency: c).decimalString } },
                     strategy: rule.strategy.rawValue, enabled: rule.enabled,
                     candidates: rule.candidates.map { c in
                         CandidateJSON(account: c.accountId, channel: accounts[c.accountId]?.channel, priority: c.priority, weight: c.weight,
                                       feeRateBps: c.feeRateBps ?? accounts[c.accountId]?.feeRateBps,
                                       feeFixedMinor: c.feeFixedMinor ?? accounts[c.accountId]?.feeFixedMinor,
                                       breaker: (breakers[c.accountId]?.state ?? .closed).rawValue)
                     })
        }
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let store = context.store
        let rules = try store.read { try store.routes.all() }
        let json = try json(rules, store: store)
        if args.has("json") {
            struct Result: Encodable { let routes: [RuleJSON] }
            try io.json(Result(routes: json))
            return 0
        }
        if rules.isEmpty { io.out("No routing rules. Add one with `paydesk route add` (`paydesk init --demo` adds some)."); return 0 }
        io.out(zip(rules, json).map { text($0, $1) }.joined(separator: "\n"))
        return 0
    }

    /// A rule for people: its position, name, strategy, scope, and one line per account.
    static func text(_ rule: RouteRule, _ json: RuleJSON) -> String {
        var lines = ["\(rule.position)  \(rule.name)  [\(rule.strategy.rawValue)]\(rule.enabled ? "" : "  (disabled)")",
                     "    \(rule.scopeDescription)"]
        let width = max(14, json.candidates.map { TextColumns.width($0.account) }.max() ?? 0)
        for c in json.candidates {
            var fee = "fee \(c.feeRateBps ?? 0) bps + \(c.feeFixedMinor ?? 0) minor"
            if rule.candidates.first(where: { $0.accountId == c.account })?.feeRateBps != nil { fee += " (override)" }
            let weight = rule.strategy == .weighted ? "  weight \(c.weight)" : ""
            lines.append("    → \(TextColumns.pad(c.account, width)) priority \(c.priority)\(weight)  \(fee)  breaker \(c.breaker)")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Editing

    static func add(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try args.required("name")
        let method = try PaymentMethod.parse(try args.required("method"), field: "--method")
        let accounts = try candidates(args.all("account"), keeping: [])
        guard !accounts.isEmpty else { throw PayError.usage("give at least one --account ACCOUNT[:WEIGHT]") }
        let strategy = try args.value("strategy").map { text throws(PayError) in try RouteRule.Strategy.parse(text, field: "--strategy") } ?? .priority
        let position = try args.value("position").map { text throws(PayError) in try Self.position(text) } ?? 0
        let business = try args.value("business").map { text throws(PayError) in try BusinessLineCode(text, field: "--business") }
        let currency = try args.value("currency").map { text throws(PayError) in try Currency.parse(text, field: "--currency") }
        let min = try amount(args.value("min"), "min", currency: currency)
        let max = try amount(args.value("max"), "max", currency: currency)
        let context = try CommandLineApp.openContext(args, io: io)
        let rule = try RoutingService(context).addRule(RouteRule(
            name: name, businessLine: business, method: method, currency: currency, minMinor: min ?? nil, maxMinor: max ?? nil,
            strategy: strategy, position: position, candidates: accounts))
        return try show(rule, verb: "Added", args, io: io, store: context.store)
    }

    static func set(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let name = args.positionals.first else { throw PayError.usage("give the rule's NAME (see `paydesk route list`)") }
        if args.has("enable") && args.has("disable") { throw PayError.usage("give --enable or --disable, not both") }
        let changes = ["account", "business", "currency", "min", "max", "strategy", "position"].filter { args.value($0) != nil }
        guard !changes.isEmpty || args.has("enable") || args.has("disable") else {
            throw PayError.usage("nothing to change: give an option (see `paydesk route set --help`)")
        }
        let strategy = try args.value("strategy").map { text throws(PayError) in try RouteRule.Strategy.parse(text, field: "--strategy") }
        let position = try args.value("position").map { text throws(PayError) in try Self.position(text) }
        let business = try args.value("business").map { text throws(PayError) -> BusinessLineCode? in
            text == "any" ? nil : try BusinessLineCode(text, field: "--business")
        }
        let currency = try args.value("currency").map { text throws(PayError) -> Currency? in
            text == "any" ? nil : try Currency.parse(text, field: "--currency")
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let service = RoutingService(context)
        let old = try service.rule(named: name)
        let newCurrency = currency ?? old.currency
        let newMin = try amount(args.value("min"), "min", currency: newCurrency) ?? old.minMinor
        let newMax = try amount(args.value("max"), "max", currency: newCurrency) ?? old.maxMinor
        if let currency, currency != old.currency, args.value("min") == nil, args.value("max") == nil, old.minMinor != nil || old.maxMinor != nil {
            throw PayError.invalidInput("--currency '\(currency?.code ?? "any")': the rule's amount range is in \(old.currency?.code ?? "no currency"); give --min and --max again (or none)")
        }
        let accounts = args.value("account") == nil ? old.candidates : try candidates(args.all("account"), keeping: old.candidates)
        let rule = try service.updateRule(old, to: RouteRule(
            id: old.id, name: old.name, businessLine: business ?? old.businessLine, method: old.method, currency: newCurrency,
            minMinor: newMin, maxMinor: newMax, strategy: strategy ?? old.strategy, position: position ?? old.position,
            enabled: args.has("enable") ? true : args.has("disable") ? false : old.enabled, candidates: accounts))
        return try show(rule, verb: "Changed", args, io: io, store: context.store)
    }

    static func remove(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let name = args.positionals.first else { throw PayError.usage("give the rule's NAME (see `paydesk route list`)") }
        let context = try CommandLineApp.openContext(args, io: io)
        let rule = try RoutingService(context).removeRule(named: name)
        if args.has("json") {
            struct Result: Encodable { let removed: String }
            try io.json(Result(removed: rule.name))
        } else {
            io.out("Removed route '\(rule.name)'; \(rule.method.rawValue) payments it covered go to the next rule that covers them.")
        }
        return 0
    }

    static func show(_ rule: RouteRule, verb: String, _ args: ParsedArguments, io: CommandIO, store: Store) throws(PayError) -> Int32 {
        let json = try json([rule], store: store)[0]
        if args.has("json") {
            struct Result: Encodable { let route: RuleJSON }
            try io.json(Result(route: json))
        } else {
            io.out("\(verb) route '\(rule.name)':\n" + text(rule, json))
        }
        return 0
    }

    /// `--account ACCOUNT[:WEIGHT]` values, priorities in the order given; a fee override of an
    /// account in `keeping` stays with it.
    static func candidates(_ values: [String], keeping: [RouteRule.Candidate]) throws(PayError) -> [RouteRule.Candidate] {
        var result: [RouteRule.Candidate] = []
        for (index, value) in values.enumerated() {
            var account = value
            var weight = 1
            if let colon = value.lastIndex(of: ":") {
                account = String(value[..<colon])
                let text = value[value.index(after: colon)...]
                guard let w = Int(text), (0...RoutingService.maxWeight).contains(w) else {
                    throw PayError.invalidInput("--account '\(value)': the weight after ':' is a whole number from 0 to \(RoutingService.maxWeight)")
                }
                weight = w
            }
            guard !account.isEmpty else { throw PayError.invalidInput("--account '\(value)': name a channel account (see `paydesk account list`)") }
            let kept = keeping.first { $0.accountId == account }
            result.append(RouteRule.Candidate(accountId: account, priority: index + 1, weight: weight,
                                              feeRateBps: kept?.feeRateBps, feeFixedMinor: kept?.feeFixedMinor))
        }
        return result
    }

    static func position(_ text: String) throws(PayError) -> Int {
        guard let n = Int(text), (1...RoutingService.maxPosition).contains(n) else {
            throw PayError.invalidInput("--position '\(text)': a whole number from 1 to \(RoutingService.maxPosition)")
        }
        return n
    }

    /// `--min`/`--max`: nil when not given, `.some(nil)` for `none`, else the amount in minor units.
    static func amount(_ text: String?, _ option: String, currency: Currency?) throws(PayError) -> Int64?? {
        guard let text else { return nil }
        if text == "none" { return .some(nil) }
        guard let currency else {
            throw PayError.invalidInput("--\(option) '\(text)': an amount range needs --currency (the rule has none)")
        }
        return .some(try Money.parse(text, currency: currency, field: "--\(option)").minorUnits)
    }

    static func explain(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let method = try PaymentMethod.parse(try args.required("method"), field: "--method")
        let context = try CommandLineApp.openContext(args, io: io)
        let (businessLine, amount) = try args.businessAndAmount(context)
        let line = businessLine.code
        let currency = amount.currency
        var hint = args.value("channel")
        if let code = args.value("auth-code") {
            guard let channel = AuthCode.recognise(code) else {
                throw PayError.invalidInput("--auth-code '\(code)': no channel's payment code (WeChat 18 digits from 10–15, Alipay 16–24 digits from 25–30, UnionPay 19 digits from 62)")
            }
            if let hint, hint != channel { throw PayError.invalidInput("--auth-code '\(code)' is a \(channel) code, not \(hint)") }
            hint = channel
        }
        let decision = try RoutingService(context).explain(businessLine: line, method: method, amount: amount, channelHint: hint)
        if args.has("json") {
            struct OptionJSON: Encodable { let account: String; let channel: String; let fee: String; let probe: Bool }
            struct SkipJSON: Encodable { let account: String; let reason: String }
            struct Result: Encodable {
                let rule: String; let strategy: String; let chosen: OptionJSON; let fallbacks: [OptionJSON]
                let fee: String; let currency: String; let skipped: [SkipJSON]; let reasons: [String]
            }
            func option(_ o: RouteDecision.Option) -> OptionJSON {
                OptionJSON(account: o.account.id, channel: o.account.channel, fee: o.fee.decimalString, probe: o.probe)
            }
            try io.json(Result(rule: decision.rule.name, strategy: decision.rule.strategy.rawValue, chosen: option(decision.chosen),
                               fallbacks: decision.fallbacks.map(option), fee: decision.fee.decimalString, currency: currency.code,
                               skipped: decision.skipped.map { SkipJSON(account: $0.accountId, reason: $0.reason) },
                               reasons: decision.reasons))
            return 0
        }
        var lines = ["\(method.rawValue) \(amount.decimalString) \(currency) for \(line): \(decision.account.id) (\(decision.account.channel)), fee \(decision.fee.decimalString) \(currency)",
                     "  rule      \(decision.rule.name) [\(decision.rule.strategy.rawValue)]",
                     "  fallbacks \(decision.fallbacks.isEmpty ? "none" : decision.fallbacks.map { "\($0.account.id) (fee \($0.fee.decimalString))" }.joined(separator: ", "))",
                     "  why:"]
        lines += decision.reasons.map { "    - \($0)" }
        io.out(lines.joined(separator: "\n"))
        return 0
    }
}
