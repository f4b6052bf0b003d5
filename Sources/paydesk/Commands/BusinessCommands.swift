#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import PayCore
import PayStore
import PayServices

/// `business list | add | set | api-secret`, `worker`, `check`.
enum BusinessCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["business", "add"], summary: "add a business line of a merchant",
                    details: "L: 1–32 lower-case letters, digits or '-'. Layouts: \(BusinessLineService.layouts.joined(separator: ", ")).",
                    positionals: ["L"],
                    options: [.value("merchant", "M", "the merchant the line belongs to (required)"),
                              .value("name", "NAME", "the line's name (required)"),
                              .value("layout", "NAME", "the console's checkout layout (default retail)"),
                              .value("currency", "CODE", "the default currency (default CNY)"),
                              .value("methods", "LIST", "methods accepted, comma-separated (default: all)")],
                    run: add),
        CommandSpec(path: ["business", "list"], summary: "list the business lines and their notification settings",
                    options: [], run: list),
        CommandSpec(path: ["business", "set"], summary: "change a business line: name, layout, currency, methods, notifications",
                    details: """
                    An empty --notify-url turns notifications off; an empty --methods accepts every method.
                    The notify secret (the HMAC key of the PayDesk-Signature header) is never given on the command
                    line, where `ps` and the shell's history show it: --notify-secret-file reads it from a file (one
                    line, 8–256 printable characters), --new-notify-secret makes one and prints it this once. It is
                    kept sealed under <store>.audit-key.
                    """,
                    positionals: ["L"],
                    options: [.value("name", "NAME", "the line's name"),
                              .value("layout", "NAME", "the console's checkout layout"),
                              .value("currency", "CODE", "the default currency"),
                              .value("methods", "LIST", "methods accepted, comma-separated"),
                              .value("notify-url", "URL", "http(s) URL the notifications are POSTed to"),
                              .value("notify-secret-file", "PATH", "read the notifications' HMAC secret from this file"),
                              .flag("new-notify-secret", "make a new random notify secret and print it once")],
                    run: set),
        CommandSpec(path: ["business", "api-secret"], summary: "list or rotate a business line's API secrets (request signatures)",
                    details: "Without --rotate: the line's valid secrets, by id and last four characters (never the secret).\nWith --rotate: makes a new secret and prints it this once; the line's other secrets keep verifying\nfor --overlap (default 24h; 0s retires them at once, at most 30d).",
                    positionals: ["L"],
                    options: [.flag("rotate", "make a new secret and print it once"),
                              .value("overlap", "D", "how long the older secrets keep verifying after --rotate (default 24h)")],
                    run: apiSecret),
    ]

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let lines = try BusinessLineService(context).all()
        if args.has("json") {
            struct Line: Encodable { let code, name, layout, currency, notifyUrl: String; let notifySecretSet: Bool; let merchant: String?; let methods: [String] }
            struct Result: Encodable { let businessLines: [Line] }
            try io.json(Result(businessLines: lines.map {
                Line(code: $0.code.rawValue, name: $0.name, layout: $0.layout, currency: $0.defaultCurrency.code,
                     notifyUrl: $0.notifyURL, notifySecretSet: !$0.notifySecret.isEmpty, merchant: $0.merchantId,
                     methods: $0.allowedMethods.map(\.rawValue))
            }))
        } else if lines.isEmpty {
            io.out("No business lines; `paydesk business add L --merchant M --name NAME` adds one (`paydesk init --demo` makes a demo store).")
        } else {
            io.out(TextColumns.table(["LINE", "NAME", "CURRENCY", "MERCHANT", "NOTIFY SECRET", "NOTIFY URL"], lines.map { line in
                [line.code.rawValue, line.name, line.defaultCurrency.code, line.merchantId ?? "—",
                 line.notifySecret.isEmpty ? "not set" : "set (sealed)", line.notifyURL.isEmpty ? "off" : line.notifyURL]
            }))
        }
        return 0
    }

    static func add(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let code = args.positionals.first else { throw PayError.usage("business add: missing the business line L") }
        let draft = BusinessLineDraft(code: code, name: try args.required("name"), layout: args.value("layout") ?? "retail",
                                      currency: args.value("currency") ?? "CNY", methods: args.value("methods") ?? "",
                                      merchantId: try args.required("merchant"))
        let context = try CommandLineApp.openContext(args, io: io)
        let line = try BusinessLineService(context).add(draft)
        if args.has("json") {
            struct Result: Encodable { let code, name, layout, currency, merchant: String; let methods: [String] }
            try io.json(Result(code: line.code.rawValue, name: line.name, layout: line.layout, currency: line.defaultCurrency.code,
                               merchant: line.merchantId ?? "", methods: line.allowedMethods.map(\.rawValue)))
        } else {
            io.out("Business line \(line.code) (\(line.name)) added for merchant \(line.merchantId ?? ""): layout \(line.layout), \(line.defaultCurrency.code), methods \(line.allowedMethods.isEmpty ? "all" : line.allowedMethods.map(\.rawValue).joined(separator: ",")).")
        }
        return 0
    }

    static func set(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let code = args.positionals.first else { throw PayError.usage("missing the business line L") }
        let line = try BusinessLineCode(code, field: "business line")
        let url = args.value("notify-url")
        let generated = args.has("new-notify-secret")
        var secret: String?
        if let path = args.value("notify-secret-file") {
            guard !generated else { throw PayError.usage("business set: give --notify-secret-file or --new-notify-secret, not both") }
            secret = try KeyFile.secret(path, field: "the notify secret")
        } else if generated {
            secret = LineSecrets.generateNotifySecret()
        }
        let changes = BusinessLineChanges(name: args.value("name"), layout: args.value("layout"), currency: args.value("currency"),
                                          methods: args.value("methods"), notifyURL: url, notifySecret: secret)
        if changes.isEmpty {
            throw PayError.usage("business set: give --name, --layout, --currency, --methods, --notify-url, --notify-secret-file or --new-notify-secret")
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let updated = try BusinessLineService(context).update(line, changes)
        let methods = updated.allowedMethods.map(\.rawValue)
        if args.has("json") {
            struct Result: Encodable {
                let code, name, layout, currency, notifyUrl: String; let methods: [String]; let notifySecretSet: Bool
                /// Only with --new-notify-secret: the secret, this once.
                let newNotifySecret: String?
            }
            try io.json(Result(code: line.rawValue, name: updated.name, layout: updated.layout, currency: updated.defaultCurrency.code,
                               notifyUrl: updated.notifyURL, methods: methods, notifySecretSet: !updated.notifySecret.isEmpty,
                               newNotifySecret: generated ? secret : nil))
            return 0
        }
        io.out("Business line \(line): \(updated.name), layout \(updated.layout), \(updated.defaultCurrency.code), methods \(methods.isEmpty ? "all" : methods.joined(separator: ",")); notifications \(updated.notifyURL.isEmpty ? "off" : "to \(updated.notifyURL)")\(secret != nil ? ", secret updated (sealed)" : "").")
        if generated, let secret {
            io.out("New notify secret (shown this once; give it to the business system, which verifies PayDesk-Signature with it):")
            io.out(secret)
        }
        return 0
    }
}

