#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PayConsole
import PayCore
import TUICurses
import TUIKit

/// `paydesk demo [TOUR] [--list] [--check FILE] [--autoplay [--once]] [--speed N]`: the console
/// on a throwaway sandbox store with a simulated clock and the tour panel beside it.
enum DemoCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["demo"],
            summary: "guided tours of the payment flows on a throwaway sandbox store (--list, --check FILE, --autoplay)",
            details: """
            TOUR is a tour's name (see --list) or a .tour file; without it the panel lists the tours.
            Keys: Enter next step, 1–9 choose at a branch, Esc the list of tours, Ctrl-T free play
            (keys go to the console) and back, q quit. The store lives in a temporary directory and is
            removed on quit (--keep keeps it). Your own tours: *.tour files in $PAYDESK_DEMOS, else
            $XDG_CONFIG_HOME/paydesk/demos (~/.config/paydesk/demos); the README says how to write one.

            \(SandboxCommands.behaviours)
            """,
            positionals: ["TOUR"],
            options: [
                .flag("list", "list the tours and exit"),
                .value("check", "FILE", "check a tour file and exit (errors name the line)"),
                .flag("autoplay", "play every tour unattended, one step after another, looping (a booth)"),
                .flag("once", "with --autoplay: show every tour once, then exit (1 if a tour failed)"),
                .value("speed", "N", "autoplay's pace: 1 shows a step for 6 s, 2 for 3 s (0.1 to 100)"),
                .value("theme", "NAME", "the console's colour theme"),
                .flag("keep", "keep the demo store on quit and print where it is"),
            ],
            run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        // why refuse rather than ignore: a demoer giving --db expects that store to be used, and the demo never touches one.
        if args.value("db") != nil { throw PayError.usage("--db: the demo makes a throwaway store of its own; it takes no --db") }
        if let file = args.value("check") {
            let tour = try DemoCatalog.load(path: file)
            let actions = tour.steps.reduce(0) { $0 + $1.actions.count }
            if args.has("json") {
                struct Result: Encodable { let file: String; let name: String; let title: String; let steps: Int; let actions: Int }
                try io.json(Result(file: file, name: tour.name, title: tour.title, steps: tour.steps.count, actions: actions))
            } else {
                io.out("\(file): ok — \"\(tour.title)\", \(tour.steps.count) steps, \(actions) actions")
            }
            return 0
        }
        let tours = try DemoCatalog.all(environment: io.environment)
        if args.has("list") {
            if args.has("json") {
                struct Entry: Encodable { let name: String; let title: String; let summary: String; let steps: Int }
                struct Result: Encodable { let tours: [Entry] }
                try io.json(Result(tours: tours.map { Entry(name: $0.name, title: $0.title, summary: $0.summary, steps: $0.steps.count) }))
            } else {
                let width = tours.map(\.name.count).max() ?? 0
                for tour in tours { io.out("\(TextColumns.pad(tour.name, width))  \(tour.title)\(tour.summary.isEmpty ? "" : " — \(tour.summary)")") }
            }
            return 0
        }
        var settings = DemoConsole.Settings(autoplay: args.has("autoplay"), once: args.has("once"))
        if let text = args.value("speed") {
            guard let speed = Double(text), speed >= 0.1, speed <= 100 else {
                throw PayError.invalidInput("--speed '\(text)': a number from 0.1 to 100 (2 is twice as fast)")
            }
            settings.speed = speed
        }
        if args.has("once") && !args.has("autoplay") { throw PayError.usage("--once goes with --autoplay") }
        var chosen: [Tour] = tours
        var first: String?
        if let name = args.positionals.first {
            if name.hasSuffix(".tour") || name.contains("/") {
                let tour = try DemoCatalog.load(path: name)
                chosen = [tour] + tours.filter { $0.name != tour.name }
                first = tour.name
            } else {
                guard tours.contains(where: { $0.name == name }) else {
                    throw PayError.notFound("tour '\(name)': none such; one of \(tours.map(\.name).joined(separator: ", "))")
                }
                first = name
            }
            if settings.autoplay { chosen = chosen.filter { $0.name == first } }
        }
        guard ConsoleLaunch.hasTerminal else {
            throw PayError.usage("the demo needs a terminal (try `paydesk demo --list` or `--check FILE`)")
        }
        let environment = io.environment
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-demo-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PayError.internal("demo directory '\(directory)': \(error)")
        }
        let keep = args.has("keep")
        defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
        io.err("Making the demo store (sandbox channels, simulated clock)…")
        let store = directory + "/demo.db"
        try CommandLineDemoStage.makeStore(at: store, environment: environment)
        let merchant = try DemoMerchant()
        defer { merchant.stop() }
        let theme = args.value("theme")
        let outcome = try MainActor.assumeIsolated { () throws -> (failures: [String], finished: Int) in
            let stage = CommandLineDemoStage(storePath: store, workDirectory: directory, environment: environment)
            try stage.connect(merchant)
            let terminal = NCursesTerminal(mouse: false)
            defer { terminal.stop() }
            let demo = makeConsole(terminal: terminal, stage: stage, themeName: theme, environment: environment,
                                   tours: chosen, settings: settings)
            if let first, !settings.autoplay { demo.start(first) }
            demo.run()
            return (demo.failures.map { "\($0.tour): \($0.failure)" }, demo.finished.count)
        }
        if keep { io.err("The demo store is kept: \(store)") }
        for failure in outcome.failures { io.err("paydesk demo: tour \(failure)") }
        if settings.autoplay && settings.once { io.out("Played \(outcome.finished) tours to their end; \(outcome.failures.count) stopped on a failed check.") }
        return outcome.failures.isEmpty ? 0 : 1
    }

    /// The demo console over the stage's store on `terminal` (tests pass a `VirtualTerminal`).
    @MainActor
    static func makeConsole(terminal: any Terminal, stage: CommandLineDemoStage, themeName: String? = nil,
                            environment: [String: String], tours: [Tour], settings: DemoConsole.Settings) -> DemoConsole {
        let options = ConsoleOptions(storePath: stage.storePath, themeName: themeName, environment: environment,
                                     origin: "demo", themeLoader: ThemeLoader.standard(environment: environment))
        // why no worker: the tours run the background jobs themselves (`run worker --once`), so a
        // tour shows each job's effect as its own step and plays the same every time.
        let backend = StandardConsoleBackend(runsWorker: false)
        return DemoConsole(terminal: terminal, options: options, backend: backend, stage: stage, tours: tours, settings: settings)
    }
}
