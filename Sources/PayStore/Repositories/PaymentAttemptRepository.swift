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
    /// The process that pays it (`ProcessIdentity.current`); it alone may claim it for the channel call.
    public var owner: String?

    public init(serial: Serial, orderId: Int64, method: PaymentMethod, mode: String, channel: String, account: String,
                amount: Money, customerId: String? = nil, cardToken: String? = nil, cardBin: String? = nil,
                cardLast4: String? = nil, operatorName: String? = nil, owner: String? = nil) {
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
        self.owner = owner
    }
}

/// The fields a transition may set beside the status; nil leaves a field as it is.
public struct AttemptOutcome: Sendable {
    /// The failure code a late success keeps (`recordLateSuccess`): SUCCEEDED at the channel, refunded.
    public static let lateSuccessCode = "LATE_SUCCESS"

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
                                          customer_id, card_token, card_bin, card_last4, operator, owner, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [attempt.serial.rawValue, attempt.orderId, attempt.method.rawValue, attempt.mode, attempt.channel,
                  attempt.account, attempt.amount.minorUnits, attempt.amount.currency.code, status.rawValue,
                  attempt.customerId, attempt.cardToken, attempt.cardBin, attempt.cardLast4, attempt.operatorName,
                  attempt.owner, now.milliseconds, now.milliseconds])
        return Self.inserted(attempt, id: db.lastInsertRowID, status: status, at: now)
    }

    /// The attempt just inserted, as a read would return it. why: the insert wrote every field
    /// the value holds (no trigger changes the row), so reading it back is a statement for nothing.
    static func inserted(_ attempt: NewPaymentAttempt, id: Int64, status: AttemptStatus, at now: Timestamp) -> PaymentAttempt {
        PaymentAttempt(id: id, serial: attempt.serial, orderId: attempt.orderId, method: attempt.method, channel: attempt.channel,
                       account: attempt.account, amount: attempt.amount, status: status, channelSerial: nil, failureKind: nil,
                       failureCode: nil, failureMessage: nil, createdAt: now, updatedAt: now)
    }

    /// Inserts the attempt as PROCESSING only if no other attempt of its order is in one of
    /// `blocking` — the check and the insert are one statement, so no writer can slip in between —
    /// and returns nil when one is. The store also allows one PROCESSING attempt per order (a
    /// unique index): two inserts racing past each other's check are refused the same way.
    public func insert(_ attempt: NewPaymentAttempt, unlessOrderHas blocking: [AttemptStatus], at now: Timestamp) throws -> PaymentAttempt? {
        guard !blocking.isEmpty else { return try insert(attempt, at: now) }
        let placeholders = Array(repeating: "?", count: blocking.count).joined(separator: ", ")
        var changed = 0
        var failure: SQLiteError?
        do {
            changed = try db.execute("""
                INSERT INTO payment_attempts (serial, order_id, method, mode, channel, account_id, amount_minor, currency, status,
                                              customer_id, card_token, card_bin, card_last4, operator, owner, created_at, updated_at)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
                WHERE NOT EXISTS (SELECT 1 FROM payment_attempts WHERE order_id = ? AND status IN (\(placeholders)))
                """, [attempt.serial.rawValue, attempt.orderId, attempt.method.rawValue, attempt.mode, attempt.channel,
                      attempt.account, attempt.amount.minorUnits, attempt.amount.currency.code, AttemptStatus.processing.rawValue,
                      attempt.customerId, attempt.cardToken, attempt.cardBin, attempt.cardLast4, attempt.operatorName,
                      attempt.owner, now.milliseconds, now.milliseconds, attempt.orderId] + blocking.map(\.rawValue))
        } catch {
            failure = error
        }
        if let failure {
            // why: the unique index on PROCESSING per order refused a writer that raced past the check.
            let processing = try db.scalarInt("SELECT count(*) FROM payment_attempts WHERE order_id = ? AND status = ?",
                                              [attempt.orderId, AttemptStatus.processing.rawValue]) ?? 0
            guard failure.isUniqueViolation, blocking.contains(.processing), processing > 0 else { throw failure }
            return nil
        }
        guard changed == 1 else { return nil }
        return Self.inserted(attempt, id: db.lastInsertRowID, status: .processing, at: now)
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

    /// The customer's attempts, oldest first.
    public func forCustomer(_ customer: String) throws -> [PaymentAttempt] {
        try db.rows("SELECT * FROM payment_attempts WHERE customer_id = ? ORDER BY created_at, id", [customer]).map(Self.decode)
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

    /// The attempt as `transition(current.id, from: current.status, to:, outcome:, at:)` leaves
    /// it when it returned true: the same fields the statements above set, beside them so one
    /// changes with the other. why: the settling transaction then needs no read after its update.
    public func transitioned(_ current: PaymentAttempt, to: AttemptStatus, outcome: AttemptOutcome, at now: Timestamp) -> PaymentAttempt {
        let succeeded = to == .succeeded
        return PaymentAttempt(id: current.id, serial: current.serial, orderId: current.orderId, method: current.method,
                              channel: current.channel, account: current.account, amount: current.amount, status: to,
                              channelSerial: outcome.channelSerial ?? current.channelSerial,
                              failureKind: succeeded ? nil : outcome.failureKind ?? current.failureKind,
                              failureCode: succeeded ? nil : outcome.failureCode ?? current.failureCode,
                              failureMessage: succeeded ? nil : outcome.failureMessage ?? current.failureMessage,
                              createdAt: current.createdAt, updatedAt: now)
    }

    /// The payer's last word before it calls the channel: true only when the attempt is still
    /// PROCESSING and `owner`'s, and then it is touched (so the janitor's minute starts again).
    /// False: the janitor (or anyone) took it over meanwhile, and the channel must not be called.
    public func claim(_ id: Int64, owner: String, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE payment_attempts SET updated_at = ? WHERE id = ? AND status = ? AND owner = ?",
                       [now.milliseconds, id, AttemptStatus.processing.rawValue, owner]) == 1
    }

    /// Records a late success (`AttemptStatus.lateSuccessFrom`): SUCCEEDED with the channel's
    /// serial, marked duplicate so the duplicate scanner refunds it, the earlier failure kept in
    /// `failure_message` for the timeline. Guarded on `from`; false when another writer moved it.
    public func recordLateSuccess(_ id: Int64, from: AttemptStatus, channelSerial: String, note: String, at now: Timestamp) throws -> Bool {
        guard AttemptStatus.lateSuccessFrom.contains(from) else {
            throw PayError.conflict("payment attempt \(id) cannot move from \(from.rawValue) to \(AttemptStatus.succeeded.rawValue)")
        }
        return try db.execute("""
            UPDATE payment_attempts
            SET status = ?, channel_serial = ?, failure_kind = NULL, failure_code = ?, failure_message = ?, next_check_at = NULL,
                duplicate = 1, updated_at = ?
            WHERE id = ? AND status = ?
            """, [AttemptStatus.succeeded.rawValue, channelSerial, AttemptOutcome.lateSuccessCode, note, now.milliseconds, id, from.rawValue]) == 1
    }

    /// PROCESSING attempts untouched since `before`: their payer stopped (or stalled) mid-call.
    public func processing(untouchedSince before: Timestamp, limit: Int) throws -> [PaymentAttempt] {
        try db.rows("SELECT * FROM payment_attempts WHERE status = ? AND updated_at <= ? ORDER BY id LIMIT ?",
                    [AttemptStatus.processing.rawValue, before.milliseconds, limit]).map(Self.decode)
    }

    /// UNKNOWN and PENDING attempts whose next look is due, soonest first, with their mode.
    public func dueForCheck(at now: Timestamp, limit: Int) throws -> [(attempt: PaymentAttempt, mode: String)] {
        try db.rows("""
            SELECT * FROM payment_attempts WHERE status IN (?, ?) AND next_check_at <= ? ORDER BY next_check_at LIMIT ?
            """, [AttemptStatus.unknown.rawValue, AttemptStatus.pending.rawValue, now.milliseconds, limit]).map { row in
            (try Self.decode(row), row.string("mode"))
        }
    }

    /// The order of the payment that a channel's serial names (on any channel).
    public func orderId(channelSerial serial: String) throws -> Int64? {
        try db.row("SELECT order_id FROM payment_attempts WHERE channel_serial = ? LIMIT 1", [serial])?.int64("order_id")
    }

    /// Whether `operatorName` took a payment (any attempt) of the order.
    public func taken(orderId: Int64, by operatorName: String) throws -> Bool {
        try db.row("SELECT 1 FROM payment_attempts WHERE order_id = ? AND operator = ? LIMIT 1", [orderId, operatorName]) != nil
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

    /// `setCardToken` in the connection's next transaction (the claim before the channel call, or
    /// the one that records the call's answer) instead of a commit of its own. why: the token is a
    /// record nothing reads back to pay or settle; the card's first 6 / last 4 are on the attempt
    /// from its insert.
    public func setCardTokenWithNextTransaction(_ id: Int64, token: String, bin: String, last4: String) {
        db.writeWithNextTransaction { (db: Connection) in
            try PaymentAttemptRepository(db: db).setCardToken(id, token: token, bin: bin, last4: last4)
        }
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