extension BusinessCommands {
    static func apiSecret(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let code = args.positionals.first else { throw PayError.usage("business api-secret: missing the business line L") }
        let line = try BusinessLineCode(code, field: "business line")
        let rotate = args.has("rotate")
        var overlap = APISecrets.defaultOverlap
        if let text = args.value("overlap") {
            guard rotate else { throw PayError.invalidInput("--overlap '\(text)': only with --rotate (a listing changes nothing)") }
            overlap = try DurationText.milliseconds(text, field: "--overlap", in: 0...APISecrets.maximumOverlap)
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let secrets = APISecrets(context)
        if rotate {
            let made = try secrets.rotate(line: line, overlap: overlap)
            if args.has("json") {
                struct Result: Encodable { let businessLine, id, secret: String; let previousExpiresAt: String? }
                try io.json(Result(businessLine: made.line.rawValue, id: made.id, secret: made.secret,
                                   previousExpiresAt: made.previousExpiresAt?.iso8601))
            } else {
                io.out("New API secret \(made.id) for \(line) (shown this once; keep it in the business system):")
                io.out(made.secret)
                io.out(made.previousExpiresAt.map { "The previous secret verifies until \($0.iso8601)." } ?? "The line had no secret before.")
            }
            return 0
        }
        let listed = try secrets.list(line: line)
        if args.has("json") {
            struct Secret: Encodable { let id, hint, createdAt: String; let expiresAt: String? }
            struct Result: Encodable { let businessLine: String; let secrets: [Secret] }
            try io.json(Result(businessLine: line.rawValue, secrets: listed.map {
                Secret(id: $0.id, hint: $0.hint, createdAt: $0.createdAt.iso8601, expiresAt: $0.expiresAt?.iso8601)
            }))
        } else if listed.isEmpty {
            io.out("Business line \(line) has no API secret; `paydesk business api-secret \(line) --rotate` makes one.")
        } else {
            for secret in listed {
                io.out("\(secret.id)  \(secret.hint)  created \(secret.createdAt.iso8601)  \(secret.expiresAt.map { "expires \($0.iso8601)" } ?? "current")")
            }
        }
        return 0
    }
}

/// `paydesk worker [--once] [--for SECONDS]`.
enum WorkerCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["worker"], summary: "run background jobs (merchant notifications, janitor, expiry, callbacks)",
                    details: "Only the holder of the store's worker lease runs jobs, so any number may run.",
                    options: [.flag("once", "one pass over what is due, then exit"),
                              .value("for", "SECONDS", "run for this long (at most 86400), then exit (default: until interrupted)")],
                    run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var seconds = Double.infinity
        if let text = args.value("for") {
            guard let value = Double(text), value > 0, value <= 86_400 else {
                throw PayError.invalidInput("--for '\(text)': a number of seconds above 0 and at most 86400 (a day; without --for the worker runs until stopped)")
            }
            seconds = value
        }
        let context = try CommandLineApp.openContext(args, io: io)
        // why: background work is the center's own; the audit log names it `system`.
        context.actor = .system
        let worker = Worker(context: context, jobs: try ServiceWiring.workerJobs(context))
        if args.has("once") {
            let round = try worker.runOnce()
            worker.releaseLease()
            if args.has("json") {
                struct Result: Encodable { let ran: Bool; let done: [String: Int]; let errors: [String: String] }
                try io.json(Result(ran: round.ranJobs, done: round.done, errors: round.errors))
            } else if !round.ranJobs {
                io.out("Another process holds the worker lease; nothing done.")
            } else {
                io.out(round.done.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
                for (job, error) in round.errors.sorted(by: { $0.key < $1.key }) { io.err("\(job) failed: \(error)") }
            }
            return 0
        }
        WorkerStop.install()
        try worker.run(forSeconds: seconds == .infinity ? 1e12 : seconds) { WorkerStop.requested.load(ordering: .relaxed) }
        if WorkerStop.requested.load(ordering: .relaxed) { io.err("paydesk worker: stopped by a signal; the lease is given back") }
        return 0
    }
}

