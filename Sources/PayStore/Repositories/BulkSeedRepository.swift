import PayCore

/// One order to seed in bulk (`paydesk bench browse`): paid in full by one succeeded payment, and
/// refunded in full by one succeeded refund when `refund` is given.
public struct SettledOrderSeed {
    public var orderSerial: Serial
    public var businessLine: String
    public var orderNo: String
    public var amount: Money
    public var customerId: String
    public var method: PaymentMethod
    public var mode: String
    public var channel: String
    public var account: String
    public var paymentSerial: Serial
    public var channelSerial: String
    public var refund: (serial: Serial, channelRefundSerial: String)?
    public var createdAt: Timestamp
    public var expiresAt: Timestamp

    public init(orderSerial: Serial, businessLine: String, orderNo: String, amount: Money, customerId: String,
                method: PaymentMethod, mode: String, channel: String, account: String, paymentSerial: Serial,
                channelSerial: String, refund: (serial: Serial, channelRefundSerial: String)?, createdAt: Timestamp,
                expiresAt: Timestamp) {
        self.orderSerial = orderSerial
        self.businessLine = businessLine
        self.orderNo = orderNo
        self.amount = amount
        self.customerId = customerId
        self.method = method
        self.mode = mode
        self.channel = channel
        self.account = account
        self.paymentSerial = paymentSerial
        self.channelSerial = channelSerial
        self.refund = refund
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Bulk seeding of settled orders for benchmarks, bypassing the services: each order is written
/// in its final state at once, the caller's transaction batching the inserts.
public struct BulkSeedRepository {
    let db: Connection

    /// Inserts the order, its succeeded payment and, if any, its succeeded refund.
    public func insertSettled(_ seed: SettledOrderSeed) throws {
        let refunded = seed.refund != nil
        let created = seed.createdAt.milliseconds
        try db.execute("""
            INSERT INTO orders (serial, business_line, order_no, amount_minor, currency, customer_id, status, channel,
                                paid_minor, refunded_minor, created_at, updated_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [seed.orderSerial.rawValue, seed.businessLine, seed.orderNo, seed.amount.minorUnits, seed.amount.currency.code,
                  seed.customerId, refunded ? OrderStatus.refunded.rawValue : OrderStatus.paid.rawValue, seed.channel,
                  seed.amount.minorUnits, refunded ? seed.amount.minorUnits : 0, created, created, seed.expiresAt.milliseconds])
        let orderId = db.lastInsertRowID
        try db.execute("""
            INSERT INTO payment_attempts (serial, order_id, method, mode, channel, account_id, amount_minor, currency, status,
                                          channel_serial, customer_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [seed.paymentSerial.rawValue, orderId, seed.method.rawValue, seed.mode, seed.channel, seed.account,
                  seed.amount.minorUnits, seed.amount.currency.code, AttemptStatus.succeeded.rawValue, seed.channelSerial,
                  seed.customerId, created, created])
        if let refund = seed.refund {
            try db.execute("""
                INSERT INTO refunds (serial, attempt_id, order_id, amount_minor, currency, status, channel_refund_serial,
                                     created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [refund.serial.rawValue, db.lastInsertRowID, orderId, seed.amount.minorUnits, seed.amount.currency.code,
                      RefundStatus.succeeded.rawValue, refund.channelRefundSerial, created, created])
        }
    }

    /// The id of the refund at `offset` in id order (a sample deep in a seeded store).
    public func refundId(atOffset offset: Int) throws -> Int64? {
        try db.scalarInt("SELECT id FROM refunds ORDER BY id LIMIT 1 OFFSET ?", [offset])
    }

    /// Refreshes the statistics the query planner uses, after a bulk load.
    public func analyze() throws {
        try db.execute("ANALYZE")
    }
}
