import PayCore
import PayServices

/// `POST /v1/orders`, `GET /v1/orders`, `GET /v1/orders/{orderNo}` and the lookups by a
/// payment's serial or channel serial. The business line is always the signer's.
enum OrderRoutes {
    /// Most line items and sub-orders an order created over the API may carry.
    static let maxEntries = 1000

    struct OrderAnswer: Encodable {
        let order: OrderJSON
    }

    static func create(_ call: APICall) throws -> HTTPResponse {
        try call.refuseQuery()
        var body = try JSONFields.body(of: call.request)
        try call.checkLine(&body)
        let key = try IdempotencyGuard.key(call.request)
        let orderNo = try body.parse("orderNo", { text throws(PayError) in try MerchantOrderNo(text, field: "orderNo") }, try body.string("orderNo"))
        let line = try call.businessLine()
        let currency = try body.optionalString("currency").map { text throws(APIFailure) in
            try body.parse("currency", { text throws(PayError) in try Currency.parse(text, field: "currency") }, text)
        } ?? line.defaultCurrency
        let amount = try body.parse("amount", { text throws(PayError) in try Money.parse(text, currency: currency, field: "amount") },
                                    try body.string("amount"))
        var items: [LineItem] = []
        for var item in try body.objects("items", limit: maxEntries) {
            let name = try item.string("name")
            let quantity = try item.integer("quantity", in: 1...Int64(Int32.max))
            let price = try item.parse("unitPrice", { text throws(PayError) in try Money.parse(text, currency: currency, field: item.path("unitPrice")) },
                                       try item.string("unitPrice"))
            try item.finish()
            items.append(try item.parse("name", { _ throws(PayError) in try LineItem(name: name, quantity: quantity, unitPrice: price) }, name))
        }
        var subOrders: [SubOrder] = []
        for var sub in try body.objects("subOrders", limit: maxEntries) {
            let account = try sub.string("account")
            let subAmount = try sub.parse("amount", { text throws(PayError) in try Money.parse(text, currency: currency, field: sub.path("amount")) },
                                          try sub.string("amount"))
            try sub.finish()
            subOrders.append(try sub.parse("account", { _ throws(PayError) in try SubOrder(merchantAccount: account, amount: subAmount) }, account))
        }
        let customerId = try body.optionalString("customerId")
        var expiry = OrderDraft.defaultExpiry
        let seconds = OrderDraft.expiryRange.lowerBound / 1000...OrderDraft.expiryRange.upperBound / 1000
        if let given = try body.optionalInteger("expiresInSeconds", in: seconds) { expiry = given * 1000 }
        let attributes = try body.stringMap("attributes", limit: 64)
        try body.finish()
        let orders = OrderService(call.context)
        let draft = try orders.priced(OrderDraft(businessLine: call.line, orderNo: orderNo, amount: amount, customerId: customerId,
                                                 items: items, subOrders: subOrders, expiresInMilliseconds: expiry, attributes: attributes))
        let result = try IdempotentRequests(call.context).createOrder(draft, key: key)
        call.noteUnkept(result.kept, key: key)
        let created = result.outcome
        return PaymentCenterAPI.json(created.created ? 201 : 200, OrderAnswer(order: created.order), replayed: result.replayed)
    }

    /// `GET /v1/orders`: newest first, a page at a time, the browser's filters and cursor.
    static func list(_ call: APICall) throws -> HTTPResponse {
        let request = call.request
        try call.refuseQuery(except: ["status", "channel", "since", "until", "limit", "after"])
        var query = OrderQuery.all
        query.filter.businessLine = call.line
        if request.queryValue("status") != nil {
            query.filter.status = try call.parseQuery("status") { text throws(PayError) in try OrderStatus.parse(text, field: "status") }
        }
        if let channel = request.queryValue("channel") {
            guard !channel.isEmpty, channel.count <= 32 else { throw APIFailure.invalid("channel", "channel '\(channel.prefix(32))': 1 to 32 characters") }
            query.filter.channel = channel
        }
        if request.queryValue("since") != nil {
            query.filter.since = try call.parseQuery("since") { text throws(PayError) in try Timestamp.parse(text, field: "since") }
        }
        if request.queryValue("until") != nil {
            query.filter.until = try call.parseQuery("until") { text throws(PayError) in try Timestamp.parse(text, field: "until") }
        }
        var limit = 50
        if let text = request.queryValue("limit") {
            guard let n = Int(text), (1...OrderBrowser.maxLimit).contains(n) else {
                throw APIFailure.invalid("limit", "limit '\(text.prefix(20))': a whole number from 1 to \(OrderBrowser.maxLimit)")
            }
            limit = n
        }
        var position = BrowsePosition.newest
        if request.queryValue("after") != nil {
            position = .after(try call.parseQuery("after") { text throws(PayError) in try .init(text, field: "after") })
        }
        let page = try OrderBrowser(call.context).page(query, at: position, limit: limit)
        let next: String? = page.hasOlder ? page.orders.last.map(Self.cursor) : nil
        return PaymentCenterAPI.json(200, OrderList(orders: page.orders.map(OrderJSON.init), next: next))
    }

