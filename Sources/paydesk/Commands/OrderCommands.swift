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
            --attr KEY=VALUE gives the business details the console's checkout asks for, checked against
            the line's layout (a key the line does not take is refused):
              hotel      guest, room, checkIn, checkOut (YYYY-MM-DD, both or neither), deposit=AMOUNT
              flight     passengers (comma separated, at most 9), segments (separated by ;), insurance=yes|no
              ticket     event, session (YYYY-MM-DD HH:MM), seats
              insurance  holder (required), insured, coverFrom, coverTo (YYYY-MM-DD)
            The line prices them: a hotel deposit is added as a line; flight insurance=yes adds the
            premium per passenger (a line and a sub-order to the insurer). --amount is the goods'
            total; the add-ons raise it. An insurance policy's number is issued once the order is paid.
            """,
            options: [
                .value("business", "L", "business line (retail, hotel, …)"),
                .value("order", "NO", "the business line's order number (at most 64 characters)"),
                .value("amount", "A", "amount, e.g. 12.34"),
                .value("currency", "C", "ISO 4217 code (default: the business line's)"),
                .value("item", "NAME:QTY:PRICE", "a line item", repeatable: true),
                .value("sub", "ACCOUNT:AMOUNT", "a sub-order", repeatable: true),
                .value("customer", "ID", "the customer's id"),
                .value("attr", "KEY=VALUE", "a business detail of the line (guest, checkIn, passengers, insurance, …; see below)", repeatable: true),
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
            summary: "list orders, newest first, a page at a time (or all of them as CSV)",
            details: """
            --filter takes the console's filter line: status:S (an attempt status such as unknown means
            "has an attempt in it"), channel:C, line:L, amount>N / >= / < / <= / = (major units), since:T,
            until:T (UTC dates or times; a duration such as 2h counts back from now), !S (not in status S),
            and one identifier (order no, any serial or channel serial, refund no, customer id).
            """,
            options: [
                .value("filter", "TEXT", "the console's filter line, e.g. 'status:unknown channel:alipay amount>100'"),
                .value("view", "NAME", "the filter of one of your saved views"),
                .value("status", "S", "only orders in this status"),
                .value("business", "L", "only this business line"),
                .value("channel", "C", "only orders paid through this channel"),
                .value("since", "T", "created at or after (UTC date or time)"),
                .value("until", "T", "created before (UTC date or time)"),
                .value("limit", "N", "orders per page (default 50, at most 1000)"),
                .value("after", "CURSOR", "the page after this cursor (`next` of the previous page)"),
                .value("before", "CURSOR", "the page before this cursor (`previous` of a page)"),
                .flag("csv", "write every matching order as CSV to stdout (no paging)"),
            ],
            run: list),
    ] + viewSpecs

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
        let answer = try IdempotentRequests(context).createOrder(draft, key: key)
        let (order, created) = (answer.outcome.order, answer.outcome.created)
        if args.has("json") {
            try io.json(answer.outcome)
        } else {
            io.out("\(created ? "Created" : "Already created:") order \(order.orderNo) (\(order.businessLine)) \(order.amount) \(order.currency) \(order.status), serial \(order.serial)")
        }
        IdempotencyNotes.warnIfNotKept(answer, scope: "order create", key: key, io: io)
        return 0
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
        let context = try CommandLineApp.openContext(args, io: io)
        let orders = OrderService(context)
        let order = try OrderArguments.order(args, orders)
        var current = order
        if args.has("refresh") {
            try Janitor(gateway: try ChannelGateway(store: context.store, clock: context.clock)).refresh(order, context: context)
            // why read again only here: the refresh may have moved the order; otherwise it is the one just read.
            current = try context.store.read { try context.store.orders.find(id: order.id) } ?? order
        }
        let detail = try orders.detail(current)
        if args.has("json") {
            try io.json(OrderDetailJSON(detail))
        } else {
            io.out(OrderText.detail(detail))
        }
        return 0
    }
}
