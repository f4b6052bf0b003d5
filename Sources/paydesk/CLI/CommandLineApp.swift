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

    static func run(_ arguments: [String], io: CommandIO) -> Int32 {
        var io = io
        let args = Array(arguments.dropFirst())
        if args.isEmpty || args == ["--help"] || args == ["-h"] || args == ["help"] {
            io.out(overview)
            return 0
        }
        // The longest command whose words prefix the arguments.
        let match = CommandRegistry.all
            .filter { spec in args.count >= spec.path.count && Array(args.prefix(spec.path.count)) == spec.path }
            .max { $0.path.count < $1.path.count }
        guard let spec = match else {
            let group = CommandRegistry.all.filter { $0.path.first == args[0] }
            if !group.isEmpty {
                io.err("paydesk \(args[0]): unknown subcommand\(args.count > 1 ? " '\(args[1])'" : ""); one of:\n"
                       + group.map { "  paydesk \($0.name)  — \($0.summary)" }.joined(separator: "\n"))
            } else {
                io.err("paydesk: unknown command '\(args[0])' (see `paydesk --help`)")
            }
            return PayError.usage("").exitCode
        }
        let rest = Array(args.dropFirst(spec.path.count))
        if rest.contains("--help") || rest.contains("-h") {
            io.out(spec.help + CommandPermissions.helpLine(for: spec.name))
            return 0
        }
        do {
            let parsed = try ParsedArguments.parse(rest, for: spec, common: commonOptions)
            try CommandPermissions.authorize(spec.name, parsed, io: &io)
            return try spec.run(parsed, &io)
        } catch let error as PayError {
            io.err(ErrorLine.render("paydesk \(spec.name): \(FailureHints.message(error))"))
            return error.exitCode
        } catch {
            io.err(ErrorLine.render("paydesk \(spec.name): internal error: \(error)"))
            return 1
        }
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
            text += "  \(spec.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(spec.summary)\n"
        }
        text += """

        Every command takes --db PATH, and --operator NAME to act as that operator (password from
        $PAYDESK_PASSWORD or a prompt); without it a command acts as the local administrator cli:<user>.

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
