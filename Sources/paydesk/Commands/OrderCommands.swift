import PayCore
import PayStore
import PayServices
import PayChannels

/// `order create`, `query`, `orders`.
enum OrderCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["order", "create"],
            summary: "create an order (same order no and parameters again: the same order)",
            details: """
            Items are NAME:QTY:PRICE with PRICE in the order's currency; their sum must be the amount.
            Sub-orders are ACCOUNT:AMOUNT, money owed to a merchant account (their sum at most the amount).
            Attributes are the business details the console's checkout asks for; the line prices them:
            flight insurance=yes passengers=A,B adds the insurance per passenger (a line and a sub-order
            to the insurer), hotel deposit=AMOUNT adds the deposit (checkIn/checkOut YYYY-MM-DD).
            --amount is then the goods' total; the add-ons raise it.
            """,
            options: [
                .value("business", "L", "business line (retail, hotel, …)"),
                .value("order", "NO", "the business line's order number (at most 64 characters)"),
                .value("amount", "A", "amount, e.g. 12.34"),
                .value("currency", "C", "ISO 4217 code (default: the business line's)"),
                .value("item", "NAME:QTY:PRICE", "a line item", repeatable: true),
                .value("sub", "ACCOUNT:AMOUNT", "a sub-order", repeatable: true),
                .value("customer", "ID", "the customer's id"),
                .value("attr", "KEY=VALUE", "a business detail (passengers, insurance, deposit, …)", repeatable: true),
                .value("expires-in", "DURATION", "how long the order may wait for payment (default 30m)"),
                .value("idempotency-key", "K", "replay the first answer for a retried request"),
            ],
            run: create),
        CommandSpec(
            path: ["query"],
            summary: "show one order with its payments and refunds",
            options: [
                .value("order", "NO", "order number (with --business)"),
                .value("business", "L", "business line of --order"),
                .value("serial", "S", "an order, payment or refund serial"),
                .value("channel-serial", "S", "a channel's payment or refund serial"),
                .flag("refresh", "ask the channel about payments and refunds still open before showing"),
            ],
            run: query),
        CommandSpec(
            path: ["orders"],
            summary: "list orders, newest first, a page at a time",
            options: [
                .value("status", "S", "only orders in this status"),
                .value("business", "L", "only this business line"),
                .value("channel", "C", "only orders paid through this channel"),
                .value("since", "T", "created at or after (UTC date or time)"),
                .value("until", "T", "created before (UTC date or time)"),
                .value("limit", "N", "orders per page (default 50, at most 1000)"),
                .value("after", "CURSOR", "the page after this cursor (`next` of the previous page)"),
            ],
            run: list),
    ]

    static func create(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let orderNo = try MerchantOrderNo(try args.required("order"), field: "--order")
        let key = try args.value("idempotency-key").map { text throws(PayError) in try IdempotencyKey(text, field: "--idempotency-key") }
        let context = try CommandLineApp.openContext(args, io: io)
        let (businessLine, amount) = try args.businessAndAmount(context)
        let line = businessLine.code
        let currency = amount.currency
        var items: [LineItem] = []
        for (index, text) in args.all("item").enumerated() {
            items.append(try parseItem(text, currency: currency, position: index + 1))
        }
        var subs: [SubOrder] = []
        for text in args.all("sub") {
            guard let colon = text.lastIndex(of: ":") else {
                throw PayError.invalidInput("--sub '\(text)': expected ACCOUNT:AMOUNT")
            }
            subs.append(try SubOrder(merchantAccount: String(text[..<colon]),
                                     amount: try Money.parse(String(text[text.index(after: colon)...]), currency: currency,
                                                             field: "--sub '\(text)' amount")))
        }
        var expiry = OrderDraft.defaultExpiry
        if let text = args.value("expires-in") {
            expiry = try DurationText.milliseconds(text, field: "--expires-in", in: OrderDraft.expiryRange)
        }
        var attributes: [String: String] = [:]
        for text in args.all("attr") {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw PayError.invalidInput("--attr '\(text)': expected KEY=VALUE, e.g. insurance=yes")
            }
            let key = String(text[..<equals])
            guard attributes[key] == nil else { throw PayError.invalidInput("--attr '\(text)': \(key) is given twice") }
            attributes[key] = String(text[text.index(after: equals)...])
        }
        let draft = try Pricing.apply(OrderDraft(businessLine: line, orderNo: orderNo, amount: amount, customerId: args.value("customer"),
                                                 items: items, subOrders: subs, expiresInMilliseconds: expiry, attributes: attributes),
                                      layout: businessLine.layout)
        var run = IdempotentRun(scope: "order create", key: key, request: draft.canonical)
        // why: creating an order is itself idempotent (the same order no and parameters give the
        // same order, anything else under it is a conflict), so a dead holder's request may run again.
        run.recoverable = { _ in true }
        return try run.run(context, io: &io) { io in
            let (order, created) = try OrderService(context).create(draft)
            if args.has("json") {
                struct Result: Encodable { let order: OrderJSON; let created: Bool }
                try io.json(Result(order: OrderJSON(order), created: created))
            } else {
                io.out("\(created ? "Created" : "Already created:") order \(order.orderNo) (\(order.businessLine)) \(order.amount.decimalString) \(order.amount.currency) \(order.status.rawValue), serial \(order.serial)")
            }
            return 0
        }
    }

    /// `NAME:QTY:PRICE`, split from the right so a name may hold colons.
    static func parseItem(_ text: String, currency: Currency, position: Int) throws(PayError) -> LineItem {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3 else {
            throw PayError.invalidInput("--item #\(position) '\(text)': expected NAME:QTY:PRICE, e.g. Tea:2:4.50")
        }
        let name = parts.dropLast(2).joined(separator: ":")
        guard let quantity = Int64(parts[parts.count - 2]), quantity > 0 else {
            throw PayError.invalidInput("--item #\(position) '\(text)': quantity '\(parts[parts.count - 2])' must be a whole number of at least 1")
        }
        let price = try Money.parse(String(parts[parts.count - 1]), currency: currency, field: "--item #\(position) price")
        do {
            return try LineItem(name: name, quantity: quantity, unitPrice: price)
        } catch {
            throw PayError.invalidInput("--item #\(position): \(error.message)")
        }
    }

    static func query(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let given = ["order", "serial", "channel-serial"].filter { args.value($0) != nil }
        guard given.count == 1 else {
            throw PayError.usage("give exactly one of --order NO --business L, --serial S, --channel-serial S")
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let orders = OrderService(context)
        let order: Order
        if let no = args.value("order") {
            let line = try BusinessLineCode(try args.required("business"), field: "--business")
            order = try orders.find(line, try MerchantOrderNo(no, field: "--order"))
        } else if let serial = args.value("serial") {
            order = try orders.find(serial: serial)
        } else {
            order = try orders.find(channelSerial: args.value("channel-serial")!)
        }
        if args.has("refresh") {
            try Janitor(gateway: try ChannelGateway(store: context.store, clock: context.clock)).refresh(order, context: context)
        }
        let detail = try orders.detail(try context.store.read { try context.store.orders.find(id: order.id) } ?? order)
        if args.has("json") {
            try io.json(OrderDetailJSON(detail))
        } else {
            io.out(OrderText.detail(detail))
        }
        return 0
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var filter = OrderFilter()
        if let s = args.value("status") { filter.status = try OrderStatus.parse(s, field: "--status") }
        if let b = args.value("business") { filter.businessLine = try BusinessLineCode(b, field: "--business") }
        if let c = args.value("channel") { filter.channel = c }
        if let t = args.value("since") { filter.since = try Timestamp.parse(t, field: "--since") }
        if let t = args.value("until") { filter.until = try Timestamp.parse(t, field: "--until") }
        var limit = 50
        if let text = args.value("limit") {
            guard let n = Int(text), (1...1000).contains(n) else {
                throw PayError.invalidInput("--limit '\(text)': a whole number from 1 to 1000")
            }
            limit = n
        }
        let cursor = try args.value("after").map { text throws(PayError) in try OrderCursor(text, field: "--after") }
        let context = try CommandLineApp.openContext(args, io: io)
        if let line = filter.businessLine {
            _ = try context.store.read { try context.store.businessLines.require(line) }
        }
        let page = try OrderService(context).page(filter, after: cursor, limit: limit)
        if args.has("json") {
            struct Result: Encodable { let orders: [OrderJSON]; let next: String? }
            // why: `next` must appear as null on the last page, which synthesized Encodable omits.
            struct NullableResult: Encodable {
                let orders: [OrderJSON]
                let next: String?
                enum CodingKeys: String, CodingKey { case orders, next }
                func encode(to encoder: any Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(orders, forKey: .orders)
                    try container.encode(next, forKey: .next)
                }
            }
            try io.json(NullableResult(orders: page.orders.map(OrderJSON.init), next: page.next?.description))
        } else {
            io.out(OrderText.table(page.orders))
            if let next = page.next { io.out("more: --after \(next)") }
        }
        return 0
    }
}
