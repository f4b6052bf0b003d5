import PayCore

/// A bound on an order's amount in major units of the order's own currency (`amount>20.5`),
/// kept exactly as thousandths of a major unit — the finest unit of any known currency — so that
/// 20.5 means 2050 fen for CNY, 20500 fils for BHD, and matches no JPY amount at all.
public struct AmountBound: Hashable, Sendable {
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", equal = "=", greaterOrEqual = ">=", greater = ">"
    }

    public let comparison: Comparison
    /// The bound in 1/10^`scale` of a major unit.
    public let scaled: Int64

    /// The decimal places of the finest currency PayDesk knows (3: BHD, KWD).
    public static let scale = Currency.all.map(\.exponent).max() ?? 0

    public init(_ comparison: Comparison, scaled: Int64) {
        self.comparison = comparison
        self.scaled = scaled
    }
}

/// Where a page of orders starts, in the store's terms (the services' `BrowsePosition`).
public enum OrderPosition: Hashable, Sendable {
    case newest
    case oldest
    /// Older than the cursor (the next page down).
    case after(OrderCursor)
    /// Newer than the cursor (the page above).
    case before(OrderCursor)

    /// Whether the index is walked oldest first (the page is reversed before it is shown).
    var walksUp: Bool {
        switch self {
        case .newest, .after: false
        case .oldest, .before: true
        }
    }
}

/// A statement and its arguments.
public struct SQLText {
    public let sql: String
    public let arguments: StatementArguments

    public init(_ sql: String, _ arguments: StatementArguments = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// The statement with its arguments written in as SQL literals, for a tool that cannot bind
    /// (the `sqlite3` shell the browse bench compares with).
    public var inlined: String {
        var values = arguments.databaseValues.makeIterator()
        var result = ""
        var inString = false
        for character in sql {
            if character == "'" { inString.toggle() }
            guard character == "?", !inString, let value = values.next() else {
                result.append(character)
                continue
            }
            switch value {
            case .null: result += "NULL"
            case .integer(let v): result += String(v)
            case .real(let v): result += String(v)
            case .text(let v): result += "'" + v.replacingAll("'", with: "''") + "'"
            case .blob(let bytes): result += "X'" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() + "'"
            }
        }
        return result
    }
}

/// The SQL behind the order browser, in one place: the repository runs it and the browse bench
/// hands the very same text to the `sqlite3` shell.
public enum OrderSQL {
    /// One page of orders (at most `limit + 1` rows, the extra one telling that more follow),
    /// newest first for `.newest` / `.after`, oldest first for `.oldest` / `.before`.
    public static func page(_ filter: OrderFilter, at position: OrderPosition, limit: Int) -> SQLText {
        var (clauses, arguments) = conditions(filter)
        switch position {
        case .newest, .oldest: break
        case .after(let cursor):
            clauses.append("(created_at, id) < (?, ?)")
            arguments.append(cursor.createdAt)
            arguments.append(cursor.id)
        case .before(let cursor):
            clauses.append("(created_at, id) > (?, ?)")
            arguments.append(cursor.createdAt)
            arguments.append(cursor.id)
        }
        let whereClause = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let order = position.walksUp ? "created_at ASC, id ASC" : "created_at DESC, id DESC"
        arguments.append(limit + 1)
        return SQLText("SELECT * FROM orders\(whereClause) ORDER BY \(order) LIMIT ?", arguments)
    }

    /// The line items of these orders, in one statement.
    public static func items(of ids: [Int64]) -> SQLText {
        SQLText("SELECT order_id, name, quantity, unit_price_minor FROM order_items WHERE order_id IN (\(placeholders(ids.count))) ORDER BY order_id, position",
                ids.map { $0 })
    }

    /// The sub-orders of these orders, in one statement.
    public static func subOrders(of ids: [Int64]) -> SQLText {
        SQLText("SELECT order_id, merchant_account, amount_minor FROM sub_orders WHERE order_id IN (\(placeholders(ids.count))) ORDER BY order_id, position",
                ids.map { $0 })
    }

    /// The cheapest statement: what the browse bench takes off the shell's time (start-up, dispatch, printing).
    public static var shellBaseline: SQLText { SQLText("SELECT 1") }

