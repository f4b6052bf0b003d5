import PayCore
import PayServices

/// `timeline` (an order's timeline) and `raw` (one raw callback or channel call, masked).
enum TimelineCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["timeline"],
            summary: "show everything that happened to one order, oldest first, then what is overdue",
            details: """
            ORDER is an order no (with --business), or any serial (order, payment, refund) or channel
            serial; --order, --serial and --channel-serial say which outright, as for `query`.
            Rows that point at a raw message name it (callback:ID, call:ID): `paydesk raw callback:ID` shows it.
            """,
            positionals: ["[ORDER]"],
            options: [
                .value("order", "NO", "order number (with --business)"),
                .value("business", "L", "business line of the order number"),
                .value("serial", "S", "an order, payment or refund serial"),
                .value("channel-serial", "S", "a channel's payment or refund serial"),
            ],
            run: timeline),
        CommandSpec(
            path: ["raw"],
            summary: "show a raw callback or channel call of an order's timeline (secrets and card data masked)",
            details: "RECORD is callback:ID or call:ID, as the timeline names it.",
            positionals: ["RECORD"],
            options: [],
            run: raw),
    ]

    static func timeline(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let order = try OrderArguments.order(args, OrderService(context), positional: true)
        let entries = try OrderTimeline(context).entries(orderId: order.id)
        if args.has("json") {
            struct Result: Encodable { let order: OrderJSON; let entries: [TimelineEntryJSON] }
            try io.json(Result(order: OrderJSON(order), entries: entries.map(TimelineEntryJSON.init)))
        } else {
            io.out("order \(order.orderNo) (\(order.businessLine)) \(order.amount.decimalString) \(order.amount.currency) \(order.status.rawValue), serial \(order.serial)")
            for line in text(entries) { io.out(line) }
        }
        return 0
    }

    /// One line a row: time, kind, actor, summary, and the raw record it points at; `!` marks a problem.
    static func text(_ entries: [TimelineEntry]) -> [String] {
        let kindWidth = TimelineEntry.Kind.allCases.map(\.rawValue.count).max() ?? 0
        let actorWidth = min(16, entries.map { TextColumns.width($0.actor ?? "-") }.max() ?? 1)
        return entries.map { entry in
            var line = "\(entry.at.iso8601) \(entry.isProblem ? "!" : " ") "
            line += TextColumns.pad(entry.kind.rawValue, kindWidth) + "  "
            line += TextColumns.pad(entry.actor ?? "-", actorWidth) + "  "
            line += entry.summary
            if let raw = entry.raw { line += "  [\(rawName(raw))]" }
            return line
        }
    }

    static func rawName(_ id: RawRecordID) -> String {
        switch id {
        case .callback(let n): "callback:\(n)"
        case .channelCall(let n): "call:\(n)"
        }
    }

    static func parseRawName(_ text: String) throws(PayError) -> RawRecordID {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let number = Int64(parts[1]), number > 0 else {
            throw PayError.invalidInput("RECORD '\(text)': expected callback:ID or call:ID (as `paydesk timeline` names it)")
        }
        switch parts[0] {
        case "callback": return .callback(number)
        case "call": return .channelCall(number)
        default: throw PayError.invalidInput("RECORD '\(text)': '\(parts[0])' is neither callback nor call")
        }
    }

    static func raw(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let name = args.positionals.first else { throw PayError.usage("missing RECORD (callback:ID or call:ID)") }
        let id = try parseRawName(name)
        let context = try CommandLineApp.openContext(args, io: io)
        let record = try OrderTimeline(context).raw(id)
        if args.has("json") {
            struct Field: Encodable { let name: String; let value: String }
            struct Result: Encodable { let title: String; let headers: [Field]; let format: String; let body: String; let answer: String? }
            try io.json(Result(title: record.title, headers: record.headers.map { Field(name: $0.name, value: $0.value) },
                               format: record.format.rawValue, body: record.body, answer: record.answer))
        } else {
            io.out(record.title)
            let width = record.headers.map(\.name.count).max() ?? 0
            for field in record.headers { io.out("  " + TextColumns.pad(field.name, width) + "  " + field.value) }
            io.out("")
            for line in record.prettyLines { io.out(line) }
        }
        return 0
    }
}

/// A timeline row as `--json` prints it.
struct TimelineEntryJSON: Encodable {
    let at: String
    let kind: String
    let actor: String?
    let summary: String
    let raw: String?
    let problem: Bool

    init(_ entry: TimelineEntry) {
        at = entry.at.iso8601
        kind = entry.kind.rawValue
        actor = entry.actor
        summary = entry.summary
        raw = entry.raw.map(TimelineCommands.rawName)
        problem = entry.isProblem
    }
}
