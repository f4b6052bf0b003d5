import PayCore

/// What a page of orders is filtered by. Every filter is served by an index on (column, created_at, id)
/// or narrows the walk of `orders_created` by a residual test; the identifier and the attempt
/// status are `id IN (…)` sets built from their own indexes.
public struct OrderFilter: Hashable, Sendable {
    public var status: OrderStatus?
    public var businessLine: BusinessLineCode?
    public var channel: String?
    public var since: Timestamp?
    public var until: Timestamp?
    /// Only orders this operator rang up or took a payment for (a cashier's own sales).
    public var operatorName: String?
    /// Orders in none of these statuses (`!refunded`).
    public var excludedStatuses: [OrderStatus]
    /// Orders with at least one payment attempt in this status (`status:unknown`).
    public var attemptStatus: AttemptStatus?
    /// Orders with no payment attempt in any of these statuses (`!unknown`).
    public var excludedAttemptStatuses: [AttemptStatus]
    /// Bounds on the amount, in major units of each order's own currency (`amount>100`).
    public var amounts: [AmountBound]
    /// Orders that this identifier names: order no, any serial, any channel serial, refund no, customer id.
    public var identifier: String?

    public init(status: OrderStatus? = nil, businessLine: BusinessLineCode? = nil, channel: String? = nil,
                since: Timestamp? = nil, until: Timestamp? = nil, operatorName: String? = nil,
                excludedStatuses: [OrderStatus] = [], attemptStatus: AttemptStatus? = nil,
                excludedAttemptStatuses: [AttemptStatus] = [], amounts: [AmountBound] = [], identifier: String? = nil) {
        self.status = status
        self.businessLine = businessLine
        self.channel = channel
        self.since = since
        self.until = until
        self.operatorName = operatorName
        self.excludedStatuses = excludedStatuses
        self.attemptStatus = attemptStatus
        self.excludedAttemptStatuses = excludedAttemptStatuses
        self.amounts = amounts
        self.identifier = identifier
    }
}

/// Where a page ends: the (created_at, id) of its last order. Text form "<millis>-<id>".
public struct OrderCursor: Hashable, Sendable, CustomStringConvertible {
    public let createdAt: Int64
    public let id: Int64

    public init(createdAt: Int64, id: Int64) {
        self.createdAt = createdAt
        self.id = id
    }

    public init(_ text: String, field: String = "cursor") throws(PayError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let createdAt = Int64(parts[0]), let id = Int64(parts[1]), id > 0 else {
            throw PayError.invalidInput("\(field) '\(text)': not a cursor; pass the `next` value of the previous page")
        }
        self.init(createdAt: createdAt, id: id)
    }

    public var description: String { "\(createdAt)-\(id)" }
}

/// An order's status and amounts: what settling a payment reads of it.
public struct OrderBalance: Hashable, Sendable {
    public let id: Int64
    public let businessLine: BusinessLineCode
    public let orderNo: MerchantOrderNo
    public let amount: Money
    public let paidAmount: Money
    public let status: OrderStatus
}

/// An order's row as an update returned it (`OrderRepository.payInFull`): its status and amounts
/// at once, and the whole order given its lines, which never change once it exists.
public struct UpdatedOrder {
    let row: Row
    let repository: OrderRepository

    public var id: Int64 { row.int64("id") }
    public var businessLine: BusinessLineCode { BusinessLineCode(stored: row.string("business_line")) }

    /// The order with the items and sub-orders of `known` (the same order, read before); read
    /// from the store when `known` is another order.
    public func order(linesOf known: Order) throws -> Order {
        guard known.id == id else { return try repository.decode(row) }
        return try repository.decode(row, items: known.items, subOrders: known.subOrders)
    }
}

/// Orders, their line items and sub-orders.
public struct OrderRepository {
    let db: Connection

