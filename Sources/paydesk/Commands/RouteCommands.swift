import PayCore
import PayChannels
import PayStore
import PayServices

/// `route list`, `route explain`.
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

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let store = context.store
        let (rules, accounts, breakers) = try store.read {
            (try store.routes.all(), Dictionary(uniqueKeysWithValues: try store.channelAccounts.all().map { ($0.id, $0) }),
             Dictionary(uniqueKeysWithValues: try store.breakers.all().map { ($0.accountId, $0) }))
        }
        let json = rules.map { rule in
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
        if args.has("json") {
            struct Result: Encodable { let routes: [RuleJSON] }
            try io.json(Result(routes: json))
            return 0
        }
        if rules.isEmpty { io.out("No routing rules. `paydesk init --demo` adds some."); return 0 }
        var lines: [String] = []
        for rule in rules {
            lines.append("\(rule.position)  \(rule.name)  [\(rule.strategy.rawValue)]\(rule.enabled ? "" : "  (disabled)")")
            lines.append("    \(rule.scopeDescription)")
            for c in json.first(where: { $0.name == rule.name })!.candidates {
                var fee = "fee \(c.feeRateBps ?? 0) bps + \(c.feeFixedMinor ?? 0) minor"
                if rule.candidates.first(where: { $0.accountId == c.account })?.feeRateBps != nil { fee += " (override)" }
                let weight = rule.strategy == .weighted ? "  weight \(c.weight)" : ""
                lines.append("    → \(c.account.padding(toLength: 14, withPad: " ", startingAt: 0)) priority \(c.priority)\(weight)  \(fee)  breaker \(c.breaker)")
            }
        }
        io.out(lines.joined(separator: "\n"))
        return 0
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
