/// Help for a group of commands (`paydesk sandbox --help`) and the parts every command's help
/// shares: the common options and the commands under it.
enum CommandGroups {
    /// What a group is for, shown above its commands; a group without a line gets none.
    static let summaries: [String: String] = [
        "sandbox": "the simulated channels beside the store: their controls, and what they sent",
        "route": "the routing rules: which channel account carries which payment",
        "risk": "the risk rules and named lists that allow, block or challenge a payment",
        "orders": "the order browser and saved views",
        "alerts": "alerts, silences, rules and sinks",
        "operator": "the operators who log in, their roles and limits",
        "business": "the business lines payments are taken for",
        "bench": "measurements on a scratch store",
        "sandbox bill-fault": "differences made on purpose between a sandbox channel's bill and the center, for reconciliation",
        "merchant": "the merchants the center collects for",
        "account": "the channel accounts the center holds, their ids and keys (keys from files only)",
    ]

    /// Longer text after a group's commands (the sandbox's behaviours).
    static let details: [String: String] = [
        "sandbox": SandboxCommands.behaviours,
    ]

    /// `paydesk GROUP --help`: the group's commands with their summaries, the group's notes, the
    /// common options.
    static func help(_ group: String, _ specs: [CommandSpec]) -> String {
        var text = "paydesk \(group)" + (summaries[group].map { " — \($0)" } ?? "") + "\n\nCommands:\n"
        let width = specs.map { TextColumns.width($0.name) }.max() ?? 0
        for spec in specs { text += "  paydesk \(TextColumns.pad(spec.name, width))  \(spec.summary)\n" }
        if let details = details[group] { text += "\n\(details)\n" }
        text += commonOptionsHelp
        text += "\nSee `paydesk \(group) COMMAND --help` for a command's options.\n"
        return text
    }

    /// The options every command takes, as `--help` lists them.
    static var commonOptionsHelp: String {
        let options: [OptionSpec] = [
            .value("db", "PATH", "the store (default $PAYDESK_DB, else ./paydesk.db)"),
            .flag("json", "the result as one JSON object on stdout (keys sorted); an error as JSON on stderr"),
            .value("operator", "NAME", "act as this operator (password from $PAYDESK_PASSWORD or a prompt)"),
            .flag("help", "show this help"),
        ]
        let width = options.map { TextColumns.width($0.label) }.max() ?? 0
        return "\nCommon options:\n" + options.map { "  \(TextColumns.pad($0.label, width))  \($0.help)\n" }.joined()
    }

    /// The commands whose words extend `spec`'s (`orders` → `orders view save` …), as a help section.
    static func subcommandsHelp(_ spec: CommandSpec) -> String {
        let under = CommandRegistry.all.filter { $0.path.count > spec.path.count && Array($0.path.prefix(spec.path.count)) == spec.path }
        guard !under.isEmpty else { return "" }
        let width = under.map { TextColumns.width($0.name) }.max() ?? 0
        return "\nSubcommands:\n" + under.map { "  paydesk \(TextColumns.pad($0.name, width))  \($0.summary)\n" }.joined()
    }
}
