import PayCore

/// What a new attempt is made of; the store gives it its id and times.
public struct NewPaymentAttempt: Sendable {
    public var serial: Serial
    public var orderId: Int64
    public var method: PaymentMethod
    /// "barcode", "pay-code", "card", "balance" …: how the method was used.
    public var mode: String
    public var channel: String
    public var account: String
    public var amount: Money
    public var customerId: String?
    public var cardToken: String?
    public var cardBin: String?
    public var cardLast4: String?
    public var operatorName: String?

    public init(serial: Serial, orderId: Int64, method: PaymentMethod, mode: String, channel: String, account: String,
                amount: Money, customerId: String? = nil, cardToken: String? = nil, cardBin: String? = nil,
                cardLast4: String? = nil, operatorName: String? = nil) {
        self.serial = serial
        self.orderId = orderId
        self.method = method
        self.mode = mode
        self.channel = channel
        self.account = account
        self.amount = amount
        self.customerId = customerId
        self.cardToken = cardToken
        self.cardBin = cardBin
        self.cardLast4 = cardLast4
        self.operatorName = operatorName
    }
}

/// The fields a transition may set beside the status; nil leaves a field as it is.
public struct AttemptOutcome: Sendable {
    public var channelSerial: String?
    public var failureKind: FailureKind?
    public var failureCode: String?
    public var failureMessage: String?
    /// When the janitor should look at the attempt next (UNKNOWN and PENDING).
    public var nextCheckAt: Timestamp?

    public init(channelSerial: String? = nil, failureKind: FailureKind? = nil, failureCode: String? = nil,
                failureMessage: String? = nil, nextCheckAt: Timestamp? = nil) {
        self.channelSerial = channelSerial
        self.failureKind = failureKind
        self.failureCode = failureCode
        self.failureMessage = failureMessage
        self.nextCheckAt = nextCheckAt
    }
}

/// Payment attempts, with guarded status updates.
public struct PaymentAttemptRepository {
    let db: Connection