    /// The `after` value that continues below this order (the browser's cursor, as `paydesk orders` prints it).
    static func cursor(_ order: Order) -> String {
        guard case .after(let cursor) = BrowsePosition.after(.init(order)) else { return "" }
        return cursor.description
    }

    struct OrderList: Encodable {
        let orders: [OrderJSON]
        let next: String?
        enum CodingKeys: String, CodingKey { case orders, next }
        // why: `next` is null on the last page, which synthesized Encodable would omit.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(orders, forKey: .orders)
            try container.encode(next, forKey: .next)
        }
    }

    /// `GET /v1/orders/{orderNo}`: the order with its payments and refunds.
    static func get(_ call: APICall) throws -> HTTPResponse {
        try call.refuseQuery(except: ["refresh"])
        let orderNo = try call.orderNo()
        let order = try call.lookup { orders throws(PayError) in try orders.find(call.line, orderNo) }
        return try detail(order, call)
    }

    /// `GET /v1/payments/{serial}`: the order a payment serial belongs to.
    static func byPaymentSerial(_ call: APICall) throws -> HTTPResponse {
        try call.refuseQuery(except: ["refresh"])
        let text = call.parameter("serial")
        let serial: Serial
        do { serial = try Serial(text, field: "serial") } catch { throw APIFailure.invalid("serial", error.message) }
        guard serial.kind == .payment else { throw APIFailure.notFound("payment '\(text)': not found") }
        let order = try call.lookup(missing: "payment '\(text)': not found") { orders throws(PayError) in try orders.find(serial: text) }
        return try detail(order, call)
    }

    /// `GET /v1/payments/by-channel-serial/{channelSerial}`: the order a channel's serial belongs to.
    static func byChannelSerial(_ call: APICall) throws -> HTTPResponse {
        try call.refuseQuery(except: ["refresh"])
        let text = call.parameter("channelSerial")
        guard text.count <= 128 else { throw APIFailure.invalid("channelSerial", "channel serial: at most 128 characters") }
        let order = try call.lookup(missing: "channel serial '\(text)': no payment or refund has it") { orders throws(PayError) in
            try orders.find(channelSerial: text)
        }
        return try detail(order, call)
    }

    /// The order's detail, after asking the channel about what is still open when `?refresh=true`
    /// (like `query --refresh`).
    static func detail(_ order: Order, _ call: APICall) throws -> HTTPResponse {
        let orders = OrderService(call.context)
        var current = order
        if try call.flag("refresh") {
            try Janitor(gateway: call.lane.gateway).refresh(order, context: call.context)
            current = try orders.find(id: order.id)
        }
        return PaymentCenterAPI.json(200, OrderDetailJSON(try orders.detail(current)))
    }
}

extension APICall {
    /// The signer's business line as the store has it.
    func businessLine() throws -> BusinessLine {
        guard let found = try BusinessLineService(context).all().first(where: { $0.code == line }) else {
            throw APIFailure.notFound("business line '\(line)': not found")
        }
        return found
    }

    /// An order looked up for the signer: one of another line, or one the signer may not see,
    /// is "not found" (a business system never learns whether another line's order exists).
    func lookup(missing: String? = nil, _ find: (OrderService) throws(PayError) -> Order) throws -> Order {
        let found: Result<Order, PayError>
        do { found = .success(try find(OrderService(context))) } catch { found = .failure(error) }
        let order: Order
        switch found {
        case .success(let value): order = value
        case .failure(let error) where error.kind == .notFound || error.kind == .notPermitted:
            throw APIFailure.notFound(missing ?? (error.kind == .notFound ? error.message : "not found"))
        case .failure(let error): throw error
        }
        guard order.businessLine == line else {
            throw APIFailure.notFound(missing ?? "order '\(order.orderNo)' of \(line): not found")
        }
        return order
    }

    /// Refuses query parameters the route does not take (a typo is an error, not ignored).
    func refuseQuery(except allowed: Set<String> = []) throws(APIFailure) {
        var seen: Set<String> = []
        for pair in request.query {
            guard allowed.contains(pair.name) else {
                throw APIFailure.invalid(String(pair.name.prefix(64)), "query parameter '\(pair.name.prefix(64))': not taken by this route")
            }
            guard seen.insert(pair.name).inserted else {
                throw APIFailure.invalid(pair.name, "query parameter '\(pair.name)': given twice")
            }
        }
    }

    func parseQuery<T>(_ name: String, _ parser: (String) throws(PayError) -> T) throws(APIFailure) -> T {
        do {
            return try parser(request.queryValue(name) ?? "")
        } catch {
            throw APIFailure.invalid(name, error.message)
        }
    }

    /// A `true`/`false` query parameter; absent is false.
    func flag(_ name: String) throws(APIFailure) -> Bool {
        switch request.queryValue(name) {
        case nil, "false"?: return false
        case "true"?: return true
        case let other?: throw APIFailure.invalid(name, "\(name) '\(other.prefix(20))': true or false")
        }
    }
}
