import PayCore

/// The order browser's reads: keyset pages either way, with the items and sub-orders of a whole
/// page in one statement each (three statements a page at most).
extension OrderRepository {
    /// One page at `position`, newest first, with items and sub-orders. `more` says whether rows
    /// lie beyond the page in the direction it was read (older for `.newest`/`.after`, newer for
    /// `.oldest`/`.before`). Run it inside one read transaction for a consistent page.
    public func page(_ filter: OrderFilter, at position: OrderPosition, limit: Int) throws -> (orders: [Order], more: Bool) {
        let (rows, more) = try headRows(filter, at: position, limit: limit)
        return (try assemble(rows), more)
    }

    /// Like `page`, without items and sub-orders (`items` and `subOrders` are empty): one
    /// statement, for exports that show only the order's own columns.
    public func heads(_ filter: OrderFilter, at position: OrderPosition, limit: Int) throws -> (orders: [Order], more: Bool) {
        let (rows, more) = try headRows(filter, at: position, limit: limit)
        return (try rows.map { try decode($0, itemRows: [], subRows: []) }, more)
    }

    /// These orders as they are now, in no particular order; ids that name no order (or, with
    /// `operatorName`, no sale of that operator) are left out. Three statements.
    public func orders(ids: [Int64], operatorName: String?) throws -> [Order] {
        guard !ids.isEmpty else { return [] }
        let text = OrderSQL.orders(ids: ids, operatorName: operatorName)
        return try assemble(db.rows(text.sql, text.arguments))
    }

    private func headRows(_ filter: OrderFilter, at position: OrderPosition, limit: Int) throws -> (rows: [Row], more: Bool) {
        let text = OrderSQL.page(filter, at: position, limit: limit)
        var rows = try db.rows(text.sql, text.arguments)
        let more = rows.count > limit
        if more { rows.removeLast(rows.count - limit) }
        if position.walksUp { rows.reverse() }
        return (rows, more)
    }

    /// Decodes order rows, loading the items and sub-orders of all of them in one statement each.
    func assemble(_ rows: [Row]) throws -> [Order] {
        guard !rows.isEmpty else { return [] }
        let ids = rows.map { $0.int64("id") }
        let itemsText = OrderSQL.items(of: ids)
        let subsText = OrderSQL.subOrders(of: ids)
        let items = Dictionary(grouping: try db.rows(itemsText.sql, itemsText.arguments)) { $0.int64("order_id") }
        let subs = Dictionary(grouping: try db.rows(subsText.sql, subsText.arguments)) { $0.int64("order_id") }
        return try rows.map { row in
            let id = row.int64("id")
            return try decode(row, itemRows: items[id] ?? [], subRows: subs[id] ?? [])
        }
    }
}