    /// Inserts the attempt in `status` (normally PROCESSING, committed before the channel is called).
    @discardableResult
    public func insert(_ attempt: NewPaymentAttempt, status: AttemptStatus = .processing, at now: Timestamp) throws -> PaymentAttempt {
        try db.execute("""
            INSERT INTO payment_attempts (serial, order_id, method, mode, channel, account_id, amount_minor, currency, status,
                                          customer_id, card_token, card_bin, card_last4, operator, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [attempt.serial.rawValue, attempt.orderId, attempt.method.rawValue, attempt.mode, attempt.channel,
                  attempt.account, attempt.amount.minorUnits, attempt.amount.currency.code, status.rawValue,
                  attempt.customerId, attempt.cardToken, attempt.cardBin, attempt.cardLast4, attempt.operatorName,
                  now.milliseconds, now.milliseconds])
        guard let stored = try find(id: db.lastInsertRowID) else { throw PayError.internal("attempt vanished after insert") }
        return stored
    }

    public func find(id: Int64) throws -> PaymentAttempt? {
        try db.row("SELECT * FROM payment_attempts WHERE id = ?", [id]).map(Self.decode)
    }

    public func find(serial: Serial) throws -> PaymentAttempt? {
        try db.row("SELECT * FROM payment_attempts WHERE serial = ?", [serial.rawValue]).map(Self.decode)
    }

    public func find(channel: String, channelSerial: String) throws -> PaymentAttempt? {
        try db.row("SELECT * FROM payment_attempts WHERE channel = ? AND channel_serial = ?", [channel, channelSerial]).map(Self.decode)
    }

    public func forOrder(_ orderId: Int64) throws -> [PaymentAttempt] {
        try db.rows("SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY id", [orderId]).map(Self.decode)
    }

    /// Moves the attempt from `from` to `to`, only if it is still in `from`, setting the outcome's
    /// fields. Returns false when another writer moved it first: the caller lost the race and
    /// nothing changed. An illegal transition is refused before the store is touched.
    public func transition(_ id: Int64, from: AttemptStatus, to: AttemptStatus, outcome: AttemptOutcome = AttemptOutcome(),
                           at now: Timestamp) throws -> Bool {
        try from.checkMove(to: to, subject: "payment attempt \(id)")
        if to == .succeeded {
            // why: an attempt that was UNKNOWN and then paid carries no failure any more.
            return try db.execute("""
                UPDATE payment_attempts
                SET status = ?, channel_serial = coalesce(?, channel_serial), failure_kind = NULL, failure_code = NULL,
                    failure_message = NULL, next_check_at = NULL, updated_at = ?
                WHERE id = ? AND status = ?
                """, [to.rawValue, outcome.channelSerial, now.milliseconds, id, from.rawValue]) == 1
        }
        return try db.execute("""
            UPDATE payment_attempts
            SET status = ?, channel_serial = coalesce(?, channel_serial), failure_kind = coalesce(?, failure_kind),
                failure_code = coalesce(?, failure_code), failure_message = coalesce(?, failure_message),
                next_check_at = ?, updated_at = ?
            WHERE id = ? AND status = ?
            """, [to.rawValue, outcome.channelSerial, outcome.failureKind?.rawValue, outcome.failureCode,
                  outcome.failureMessage, outcome.nextCheckAt?.milliseconds, now.milliseconds, id, from.rawValue]) == 1
    }

    /// Sets when the janitor looks at an open attempt next, and counts the look, if it is still
    /// in `status`.
    public func scheduleCheck(_ id: Int64, status: AttemptStatus, at next: Timestamp, now: Timestamp) throws {
        try db.execute("""
            UPDATE payment_attempts SET next_check_at = ?, check_count = check_count + 1, updated_at = ?
            WHERE id = ? AND status = ?
            """, [next.milliseconds, now.milliseconds, id, status.rawValue])
    }

    /// Keeps the acquirer's card token with the card's first 6 and last 4 digits: never more.
    public func setCardToken(_ id: Int64, token: String, bin: String, last4: String) throws {
        try db.execute("UPDATE payment_attempts SET card_token = ?, card_bin = ?, card_last4 = ? WHERE id = ?",
                       [token, String(bin.prefix(6)), String(last4.suffix(4)), id])
    }

    /// Marks a succeeded attempt as paying an order that was already paid: the duplicate scanner
    /// refunds it.
    public func markDuplicate(_ id: Int64, at now: Timestamp) throws {
        try db.execute("UPDATE payment_attempts SET duplicate = 1, updated_at = ? WHERE id = ? AND status = ?",
                       [now.milliseconds, id, AttemptStatus.succeeded.rawValue])
    }

    /// Holds (or releases) the automatic refund of a duplicate payment. False: no such duplicate.
    public func holdDuplicateRefund(_ id: Int64, hold: Bool) throws -> Bool {
        try db.execute("UPDATE payment_attempts SET duplicate_hold = ? WHERE id = ? AND duplicate = 1", [hold, id]) == 1
    }

    /// Whether the attempt is a duplicate payment, and whether its refund is held.
    public func duplicateState(_ id: Int64) throws -> (duplicate: Bool, held: Bool) {
        guard let row = try db.row("SELECT duplicate, duplicate_hold FROM payment_attempts WHERE id = ?", [id]) else { return (false, false) }
        return (row.bool("duplicate"), row.bool("duplicate_hold"))
    }

    /// The attempt's payment mode as recorded ("barcode", "pay-code", "card", "account").
    public func mode(_ id: Int64) throws -> String {
        try db.row("SELECT mode FROM payment_attempts WHERE id = ?", [id])?.string("mode") ?? ""
    }

    static func decode(_ row: Row) throws -> PaymentAttempt {
        let currency = try Currency.parse(row.string("currency"))
        return PaymentAttempt(
            id: row.int64("id"),
            serial: Serial(stored: row.string("serial")),
            orderId: row.int64("order_id"),
            method: try PaymentMethod.parse(row.string("method")),
            channel: row.string("channel"),
            account: row.string("account_id"),
            amount: Money(minorUnits: row.int64("amount_minor"), currency: currency),
            status: try AttemptStatus.parse(row.string("status")),
            channelSerial: row.optionalString("channel_serial"),
            failureKind: row.optionalString("failure_kind").flatMap { FailureKind(rawValue: $0) },
            failureCode: row.optionalString("failure_code"),
            failureMessage: row.optionalString("failure_message"),
            createdAt: Timestamp(milliseconds: row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: row.int64("updated_at")))
    }
}
