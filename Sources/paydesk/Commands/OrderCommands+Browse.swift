import PayCore
import PayStore
import PayServices

/// `orders` (the order browser on the command line) and `orders view save|list|delete`.
extension OrderCommands {
    static let viewSpecs: [CommandSpec] = [
        CommandSpec(
            path: ["orders", "view", "save"],
            summary: "name a filter line to recall with `orders --view NAME` or in the console (same name: replaced)",
            positionals: ["NAME"],
            options: [.value("filter", "TEXT", "the filter line (see `orders --help`)")],
            run: saveView),
        CommandSpec(
            path: ["orders", "view", "list"],
            summary: "list your saved views",
            options: [],
            run: listViews),
        CommandSpec(
            path: ["orders", "view", "delete"],
            summary: "delete one of your saved views",
            positionals: ["NAME"],
            options: [],
            run: deleteView),
    ]

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        if args.value("filter") != nil && args.value("view") != nil {
            throw PayError.usage("give --filter or --view, not both")
        }
        if args.has("csv") {
            for option in ["limit", "after", "before"] where args.value(option) != nil {
                throw PayError.usage("--csv writes every matching order; --\(option) pages, so give one of them")
            }
            if args.has("json") { throw PayError.usage("give --csv or --json, not both") }
        }
        if args.value("after") != nil && args.value("before") != nil {
            throw PayError.usage("give --after or --before, not both")
        }
        var limit = 50
        if let text = args.value("limit") {
            guard let n = Int(text), (1...OrderBrowser.maxLimit).contains(n) else {
                throw PayError.invalidInput("--limit '\(text)': a whole number from 1 to \(OrderBrowser.maxLimit)")
            }
            limit = n
        }
        var position = BrowsePosition.newest
        if let text = args.value("after") { position = .after(try OrderCursor(text, field: "--after")) }
        if let text = args.value("before") { position = .before(try OrderCursor(text, field: "--before")) }
        let context = try CommandLineApp.openContext(args, io: io)
        let browser = OrderBrowser(context)
        var query = OrderQuery.all
        if let text = args.value("filter") {
            do { query = try OrderQuery.parse(text, now: context.now) } catch {
                throw PayError(error.kind, "--filter '\(text)': \(error.message)")
            }
        } else if let name = args.value("view") {
            query = try browser.savedView(named: name)
        }
        query.filter = try options(args, over: query.filter)
        if let line = query.filter.businessLine {
            _ = try context.store.read { try context.store.businessLines.require(line) }
        }
        if args.has("csv") {
            // why: rows are gathered into 64 KiB writes, so a million rows are not a million syscalls.
            var buffer = ""
            _ = try browser.exportCSV(query) { line in
                buffer += line
                if buffer.utf8.count >= 65_536 { io.stdout(buffer); buffer = "" }
            }
            if !buffer.isEmpty { io.stdout(buffer) }
            return 0
        }
        let page = try browser.page(query, at: position, limit: limit)
        let next = page.hasOlder ? page.orders.last.map { OrderCursor($0).description } : nil
        let previous = page.hasNewer ? page.orders.first.map { OrderCursor($0).description } : nil
        if args.has("json") {
            // why: `next` and `previous` must appear as null at the ends, which synthesized Encodable omits.
            struct Result: Encodable {
                let orders: [OrderJSON]
                let next: String?
                let previous: String?
                enum CodingKeys: String, CodingKey { case orders, next, previous }
                func encode(to encoder: any Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(orders, forKey: .orders)
                    try container.encode(next, forKey: .next)
                    try container.encode(previous, forKey: .previous)
                }
            }
            try io.json(Result(orders: page.orders.map(OrderJSON.init), next: next, previous: previous))
        } else if page.orders.isEmpty {
            io.out(query.text.isEmpty ? "no orders" : "no orders match '\(query.text)'")
        } else {
            io.out(OrderText.table(page.orders))
            if let previous { io.out("newer: --before \(previous)") }
            if let next { io.out("more: --after \(next)") }
        }
        return 0
    }

    /// The single-field options, added to the filter; one given in both is refused.
    static func options(_ args: ParsedArguments, over filter: OrderFilter) throws(PayError) -> OrderFilter {
        var filter = filter
        func clash(_ option: String) -> PayError {
            PayError.invalidInput("--\(option) and the filter's \(option == "business" ? "line" : option): give it once")
        }
        if let s = args.value("status") {
            guard filter.status == nil && filter.attemptStatus == nil else { throw clash("status") }
            filter.status = try OrderStatus.parse(s, field: "--status")
        }
        if let b = args.value("business") {
            guard filter.businessLine == nil else { throw clash("business") }
            filter.businessLine = try BusinessLineCode(b, field: "--business")
        }
        if let c = args.value("channel") {
            guard filter.channel == nil else { throw clash("channel") }
            filter.channel = c
        }
        if let t = args.value("since") {
            guard filter.since == nil else { throw clash("since") }
            filter.since = try Timestamp.parse(t, field: "--since")
        }
        if let t = args.value("until") {
            guard filter.until == nil else { throw clash("until") }
            filter.until = try Timestamp.parse(t, field: "--until")
        }
        return filter
    }

    static func viewName(_ args: ParsedArguments, _ command: String) throws(PayError) -> String {
        guard let name = args.positionals.first else { throw PayError.usage("\(command): give the view's NAME") }
        return name
    }

    static func saveView(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try viewName(args, "orders view save")
        let text = try args.required("filter")
        let context = try CommandLineApp.openContext(args, io: io)
        do { _ = try OrderQuery.parse(text, now: context.now) } catch {
            throw PayError(error.kind, "--filter '\(text)': \(error.message)")
        }
        try OrderBrowser(context).saveView(name: name, query: text)
        struct Result: Encodable { let saved, filter: String }
        try io.result(args, Result(saved: name, filter: text), "Saved view '\(name)': \(text)")
        return 0
    }

    static func listViews(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let views = try OrderBrowser(context).savedViews()
        if args.has("json") {
            struct ViewJSON: Encodable { let name: String; let filter: String }
            struct Result: Encodable { let views: [ViewJSON] }
            try io.json(Result(views: views.map { ViewJSON(name: $0.name, filter: $0.query) }))
        } else if views.isEmpty {
            io.out("no saved views (save one with `orders view save NAME --filter TEXT`)")
        } else {
            let width = views.map { TextColumns.width($0.name) }.max() ?? 0
            for view in views { io.out(TextColumns.pad(view.name, width) + "  " + view.query) }
        }
        return 0
    }

    static func deleteView(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try viewName(args, "orders view delete")
        let context = try CommandLineApp.openContext(args, io: io)
        try OrderBrowser(context).deleteView(name: name)
        struct Result: Encodable { let deleted: String }
        try io.result(args, Result(deleted: name), "Deleted view '\(name)'")
        return 0
    }
}