    /// Creates the order, or returns the existing one when the same business line and order no
    /// were already created with the same parameters (`created == false`). Other parameters under
    /// a taken order no are a conflict. Call inside a write transaction.
    public func create(_ draft: OrderDraft, serial: Serial, at now: Timestamp, operator: String?) throws -> (order: Order, created: Bool) {
        if let existing = try find(draft.businessLine, draft.orderNo) {
            guard existing.matches(draft) else {
                throw PayError.conflict("order no '\(draft.orderNo)' of \(draft.businessLine) is taken by an order with other parameters (\(existing.amount.decimalString) \(existing.amount.currency), \(existing.status.rawValue))")
            }
            return (existing, false)
        }
        try db.execute("""
            INSERT INTO orders (serial, business_line, order_no, amount_minor, currency, customer_id, attributes, status,
                                operator, created_at, updated_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [serial.rawValue, draft.businessLine.rawValue, draft.orderNo.rawValue, draft.amount.minorUnits,
                  draft.amount.currency.code, draft.customerId, JSONText.encode(draft.attributes),
                  OrderStatus.created.rawValue, `operator`, now.milliseconds, now.milliseconds,
                  now.milliseconds + draft.expiresInMilliseconds])
        let id = db.lastInsertRowID
        for (position, item) in draft.items.enumerated() {
            try db.execute("INSERT INTO order_items (order_id, position, name, quantity, unit_price_minor) VALUES (?, ?, ?, ?, ?)",
                           [id, position, item.name, item.quantity, item.unitPrice.minorUnits])
        }
        for (position, sub) in draft.subOrders.enumerated() {
            try db.execute("INSERT INTO sub_orders (order_id, position, merchant_account, amount_minor) VALUES (?, ?, ?, ?)",
                           [id, position, sub.merchantAccount, sub.amount.minorUnits])
        }
        guard let order = try find(id: id) else { throw PayError.internal("order \(id) vanished after insert") }
        return (order, true)
    }

    public func find(id: Int64) throws -> Order? {
        try db.row("SELECT * FROM orders WHERE id = ?", [id]).map(decode)
    }

    public func find(_ businessLine: BusinessLineCode, _ orderNo: MerchantOrderNo) throws -> Order? {
        try db.row("SELECT * FROM orders WHERE business_line = ? AND order_no = ?", [businessLine.rawValue, orderNo.rawValue]).map(decode)
    }

    public func find(serial: Serial) throws -> Order? {
        try db.row("SELECT * FROM orders WHERE serial = ?", [serial.rawValue]).map(decode)
    }

    /// Orders that any identifier names: an order no (in any business line), the order's serial,
    /// a payment serial or channel serial, a refund serial, channel refund serial or refund no.
    public func lookup(_ identifier: String) throws -> [Order] {
        let rows = try db.rows("""
            SELECT * FROM orders WHERE id IN (
                SELECT id FROM orders WHERE order_no = ?1
                UNION SELECT id FROM orders WHERE serial = ?1
                UNION SELECT order_id FROM payment_attempts WHERE serial = ?1
                UNION SELECT order_id FROM payment_attempts WHERE channel_serial = ?1
                UNION SELECT order_id FROM refunds WHERE serial = ?1
                UNION SELECT order_id FROM refunds WHERE channel_refund_serial = ?1
                UNION SELECT order_id FROM refunds WHERE refund_no = ?1
            ) ORDER BY created_at DESC, id DESC LIMIT 50
            """, [identifier])
        return try rows.map(decode)
    }

    /// One page of orders, newest first, after `cursor`; `next` is set when more may follow.
    public func page(_ filter: OrderFilter, after cursor: OrderCursor?, limit: Int) throws -> (orders: [Order], next: OrderCursor?) {
        let (orders, more) = try page(filter, at: cursor.map { .after($0) } ?? .newest, limit: limit)
        let next = more ? orders.last.map { OrderCursor(createdAt: $0.createdAt.milliseconds, id: $0.id) } : nil
        return (orders, next)
    }

    /// Moves an order from `from` to `to` with its amounts, only if it is still in `from`.
    /// Returns false when another writer moved it first (nothing changed).
    public func transition(_ id: Int64, from: OrderStatus, to: OrderStatus, paidMinor: Int64? = nil,
                           refundedMinor: Int64? = nil, channel: String? = nil, at now: Timestamp) throws -> Bool {
        try from.checkMove(to: to, subject: "order \(id)")
        return try db.execute("""
            UPDATE orders SET status = ?, paid_minor = coalesce(?, paid_minor), refunded_minor = coalesce(?, refunded_minor),
                              channel = coalesce(?, channel), updated_at = ?
            WHERE id = ? AND status = ?
            """, [to.rawValue, paidMinor, refundedMinor, channel, now.milliseconds, id, from.rawValue]) == 1
    }

    /// Records which channel the order is being paid through (for browsing by channel).
    public func setChannel(_ id: Int64, channel: String) throws {
        try db.execute("UPDATE orders SET channel = ? WHERE id = ?", [channel, id])
    }

    /// Marks the order changed (its merchant notification then carries the current state).
    public func touch(_ id: Int64, at now: Timestamp) throws {
        try db.execute("UPDATE orders SET updated_at = ? WHERE id = ?", [now.milliseconds, id])
    }

    /// Unpaid orders (CREATED or PAYING) whose expiry has passed, the longest expired first.
    public func expired(at now: Timestamp, limit: Int) throws -> [Order] {
        try db.rows("""
            SELECT * FROM orders WHERE status IN (?, ?) AND expires_at <= ? ORDER BY expires_at LIMIT ?
            """, [OrderStatus.created.rawValue, OrderStatus.paying.rawValue, now.milliseconds, limit]).map(decode)
    }

    /// The serials of every payment and refund of the orders that `orderNoOrSerial` names (an
    /// order no in any business line, or an order serial).
    public func attemptAndRefundSerials(of orderNoOrSerial: String) throws -> [String] {
        try db.rows("""
            SELECT a.serial FROM payment_attempts a JOIN orders o ON o.id = a.order_id WHERE o.order_no = ?1 OR o.serial = ?1
            UNION SELECT r.serial FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.order_no = ?1 OR o.serial = ?1
            """, [orderNoOrSerial]).map { $0.string("serial") }
    }

    public func count() throws -> Int64 { try db.scalarInt("SELECT count(*) FROM orders") ?? 0 }

    /// The order in `row` with its items and sub-orders, read in one statement.
    func decode(_ row: Row) throws -> Order {
        let id = row.int64("id")
        var items: [Row] = [], subs: [Row] = []
        for line in try db.rows(Self.linesSQL, [id]) {
            if line.int64("kind") == 0 { items.append(line) } else { subs.append(line) }
        }
        return try decode(row, itemRows: items, subRows: subs)
    }

    /// An order's items (kind 0) and sub-orders (kind 1) in one statement, with the column names
    /// `decode(_:itemRows:subRows:)` reads.
    static let linesSQL = """
        SELECT 0 AS kind, position, name, quantity, unit_price_minor, NULL AS merchant_account, NULL AS amount_minor
        FROM order_items WHERE order_id = ?1
        UNION ALL
        SELECT 1, position, NULL, NULL, NULL, merchant_account, amount_minor FROM sub_orders WHERE order_id = ?1
        ORDER BY 1, 2
        """

    /// What settling a payment needs of its order — status and amounts — in one statement,
    /// without its items.
    public func balance(id: Int64) throws -> OrderBalance? {
        try db.row("SELECT id, business_line, order_no, currency, amount_minor, paid_minor, status FROM orders WHERE id = ?", [id]).map { row in
            let currency = try Currency.parse(row.string("currency"))
            return OrderBalance(id: row.int64("id"), businessLine: BusinessLineCode(stored: row.string("business_line")),
                                orderNo: MerchantOrderNo(stored: row.string("order_no")),
                                amount: Money(minorUnits: row.int64("amount_minor"), currency: currency),
                                paidAmount: Money(minorUnits: row.int64("paid_minor"), currency: currency),
                                status: try OrderStatus.parse(row.string("status")))
        }
    }

    /// Pays a PAYING order by `minor` more through `channel`: PAYING → PAID with the paid amount
    /// grown, only while it is PAYING and that covers its amount — one guarded update, which
    /// returns the order's row as it left it. Nil: the order was not so (nothing written); the
    /// caller reads its `balance` to say how. why RETURNING: the row is needed after the move (the
    /// merchant notification's line, the payer's outcome) and reading it first would be a statement
    /// more on every payment (SQLite ≥ 3.35 and PostgreSQL both have it).
    public func payInFull(_ id: Int64, adding minor: Int64, channel: String, at now: Timestamp) throws -> UpdatedOrder? {
        try OrderStatus.paying.checkMove(to: .paid, subject: "order \(id)")
        return try db.rows("""
            UPDATE orders SET status = ?, paid_minor = paid_minor + ?, channel = ?, updated_at = ?
            WHERE id = ? AND status = ? AND paid_minor + ? >= amount_minor
            RETURNING *
            """, [OrderStatus.paid.rawValue, minor, channel, now.milliseconds, id, OrderStatus.paying.rawValue, minor]).first
            .map { UpdatedOrder(row: $0, repository: self) }
    }

    /// Marks the order as being paid through `channel` — CREATED → PAYING, or a PAYING order's
    /// channel — only while it is still in `from` and has not expired at `now`: one guarded
    /// update. False: it changed or expired since the caller read it (nothing written).
    public func startPaying(_ id: Int64, from: OrderStatus, channel: String, at now: Timestamp) throws -> Bool {
        switch from {
        case .created:
            try from.checkMove(to: .paying, subject: "order \(id)")
            return try db.execute("""
                UPDATE orders SET status = ?, channel = ?, updated_at = ? WHERE id = ? AND status = ? AND expires_at > ?
                """, [OrderStatus.paying.rawValue, channel, now.milliseconds, id, from.rawValue, now.milliseconds]) == 1
        case .paying:
            return try db.execute("UPDATE orders SET channel = ? WHERE id = ? AND status = ? AND expires_at > ?",
                                  [channel, id, from.rawValue, now.milliseconds]) == 1
        default:
            return false
        }
    }

    /// The order in `row` with its items and sub-orders from rows of `OrderSQL.items` and `OrderSQL.subOrders`.
    func decode(_ row: Row, itemRows: [Row], subRows: [Row]) throws -> Order {
        let currency = try Currency.parse(row.string("currency"))
        let items = try itemRows.map { item in
            try LineItem(name: item.string("name"), quantity: item.int64("quantity"),
                         unitPrice: Money(minorUnits: item.int64("unit_price_minor"), currency: currency))
        }
        let subs = try subRows.map { sub in
            try SubOrder(merchantAccount: sub.string("merchant_account"),
                         amount: Money(minorUnits: sub.int64("amount_minor"), currency: currency))
        }
        return try decode(row, items: items, subOrders: subs)
    }

    /// The order's row read again, with the items and sub-orders of `known` (the same order as
    /// read before: items and sub-orders never change once the order exists) — one statement.
    public func find(id: Int64, linesOf known: Order) throws -> Order? {
        guard known.id == id else { return try find(id: id) }
        return try db.row("SELECT * FROM orders WHERE id = ?", [id]).map { row in
            try decode(row, items: known.items, subOrders: known.subOrders)
        }
    }

    func decode(_ row: Row, items: [LineItem], subOrders subs: [SubOrder]) throws -> Order {
        let id = row.int64("id")
        let currency = try Currency.parse(row.string("currency"))
        return Order(
            id: id,
            serial: Serial(stored: row.string("serial")),
            businessLine: BusinessLineCode(stored: row.string("business_line")),
            orderNo: MerchantOrderNo(stored: row.string("order_no")),
            amount: Money(minorUnits: row.int64("amount_minor"), currency: currency),
            customerId: row.optionalString("customer_id"),
            items: items,
            subOrders: subs,
            attributes: JSONText.decode(row.string("attributes")),
            status: try OrderStatus.parse(row.string("status")),
            channel: row.optionalString("channel"),
            operatorName: row.optionalString("operator"),
            paidAmount: Money(minorUnits: row.int64("paid_minor"), currency: currency),
            refundedAmount: Money(minorUnits: row.int64("refunded_minor"), currency: currency),
            createdAt: Timestamp(milliseconds: row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: row.int64("updated_at")),
            expiresAt: Timestamp(milliseconds: row.int64("expires_at")))
    }
}