/// SIGINT and SIGTERM ask a running `paydesk worker` to finish its round and give the lease back,
/// so another process can take over at once instead of after the lease runs out.
enum WorkerStop {
    static let requested = Atomic<Bool>(false)

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in WorkerStop.requested.store(true, ordering: .relaxed) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // why: a parent may have started us with these signals blocked (test runners, some
        // supervisors); a worker that cannot hear them would hold its lease to the end.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }
}

/// `paydesk check [--settled]`: the store's money invariants.
enum CheckCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["check"], summary: "check the store's integrity and money invariants (exit 1 when one is broken)",
                    details: "Beside a sandbox (<store>.sandbox.db) it also compares the center's payments and refunds with\nthe sandbox's own ledger, serial by serial, and prints the sums per channel account.",
                    options: [.flag("settled", "also require that nothing is in flight: no payment PROCESSING, and no money the channel moved that the center has not settled")], run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let report = try InvariantChecker(context).run(settled: args.has("settled"))
        if args.has("json") {
            struct Result: Encodable { let clean: Bool; let checked: [String]; let problems: [String]; let summary: [String] }
            try io.json(Result(clean: report.isClean, checked: report.checked, problems: report.problems, summary: report.summary))
        } else {
            if report.isClean {
                io.out("All \(report.checked.count) checks pass: \(report.checked.joined(separator: ", ")).")
            } else {
                for problem in report.problems { io.out(problem) }
            }
            for line in report.summary { io.out("ledger \(line)") }
        }
        return report.isClean ? 0 : 1
    }
}
