import PayCore
import PayServices

/// `audit [--limit N]` and `audit verify` (supervisor or admin).
enum AuditCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["audit"],
            summary: "list the newest audit log entries (supervisor or admin)",
            options: [.value("limit", "N", "entries to show (default 50, at most 10000)")],
            run: list),
        CommandSpec(
            path: ["audit", "verify"],
            summary: "check the audit log's hash chain; names the first entry edited, removed or reordered",
            details: "Exit 0 when the chain is intact; exit 7 (conflict) when it is broken, naming the first bad entry.",
            options: [],
            run: verify),
    ]

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var limit = 50
        if let text = args.value("limit") {
            guard let n = Int(text), (1...10_000).contains(n) else {
                throw PayError.invalidInput("--limit '\(text)': a whole number from 1 to 10000")
            }
            limit = n
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let entries = try AuditLog(context).recent(limit: limit)
        if args.has("json") {
            struct Result: Encodable { let entries: [AuditEntryJSON] }
            try io.json(Result(entries: entries.map(AuditEntryJSON.init)))
            return 0
        }
        if entries.isEmpty {
            io.out("The audit log is empty.")
            return 0
        }
        io.out(TextColumns.table(["#", "TIME (UTC)", "ACTOR", "ACTION", "OUTCOME", "TARGET / DETAIL"], entries.map { entry in
            var text = entry.target ?? "-"
            if let detail = entry.detail { text += "  \(detail)" }
            text += "  [\(entry.origin)]"
            return ["\(entry.id)", entry.at.displayString, entry.actor, entry.action, entry.outcome.rawValue, text]
        }))
        return 0
    }

    static func verify(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let result = try AuditLog(context).verify()
        if args.has("json") {
            struct Problem: Encodable { let entry: Int64; let kind: String; let message: String }
            struct Result: Encodable {
                let intact: Bool
                let entries: Int
                let problem: Problem?
                enum CodingKeys: String, CodingKey { case intact, entries, problem }
                // why: `problem` must appear as null when the chain is intact.
                func encode(to encoder: any Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(intact, forKey: .intact)
                    try container.encode(entries, forKey: .entries)
                    try container.encode(problem, forKey: .problem)
                }
            }
            try io.json(Result(intact: result.intact, entries: result.entries,
                               problem: result.problem.map { Problem(entry: $0.entryId, kind: $0.kind.rawValue, message: $0.message) }))
        } else if result.intact {
            io.out("Audit log intact: \(result.entries) entries, each chained to the one before.")
        }
        if let problem = result.problem {
            let error = PayError.conflict("audit log broken: \(problem.message)")
            io.err("paydesk audit verify: \(error.message)")
            return error.exitCode
        }
        return 0
    }
}

/// One audit entry in `audit --json`.
struct AuditEntryJSON: Encodable {
    let id: Int64
    let at: String
    let actor: String
    let role: String?
    let action: String
    let target: String?
    let outcome: String
    let origin: String
    let detail: String?
    let hash: String

    init(_ entry: AuditEntry) {
        id = entry.id
        at = entry.at.iso8601
        actor = entry.actor
        role = entry.actorRole?.rawValue
        action = entry.action
        target = entry.target
        outcome = entry.outcome.rawValue
        origin = entry.origin
        detail = entry.detail
        hash = entry.hash
    }
}
