import PayCore
import PayStore

/// The order browser (F3) and `paydesk orders`: keyset pages of a filtered order list, refreshed
/// in place, exported as CSV, and the operator's saved filters. A cashier sees only their sales.
public struct OrderBrowser {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The most rows a page (or a reload) may ask for.
    public static let maxLimit = 1000

    /// One page (limit rows) at `position`; a cashier sees only their sales.
    ///
    /// At most three statements in one read transaction: the orders, then the items and the
    /// sub-orders of all of them. A `.before` page near the top may hold fewer than `limit` rows.
    public func page(_ query: OrderQuery, at position: BrowsePosition, limit: Int) throws(PayError) -> OrderPage {
        guard (1...Self.maxLimit).contains(limit) else {
            throw PayError.invalidInput("limit '\(limit)': between 1 and \(Self.maxLimit)")
        }
        let filter = try visibleFilter(query)
        let store = context.store
        let (orders, more) = try store.snapshot { try store.orders.page(filter, at: position.store, limit: limit) }
        switch position {
        case .newest: return OrderPage(orders: orders, hasNewer: false, hasOlder: more)
        case .after: return OrderPage(orders: orders, hasNewer: true, hasOlder: more)
        case .oldest: return OrderPage(orders: orders, hasNewer: more, hasOlder: false)
        case .before: return OrderPage(orders: orders, hasNewer: more, hasOlder: true)
        }
    }

    /// The current state of rows on screen (refresh in place), same order as ids, missing ones dropped.
    public func reload(ids: [Int64]) throws(PayError) -> [Order] {
        guard ids.count <= Self.maxLimit else {
            throw PayError.invalidInput("reload of \(ids.count) orders: at most \(Self.maxLimit)")
        }
        let owner = try ownSalesOnly()
        let store = context.store
        let found = try store.snapshot { try store.orders.orders(ids: ids, operatorName: owner) }
        let byId = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byId[$0] }
    }

    /// Streams the whole filtered list as CSV (header first), any size, constant memory; returns rows written.
    ///
    /// RFC 4180: fields holding a comma, a quote, CR or LF are quoted and quotes doubled; lines end
    /// in CRLF. Read in keyset chunks, each its own short read, so a slow reader never holds the store.
    /// The export is audited (filter and row count).
    public func exportCSV(_ query: OrderQuery, write: (String) throws -> Void) throws(PayError) -> Int {
        let filter = try visibleFilter(query)
        let store = context.store
        func emit(_ line: String) throws(PayError) {
            do { try write(line) } catch let error as PayError { throw error } catch {
                throw PayError.internal("export: writing failed: \(error)")
            }
        }
        try emit(CSV.line(CSV.header))
        var position = OrderPosition.newest
        var written = 0
        while true {
            let (orders, more) = try store.read { try store.orders.heads(filter, at: position, limit: 500) }
            for order in orders { try emit(CSV.line(CSV.fields(order))) }
            written += orders.count
            guard more, let last = orders.last else { break }
            position = .after(OrderCursor(last))
        }
        let detail = "\(written) orders, filter '\(query.text)'"
        try store.write {
            try AuditLog(context).append(actor: context.actor, action: "orders.export", target: "orders", detail: detail)
        }
        return written
    }

    /// The operator's own saved views, by name.
    public func savedViews() throws(PayError) -> [SavedView] {
        try Authorizer.require(.queryOwnOrders, actor: context.actor)
        let store = context.store
        let name = context.actor.name
        return try store.read { try store.savedViews.all(operator: name) }.map { SavedView(name: $0.name, query: $0.query) }
    }

    /// Saves (or replaces) a view of the operator's; the query must parse.
    public func saveView(name: String, query: String) throws(PayError) {
        try Authorizer.require(.queryOwnOrders, actor: context.actor)
        try Self.checkViewName(name)
        _ = try OrderQuery.parse(query, now: context.now)
        let store = context.store
        let owner = context.actor.name
        let now = context.now
        try store.write { _ = try store.savedViews.save(operator: owner, name: name, query: query, at: now) }
    }

    /// Deletes a view of the operator's; not found when they have none of that name.
    public func deleteView(name: String) throws(PayError) {
        try Authorizer.require(.queryOwnOrders, actor: context.actor)
        let store = context.store
        let owner = context.actor.name
        let deleted = try store.write { try store.savedViews.delete(operator: owner, name: name) }
        guard deleted else { throw PayError.notFound("saved view '\(name)': \(owner) has none of that name") }
    }

    /// The query of a saved view of the operator's.
    public func savedView(named name: String) throws(PayError) -> OrderQuery {
        guard let view = try savedViews().first(where: { $0.name == name }) else {
            throw PayError.notFound("saved view '\(name)': \(context.actor.name) has none of that name")
        }
        return try OrderQuery.parse(view.query, now: context.now)
    }

    /// View names: 1–32 letters, digits, '-', '_' or '.'.
    static func checkViewName(_ name: String) throws(PayError) {
        guard (1...32).contains(name.count),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }) else {
            throw PayError.invalidInput("view name '\(name)': use 1–32 letters, digits, '-', '_' or '.'")
        }
    }

    /// The query's filter, narrowed to the actor's own sales when they may not see every order.
    func visibleFilter(_ query: OrderQuery) throws(PayError) -> OrderFilter {
        var filter = query.filter
        filter.identifier = query.search ?? filter.identifier
        if let owner = try ownSalesOnly() { filter.operatorName = owner }
        return filter
    }

    /// nil for an actor who sees every order, else the name whose sales they see; refuses the rest.
    func ownSalesOnly() throws(PayError) -> String? {
        if Authorizer.allows(.queryOrders, actor: context.actor) { return nil }
        try Authorizer.require(.queryOwnOrders, actor: context.actor)
        return context.actor.name
    }
}

extension BrowsePosition {
    var store: OrderPosition {
        switch self {
        case .newest: .newest
        case .oldest: .oldest
        case .after(let cursor): .after(cursor)
        case .before(let cursor): .before(cursor)
        }
    }
}

/// The order list's CSV form.
enum CSV {
    static let header = ["created_at", "business_line", "order_no", "serial", "amount", "currency", "status", "channel",
                         "customer_id", "paid", "refunded"]

    static func fields(_ order: Order) -> [String] {
        [order.createdAt.iso8601, order.businessLine.rawValue, inert(order.orderNo.rawValue), order.serial.rawValue,
         order.amount.decimalString, order.amount.currency.code, order.status.rawValue, order.channel ?? "",
         inert(order.customerId ?? ""), order.paidAmount.decimalString, order.refundedAmount.decimalString]
    }

    /// Text a business system chose (order no, customer id) that a spreadsheet would run as a
    /// formula (`=HYPERLINK(…)`, `+`, `-`, `@`, a leading tab or CR) gets a leading apostrophe
    /// (OWASP's CSV injection advice); the other columns are ours and never start so.
    static func inert(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    /// One record, CRLF-terminated.
    static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\r\n"
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingQuotes() + "\""
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\"" { result += "\"\"" } else { result.append(character) }
        }
        return result
    }
}