    /// These orders (any order), optionally only those `operatorName` may see as their own sales.
    public static func orders(ids: [Int64], operatorName: String?) -> SQLText {
        var sql = "SELECT * FROM orders WHERE id IN (\(placeholders(ids.count)))"
        var arguments: StatementArguments = ids.map { $0 }
        if let operatorName {
            sql += " AND " + ownSales
            arguments.append(operatorName)
            arguments.append(operatorName)
        }
        return SQLText(sql, arguments)
    }

    // why: an IN over two indexed look-ups (orders by operator, attempts by operator) rather
    // than an OR, so a cashier's page never walks the whole orders table.
    static let ownSales = "id IN (SELECT id FROM orders WHERE operator = ? UNION SELECT order_id FROM payment_attempts WHERE operator = ?)"

    /// Every identifier an order answers to, each found through its own index.
    static let identifierSet = """
        id IN (SELECT id FROM orders WHERE order_no = ? UNION SELECT id FROM orders WHERE serial = ? \
        UNION SELECT id FROM orders WHERE customer_id = ? \
        UNION SELECT order_id FROM payment_attempts WHERE serial = ? UNION SELECT order_id FROM payment_attempts WHERE channel_serial = ? \
        UNION SELECT order_id FROM refunds WHERE serial = ? UNION SELECT order_id FROM refunds WHERE channel_refund_serial = ? \
        UNION SELECT order_id FROM refunds WHERE refund_no = ?)
        """

    static func conditions(_ filter: OrderFilter) -> (clauses: [String], arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let status = filter.status { clauses.append("status = ?"); arguments.append(status.rawValue) }
        if !filter.excludedStatuses.isEmpty {
            let list = BoundList(filter.excludedStatuses)
            clauses.append("status NOT IN (\(list.sql))")
            arguments += list.arguments
        }
        if let line = filter.businessLine { clauses.append("business_line = ?"); arguments.append(line.rawValue) }
        if let channel = filter.channel { clauses.append("channel = ?"); arguments.append(channel) }
        if let since = filter.since { clauses.append("created_at >= ?"); arguments.append(since.milliseconds) }
        if let until = filter.until { clauses.append("created_at < ?"); arguments.append(until.milliseconds) }
        for bound in filter.amounts {
            let (sql, scaleArguments) = scaledAmount
            clauses.append("\(sql) \(bound.comparison.rawValue) ?")
            arguments += scaleArguments
            arguments.append(bound.scaled)
        }
        if let status = filter.attemptStatus {
            clauses.append("id IN (SELECT order_id FROM payment_attempts WHERE status = ?)")
            arguments.append(status.rawValue)
        }
        if !filter.excludedAttemptStatuses.isEmpty {
            let list = BoundList(filter.excludedAttemptStatuses)
            clauses.append("id NOT IN (SELECT order_id FROM payment_attempts WHERE status IN (\(list.sql)))")
            arguments += list.arguments
        }
        if let identifier = filter.identifier {
            clauses.append(identifierSet)
            for _ in 0..<8 { arguments.append(identifier) }
        }
        if let name = filter.operatorName {
            clauses.append(ownSales)
            arguments.append(name)
            arguments.append(name)
        }
        return (clauses, arguments)
    }

    /// The amount in 1/10^`AmountBound.scale` of a major unit: the minor units times a factor
    /// chosen by the currency's exponent, the currencies bound (NULL for an unknown currency).
    static var scaledAmount: (String, StatementArguments) {
        let byExponent = Dictionary(grouping: Currency.all, by: \.exponent).sorted { $0.key < $1.key }
        var sql = "(amount_minor * CASE"
        var arguments: StatementArguments = []
        for (exponent, currencies) in byExponent {
            sql += " WHEN currency IN (\(placeholders(currencies.count))) THEN ?"
            arguments += currencies.map(\.code)
            var factor: Int64 = 1
            for _ in 0..<(AmountBound.scale - exponent) { factor *= 10 }
            arguments.append(factor)
        }
        return (sql + " END)", arguments)
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }

    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
