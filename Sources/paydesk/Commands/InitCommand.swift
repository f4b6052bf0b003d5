import PayCore
import PayStore
import PayServices

/// `paydesk init [--demo] [--simulated-clock]`: create or migrate a store.
enum InitCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["init"],
            summary: "create or migrate a store",
            details: """
            --demo adds the business lines retail, hotel, flight, ticket and insurance, channel accounts
            for every channel and a few hundred past orders. --simulated-clock makes the store run on a
            stored clock that only `paydesk clock advance` moves (new stores only).
            """,
            options: [
                .flag("demo", "add the sandbox demo data"),
                .flag("simulated-clock", "run the store on a stored clock moved by `clock advance`"),
            ],
            run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let path = io.storePath(args)
        let existed = FileSystem.exists(path)
        let store = try Store.open(path: path, create: true)
        let isNew = try store.read { try store.orders.count() == 0 && store.businessLines.all().isEmpty }
        if args.has("simulated-clock") {
            let simulated = try store.read { try store.meta.isSimulatedClock() }
            if !simulated {
                guard isNew else {
                    throw PayError.conflict("--simulated-clock: store '\(path)' already holds data on the system clock")
                }
                try store.write {
                    try store.meta.set(MetaRepository.clockModeKey, "simulated")
                    try store.meta.set(MetaRepository.clockNowKey, String(SystemClock().now().milliseconds))
                }
            }
        }
        let context = try ServiceContext(store: store, actor: io.authenticated?.actor ?? .localAdministrator(unixUser: io.unixUser))
        // why: the audit key and anchor beside the store are made here (an older store's log is
        // keyed from now on); every other command refuses to write a log without them.
        if try AuditLog(context).seal() {
            io.err("Keyed the audit log: \(path).audit-key (keep it private) and \(path).audit-anchor; earlier entries stay a plain hash chain.")
        }
        // why: schema 18 seals channel secrets at rest; SQL cannot encrypt, so an older store's
        // plaintext secrets are sealed here, under the key just made or found.
        let sealed = try ChannelAccountService(context).sealPlaintextSecrets()
        if !sealed.isEmpty { io.err("Sealed the secrets of channel accounts \(sealed.joined(separator: ", ")) under \(path).audit-key.") }
        if args.has("demo") {
            try DemoSeeder(context).seed()
        }
        // why after the demo: schema 23 seals the lines' notify and API secrets the same way, the demo's lines' too.
        let lines = try BusinessLineService(context).sealPlaintextSecrets()
        if !lines.isEmpty && !args.has("demo") {
            io.err("Sealed the notify and API secrets of business lines \(lines.joined(separator: ", ")) under \(path).audit-key.")
        }
        let version = try store.read { try Migrator.currentVersion(store.db) }
        if args.has("json") {
            struct Result: Encodable { let store: String; let created: Bool; let schemaVersion: Int; let demo: Bool; let simulatedClock: Bool }
            try io.json(Result(store: path, created: !existed, schemaVersion: version, demo: args.has("demo"),
                               simulatedClock: try store.read { try store.meta.isSimulatedClock() }))
        } else {
            io.out("\(existed ? "Store" : "Created store") \(path) at schema version \(version)\(args.has("demo") ? " with demo data (\(DemoSeeder.pastOrderCount) past orders)" : "").")
        }
        return 0
    }
}

/// `paydesk clock advance DURATION`: move a simulated store's clock.
enum ClockCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["clock", "advance"],
            summary: "move a simulated store's clock forward (90s, 10m, 2h, 1d)",
            positionals: ["DURATION"],
            options: [],
            run: advance),
        CommandSpec(
            path: ["clock", "show"],
            summary: "print the store's current time",
            options: [],
            run: show),
    ]

    /// How far one `clock advance` may move: a millisecond to ten years.
    static let advanceRange: ClosedRange<Int64> = 1...(3650 * 86_400_000)

    static func advance(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let text = args.positionals.first else { throw PayError.usage("missing DURATION (e.g. 10m)") }
        let milliseconds = try DurationText.milliseconds(text, field: "DURATION", in: advanceRange)
        let context = try CommandLineApp.openContext(args, io: io)
        let store = context.store
        let now = try store.write { try store.meta.advanceClock(by: milliseconds) }
        if args.has("json") {
            struct Result: Encodable { let now: String }
            try io.json(Result(now: now.iso8601))
        } else {
            io.out("Clock now \(now.iso8601)")
        }
        return 0
    }

    static func show(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let simulated = try context.store.read { try context.store.meta.isSimulatedClock() }
        if args.has("json") {
            struct Result: Encodable { let now: String; let simulated: Bool }
            try io.json(Result(now: context.now.iso8601, simulated: simulated))
        } else {
            io.out("\(context.now.iso8601) (\(simulated ? "simulated" : "system") clock)")
        }
        return 0
    }
}
