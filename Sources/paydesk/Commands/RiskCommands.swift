import PayCore
import PayStore
import PayServices

/// `risk list`, `risk add`, `risk test`, `risk list-add|list-remove`, `risk disable|enable`.
enum RiskCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["risk", "list"],
            summary: "list the risk rules and the named lists",
            options: [],
            run: list),
        CommandSpec(
            path: ["risk", "add"],
            summary: "add a risk rule (refused, with the column, when it does not parse)",
            details: """
            EXPR examples: amount > 5000.00 and method == "card"; count(customer, 10m) >= 5;
            sum(customer, 24h) > 20000.00; customer in blocklist; declines(customer, 10m) >= 3; hour < 6.
            Fields: amount, currency, method, business, customer, hour (UTC). Evaluation order:
            allow rules first (a match allows), then block, then challenge.
            """,
            options: [
                .value("name", "N", "the rule's name (letters, digits, '-', '_', '.')"),
                .value("action", "A", "allow, block or challenge"),
                .value("when", "EXPR", "the condition in the rule language"),
            ],
            run: add),
        CommandSpec(
            path: ["risk", "test"],
            summary: "show the risk decision for a payment and every rule that matched (nothing is written)",
            options: [
                .value("business", "L", "business line (retail, hotel, …)"),
                .value("method", "M", "payment method"),
                .value("amount", "A", "amount, e.g. 12.34"),
                .value("customer", "ID", "the customer's id"),
                .value("currency", "C", "ISO 4217 code (default: the business line's)"),
            ],
            run: test),
        CommandSpec(
            path: ["risk", "list-add"],
            summary: "add values to a named list (rules test them with `customer in LIST`)",
            details: "Example: paydesk risk list-add --list blocklist --value C666 --value C667",
            options: [
                .value("list", "LIST", "the list's name (letters, digits, '_', '-')"),
                .value("value", "V", "a value to add, e.g. a customer id (repeat for more)", repeatable: true),
            ],
            run: listAdd),
        CommandSpec(
            path: ["risk", "list-remove"],
            summary: "remove values from a named list (a value it does not hold: nothing removed, exit 6)",
            options: [
                .value("list", "LIST", "the list's name"),
                .value("value", "V", "a value to remove (repeat for more)", repeatable: true),
            ],
            run: listRemove),
        CommandSpec(
            path: ["risk", "disable"],
            summary: "stop evaluating a risk rule (it stays listed; `risk enable` brings it back)",
            positionals: ["RULE"],
            options: [],
            run: { args, io in try setEnabled(args, &io, false) }),
        CommandSpec(
            path: ["risk", "enable"],
            summary: "evaluate a disabled risk rule again",
            positionals: ["RULE"],
            options: [],
            run: { args, io in try setEnabled(args, &io, true) }),
    ]

    static func listAdd(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let list = try args.required("list")
        let context = try CommandLineApp.openContext(args, io: io)
        let edit = try RiskService(context).addToList(list, values: args.all("value"))
        return try show(edit, verb: "Added to", args, io: io)
    }

    static func listRemove(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let list = try args.required("list")
        let context = try CommandLineApp.openContext(args, io: io)
        let edit = try RiskService(context).removeFromList(list, values: args.all("value"))
        return try show(edit, verb: "Removed from", args, io: io)
    }

    static func show(_ edit: RiskService.ListEdit, verb: String, _ args: ParsedArguments, io: CommandIO) throws(PayError) -> Int32 {
        if args.has("json") {
            struct Result: Encodable { let list: String; let changed: [String]; let unchanged: [String] }
            try io.json(Result(list: edit.list, changed: edit.changed, unchanged: edit.unchanged))
            return 0
        }
        var text = edit.changed.isEmpty ? "" : "\(verb) list \(edit.list): \(edit.changed.joined(separator: ", "))."
        if !edit.unchanged.isEmpty {
            text += (text.isEmpty ? "" : " ") + "Already in list \(edit.list): \(edit.unchanged.joined(separator: ", "))."
        }
        io.out(text)
        return 0
    }

    static func setEnabled(_ args: ParsedArguments, _ io: inout CommandIO, _ enabled: Bool) throws -> Int32 {
        guard let name = args.positionals.first else { throw PayError.usage("give the rule's name (see `paydesk risk list`)") }
        let context = try CommandLineApp.openContext(args, io: io)
        let (rule, changed) = try RiskService(context).setRuleEnabled(name, enabled)
        if args.has("json") {
            struct Result: Encodable { let name: String; let enabled: Bool; let changed: Bool }
            try io.json(Result(name: rule.name, enabled: rule.enabled, changed: changed))
        } else {
            let state = enabled ? "enabled" : "disabled"
            io.out(changed ? "Risk rule '\(rule.name)' \(state): \(rule.action.rawValue) when \(rule.expression)"
                           : "Risk rule '\(rule.name)' was already \(state); nothing changed.")
        }
        return 0
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let rules = try RiskService(context).rules()
        let lists = try context.store.read { try context.store.riskLists.all() }
        if args.has("json") {
            struct RuleJSON: Encodable { let name: String; let action: String; let when: String; let enabled: Bool; let error: String? }
            struct ListJSON: Encodable { let name: String; let values: [String] }
            struct Result: Encodable { let rules: [RuleJSON]; let lists: [ListJSON] }
            try io.json(Result(rules: rules.map { RuleJSON(name: $0.rule.name, action: $0.rule.action.rawValue, when: $0.rule.expression,
                                                           enabled: $0.rule.enabled, error: $0.error?.description) },
                               lists: lists.map { ListJSON(name: $0.name, values: $0.values) }))
            return 0
        }
        var lines: [String] = []
        if rules.isEmpty { lines.append("No risk rules: every payment is allowed.") }
        let width = rules.map { TextColumns.width($0.rule.name) }.max() ?? 0
        for order in [RiskRuleRecord.Action.allow, .block, .challenge] {
            for (rule, error) in rules where rule.action == order {
                var line = TextColumns.pad(rule.action.rawValue, 10) + TextColumns.pad(rule.name, width + 2) + rule.expression
                if !rule.enabled { line += "  (disabled)" }
                if let error { line += "  (does not parse: \(error))" }
                lines.append(line)
            }
        }
        for list in lists { lines.append("list \(list.name): \(list.values.joined(separator: ", "))") }
        io.out(lines.joined(separator: "\n"))
        return 0
    }

    static func add(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try args.required("name")
        let action = try RiskRuleRecord.Action.parse(try args.required("action"), field: "--action")
        let expression = try args.required("when")
        let context = try CommandLineApp.openContext(args, io: io)
        let rule = try RiskService(context).addRule(name: name, action: action, expression: expression)
        if args.has("json") {
            struct Result: Encodable { let name: String; let action: String; let when: String }
            try io.json(Result(name: rule.name, action: rule.action.rawValue, when: rule.expression))
        } else {
            io.out("Added \(rule.action.rawValue) rule '\(rule.name)': \(rule.expression)")
        }
        return 0
    }

    static func test(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let method = try PaymentMethod.parse(try args.required("method"), field: "--method")
        let context = try CommandLineApp.openContext(args, io: io)
        let (businessLine, amount) = try args.businessAndAmount(context)
        let line = businessLine.code
        let currency = amount.currency
        let decision = try RiskService(context).evaluate(RiskRequest(businessLine: line, method: method, amount: amount,
                                                                     customerId: args.value("customer")))
        if args.has("json") {
            struct MatchJSON: Encodable { let name: String; let action: String; let when: String }
            struct Result: Encodable {
                let action: String; let decidedBy: String?; let matched: [MatchJSON]; let notes: [String]
                let rulesEvaluated: Int; let queries: Int
            }
            try io.json(Result(action: decision.action.rawValue, decidedBy: decision.decidedBy?.name,
                               matched: decision.matched.map { MatchJSON(name: $0.name, action: $0.action.rawValue, when: $0.expression) },
                               notes: decision.notes, rulesEvaluated: decision.rulesEvaluated, queries: decision.queries))
            return 0
        }
        var lines = ["\(decision.summary): \(method.rawValue) \(amount.decimalString) \(currency) for \(line)\(args.value("customer").map { ", customer \($0)" } ?? "")"]
        if decision.matched.isEmpty { lines.append("  no rule matched (\(decision.rulesEvaluated) evaluated)") }
        for match in decision.matched { lines.append("  matched \(match.action.rawValue) '\(match.name)': \(match.expression)") }
        lines += decision.notes.map { "  note: \($0)" }
        io.out(lines.joined(separator: "\n"))
        return 0
    }
}
