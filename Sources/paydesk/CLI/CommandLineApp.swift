import PayCore
import PayStore
import PayServices

/// The command line: finds the command by its words, parses its options, runs it, and turns
/// every error into one line on stderr and the exit code of §10. Never prints a stack.
enum CommandLineApp {
    static let commonOptions: [OptionSpec] = [
        .value("db", "PATH", "the store (default $PAYDESK_DB, else ./paydesk.db)"),
        .flag("json", "print one JSON object on stdout"),
        .flag("help", "show this help"),
        .value("operator", "NAME", "act as this operator (password from $PAYDESK_PASSWORD or a prompt)"),
    ]

    /// The program's version, for `paydesk --version` (raised with each issue's release).
    static let version = "0.14.0"

    /// The commands under the words `prefix` (a group: `sandbox`, `sandbox bill-fault`), if any.
    static func group(_ prefix: [String]) -> [CommandSpec] {
        guard !prefix.isEmpty else { return [] }
        return CommandRegistry.all.filter { $0.path.count > prefix.count && Array($0.path.prefix(prefix.count)) == prefix }
    }

    static func run(_ arguments: [String], io: CommandIO) -> Int32 {
        var io = io
        var args = Array(arguments.dropFirst())
        // why: `paydesk GROUP help` reads as `paydesk GROUP --help`, also for a group that is a command too (`alerts`).
        if args.count >= 2, args.last == "help", !group(Array(args.dropLast())).isEmpty {
            args[args.count - 1] = "--help"
        }
        if args.isEmpty || args == ["--help"] || args == ["-h"] || args == ["help"] {
            io.out(overview)
            return 0
        }
        if args == ["--version"] || args == ["-V"] || args == ["version"] {
            io.out("paydesk \(version) (store schema \(Schema.migrator.latestVersion))")
            return 0
        }
        // The longest command whose words prefix the arguments.
        let match = CommandRegistry.all
            .filter { spec in args.count >= spec.path.count && Array(args.prefix(spec.path.count)) == spec.path }
            .max { $0.path.count < $1.path.count }
        let json = wantsJSON(match.map { Array(args.dropFirst($0.path.count)) } ?? args, spec: match)
        guard let spec = match else {
            // why the deepest group the words name: groups nest (`sandbox bill-fault …`).
            let words = Array(args.prefix { !$0.hasPrefix("-") })
            for depth in stride(from: words.count, through: 1, by: -1) {
                let name = Array(words.prefix(depth))
                let group = group(name)
                guard !group.isEmpty else { continue }
                let rest = Array(args.dropFirst(depth))
                if rest.count == 1 && ["--help", "-h"].contains(rest[0]) {
                    io.out(CommandGroups.help(name.joined(separator: " "), group))
                    return 0
                }
                return fail(PayError.usage("\(rest.first { !$0.hasPrefix("-") }.map { "unknown subcommand '\($0)'" } ?? "give a subcommand"); one of:\n"
                            + group.map { "  paydesk \($0.name)  — \($0.summary)" }.joined(separator: "\n")),
                            command: name.joined(separator: " "), json: json, io: io)
            }
            return fail(PayError.usage("unknown command '\(args[0])' (see `paydesk --help`)"), command: nil, json: json, io: io)
        }
        let rest = Array(args.dropFirst(spec.path.count))
        if rest.contains("--help") || rest.contains("-h") {
            io.out(spec.help + CommandGroups.commonOptionsHelp + CommandGroups.subcommandsHelp(spec)
                   + CommandPermissions.helpLine(for: spec.name))
            return 0
        }
        do {
            let parsed = try ParsedArguments.parse(rest, for: spec, common: commonOptions)
            try CommandPermissions.authorize(spec.name, parsed, io: &io)
            return try spec.run(parsed, &io)
        } catch let error as PayError {
            return fail(error, command: spec.name, json: json, io: io)
        } catch {
            return fail(PayError.internal("internal error: \(error)"), command: spec.name, json: json, io: io)
        }
    }

    /// Whether `--json` is among the options, looked for as the parser would (a value of another
    /// option and the words after `--` are not it). why not the parsed arguments: a usage error
    /// (an unknown option, an unknown command) happens before they parse, and a script that asked
    /// for JSON still reads JSON.
    static func wantsJSON(_ words: [String], spec: CommandSpec?) -> Bool {
        let options = Dictionary(((spec?.options ?? []) + commonOptions).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word == "--" { return false }
            if word == "--json" { return true }
            if word.hasPrefix("--"), !word.contains("="), options[String(word.dropFirst(2))]?.valueName != nil { index += 1 }
        }
        return false
    }

    /// Reports a failed command on stderr — one line, or with `--json` one JSON object
    /// `{"error":{"code","message","param"}}` — and returns its exit code (the same either way).
    static func fail(_ error: PayError, command: String?, json: Bool, io: CommandIO) -> Int32 {
        if json {
            io.err(ErrorJSON.render(error))
        } else {
            io.err(ErrorLine.render("paydesk\(command.map { " \($0)" } ?? ""): \(FailureHints.message(error))"))
        }
        return error.exitCode
    }

    static var overview: String {
        var text = """
        paydesk — a payment center with a terminal face

        Usage: paydesk [--db PATH] [--theme NAME] [--mouse]  open the console
               paydesk COMMAND [OPTIONS]                    run one command (--help on any command)

        Commands:

        """
        let width = CommandRegistry.all.map(\.name.count).max() ?? 0
        for spec in CommandRegistry.all {
            text += "  \(TextColumns.pad(spec.name, width))  \(spec.summary)\n"
        }
        text += """

        Every command takes --db PATH, and --operator NAME to act as that operator (password from
        $PAYDESK_PASSWORD or a prompt); without it a command acts as the local administrator cli:<user>.
        With --json a command prints its result as one JSON object (keys sorted) and an error as
        {"error":{"code","message","param"}} on stderr, with the same exit code.
        `paydesk GROUP --help` lists a group's commands (e.g. `paydesk sandbox --help`); `paydesk --version`.

        Exit codes: 0 done, 1 internal error, 2 usage, 3 invalid input, 4 declined or blocked,
        5 pending or unknown, 6 not found, 7 conflict, 8 not permitted.
        """
        return text
    }

    /// Opens the store named by the arguments and a service context acting as the CLI's actor: the
    /// local administrator `cli:<unix user>`, or the operator of `--operator NAME` once logged in.
    static func openContext(_ args: ParsedArguments, io: CommandIO, create: Bool = false) throws(PayError) -> ServiceContext {
        // why: `CommandPermissions.authorize` already logged `--operator` in and checked the command.
        if let context = io.authenticated { return context }
        let store = try Store.open(path: io.storePath(args), create: create)
        let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: io.unixUser))
        try OperatorLogin.authenticate(args, context: context, io: io)
        return context
    }
}
