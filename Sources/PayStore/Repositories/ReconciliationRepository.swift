import PayCore

/// A center record (attempt or refund) as a reconciliation compares it with a bill line.
public struct CenterRecord: Sendable {
    public var kind: ReconciliationKind
    /// The attempt's id, or the refund's.
    public var id: Int64
    public var orderId: Int64
    /// For a refund: the attempt it refunds.
    public var attemptId: Int64
    public var serial: String
    public var channelSerial: String?
    public var status: String
    public var amountMinor: Int64
    public var currency: String
    public var createdAt: Int64
    /// A refund: the amount of the payment it refunds (for the fee the channel gives back).
    public var paymentAmountMinor: Int64
}

/// What a run writes when it ends (its id and version are the store's).
public struct NewReconciliationRun: Sendable {
    public var account: String
    public var channel: String
    public var billDate: String
    public var status: ReconciliationStatus
    public var currency: Currency?
    public var billFile: String?
    public var billLines: Int
    public var bill: ReconciliationRun.Totals
    public var center: ReconciliationRun.Totals
    public var matched: Int
    public var matchedMinor: Int64
    public var mismatches: Int
    public var mismatchedMinor: Int64
    public var held: Int
    public var released: Int
    public var error: String?
    public var startedBy: String
    public var startedAt: Timestamp

    public init(account: String, channel: String, billDate: String, status: ReconciliationStatus, currency: Currency? = nil,
                billFile: String? = nil, billLines: Int = 0, bill: ReconciliationRun.Totals = .init(),
                center: ReconciliationRun.Totals = .init(), matched: Int = 0, matchedMinor: Int64 = 0, mismatches: Int = 0,
                mismatchedMinor: Int64 = 0, held: Int = 0, released: Int = 0, error: String? = nil, startedBy: String,
                startedAt: Timestamp) {
        self.account = account
        self.channel = channel
        self.billDate = billDate
        self.status = status
        self.currency = currency
        self.billFile = billFile
        self.billLines = billLines
        self.bill = bill
        self.center = center
        self.matched = matched
        self.matchedMinor = matchedMinor
        self.mismatches = mismatches
        self.mismatchedMinor = mismatchedMinor
        self.held = held
        self.released = released
        self.error = error
        self.startedBy = startedBy
        self.startedAt = startedAt
    }
}

/// Reconciliation runs, their mismatches and the holding pool (schema 19). Every state change is
/// a guarded update on the state read; a run's rows are written in the caller's one transaction.
public struct ReconciliationRepository {
    let db: Connection

    // MARK: Runs

    /// Inserts a finished run as the next version of its (account, date); the version is read and
    /// written in the caller's transaction and the unique key refuses a racing twin.
    public func insertRun(_ run: NewReconciliationRun, at now: Timestamp) throws -> ReconciliationRun {
        let version = (try db.scalarInt("SELECT max(version) FROM reconciliation_runs WHERE account_id = ? AND bill_date = ?",
                                         [run.account, run.billDate]) ?? 0) + 1
        try db.execute("""
            INSERT INTO reconciliation_runs (account_id, channel, bill_date, version, status, currency, bill_file, bill_lines,
                bill_payments, bill_paid_minor, bill_refunds, bill_refunded_minor, bill_fees_minor,
                center_payments, center_paid_minor, center_refunds, center_refunded_minor, expected_fees_minor,
                matched, matched_minor, mismatches, mismatched_minor, held, released, error, started_by, started_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [run.account, run.channel, run.billDate, version, run.status.rawValue, run.currency?.code, run.billFile, run.billLines,
                  run.bill.payments, run.bill.paid, run.bill.refunds, run.bill.refunded, run.bill.fees,
                  run.center.payments, run.center.paid, run.center.refunds, run.center.refunded, run.center.fees,
                  run.matched, run.matchedMinor, run.mismatches, run.mismatchedMinor, run.held, run.released, run.error,
                  run.startedBy, run.startedAt.milliseconds, now.milliseconds])
        guard let stored = try self.run(id: db.lastInsertRowID) else { throw PayError.internal("reconciliation run vanished after insert") }
        return stored
    }

    public func run(id: Int64) throws -> ReconciliationRun? {
        try db.row("SELECT * FROM reconciliation_runs WHERE id = ?", [id]).map(Self.decodeRun)
    }

    /// The runs, newest bill date first, every version (the latest first), optionally of one date
    /// or account, at most `limit`.
    public func runs(date: String? = nil, account: String? = nil, limit: Int = 200) throws -> [ReconciliationRun] {
        try db.rows("""
            SELECT * FROM reconciliation_runs
            WHERE (? IS NULL OR bill_date = ?) AND (? IS NULL OR account_id = ?)
            ORDER BY bill_date DESC, account_id, version DESC LIMIT ?
            """, [date, date, account, account, limit]).map(Self.decodeRun)
    }

    /// The latest version of (account, date), if it was ever run.
    public func latestRun(account: String, date: String) throws -> ReconciliationRun? {
        try db.row("SELECT * FROM reconciliation_runs WHERE account_id = ? AND bill_date = ? ORDER BY version DESC LIMIT 1",
                   [account, date]).map(Self.decodeRun)
    }

    /// Mismatch counts and sums per type of one run (from its items, the one source).
    public func typeCounts(runId: Int64) throws -> [(type: MismatchType, count: Int, minor: Int64)] {
        try db.rows("""
            SELECT type, count(*) AS n, sum(coalesce(channel_amount_minor, center_amount_minor, 0)) AS minor
            FROM reconciliation_items WHERE run_id = ? GROUP BY type ORDER BY type
            """, [runId]).compactMap { row in
            MismatchType(rawValue: row.string("type")).map { ($0, row.int("n"), row.int64("minor")) }
        }
    }

    // MARK: Mismatches

    /// Inserts a mismatch of a run, OPEN (or RESOLVED when `carried` copies an earlier version's resolution).
    @discardableResult
    public func insertItem(_ item: Mismatch) throws -> Int64 {
        try db.execute("""
            INSERT INTO reconciliation_items (run_id, type, kind, match_key, order_id, attempt_id, refund_id,
                center_serial, center_status, center_amount_minor, center_currency, center_fee_minor, center_time,
                channel_serial, channel_center_serial, channel_outcome, channel_amount_minor, channel_currency, channel_fee_minor,
                channel_time, bill_line, note, state, resolution, reason, resolved_by, approved_by, resolved_at, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [item.runId, item.type.rawValue, item.type.kind.rawValue, item.key, item.orderId, item.attemptId, item.refundId,
                  item.center?.serial, item.center?.status, item.center?.amount.minorUnits, item.center?.amount.currency.code,
                  item.center?.fee?.minorUnits, item.center?.time.milliseconds,
                  item.channel?.serial, item.channel?.centerSerial, item.channel?.outcome, item.channel?.amount.minorUnits,
                  item.channel?.amount.currency.code, item.channel?.fee.minorUnits, item.channel?.time.milliseconds, item.channel?.line,
                  item.note, item.state.rawValue, item.resolution?.rawValue, item.reason, item.resolvedBy, item.approvedBy,
                  item.resolvedAt?.milliseconds, item.outcome])
        return db.lastInsertRowID
    }

    public func items(runId: Int64) throws -> [Mismatch] {
        try db.rows("SELECT * FROM reconciliation_items WHERE run_id = ? ORDER BY id", [runId]).map(Self.decodeItem)
    }

    public func item(id: Int64) throws -> Mismatch? {
        try db.row("SELECT * FROM reconciliation_items WHERE id = ?", [id]).map(Self.decodeItem)
    }

    /// The resolved mismatch of the same type and key in an earlier version of (account, date),
    /// whose resolution a re-run carries over instead of asking again.
    public func resolvedEarlier(account: String, date: String, type: MismatchType, key: String, beforeRun runId: Int64) throws -> Mismatch? {
        try db.row("""
            SELECT i.* FROM reconciliation_items i JOIN reconciliation_runs r ON r.id = i.run_id
            WHERE i.match_key = ? AND i.type = ? AND i.state = ? AND r.account_id = ? AND r.bill_date = ? AND r.id < ?
            ORDER BY i.id DESC LIMIT 1
            """, [key, type.rawValue, MismatchState.resolved.rawValue, account, date, runId]).map(Self.decodeItem)
    }

    /// Marks an OPEN mismatch resolved; false when someone else resolved it first.
    public func resolve(_ id: Int64, as resolution: MismatchResolution, reason: String, by: String, approvedBy: String?,
                        outcome: String, at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE reconciliation_items SET state = ?, resolution = ?, reason = ?, resolved_by = ?, approved_by = ?, resolved_at = ?, outcome = ?
            WHERE id = ? AND state = ?
            """, [MismatchState.resolved.rawValue, resolution.rawValue, reason, by, approvedBy, now.milliseconds, outcome,
                  id, MismatchState.open.rawValue]) == 1
    }

    // MARK: Holding pool

    /// The records of `account` still waiting, oldest first.
    public func waiting(account: String) throws -> [PoolEntry] {
        try db.rows("SELECT * FROM reconciliation_pool WHERE account_id = ? AND state = ? ORDER BY first_date, id",
                    [account, PoolState.waiting.rawValue]).map(Self.decodePool)
    }

    /// What a run of `date` starts from: the entries first seen before it that still wait, or that
    /// an earlier version of `date` itself matched or expired (a re-run undoes that first).
    public func open(account: String, before date: String, orClosedOn closed: String) throws -> [PoolEntry] {
        try db.rows("""
            SELECT * FROM reconciliation_pool WHERE account_id = ? AND first_date < ? AND (state = ? OR closed_date = ?)
            ORDER BY first_date, id
            """, [account, date, PoolState.waiting.rawValue, closed]).map(Self.decodePool)
    }

    /// Every pool entry of an account (any state), newest first, at most `limit`.
    public func pool(account: String, limit: Int = 200) throws -> [PoolEntry] {
        try db.rows("SELECT * FROM reconciliation_pool WHERE account_id = ? ORDER BY first_date DESC, id DESC LIMIT ?",
                    [account, limit]).map(Self.decodePool)
    }

    /// Puts a record in the pool; false when that record (account, kind, side, key) is there already.
    public func hold(_ entry: PoolEntry) throws -> Bool {
        try db.execute("""
            INSERT INTO reconciliation_pool (account_id, kind, side, match_key, center_serial, channel_serial, attempt_id, refund_id,
                outcome, amount_minor, currency, fee_minor, time, bill_line, first_date, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, kind, side, match_key) DO NOTHING
            """, [entry.account, entry.kind.rawValue, entry.side.rawValue, entry.key, entry.centerSerial, entry.channelSerial,
                  entry.attemptId, entry.refundId, entry.outcome, entry.amount.minorUnits, entry.amount.currency.code,
                  entry.fee.minorUnits, entry.time.milliseconds, entry.billLine, entry.firstDate, PoolState.waiting.rawValue]) == 1
    }

    /// Moves a WAITING entry to MATCHED or EXPIRED on `date`; false when it no longer waits.
    public func close(_ id: Int64, as state: PoolState, on date: String) throws -> Bool {
        try db.execute("UPDATE reconciliation_pool SET state = ?, closed_date = ? WHERE id = ? AND state = ?",
                       [state.rawValue, date, id, PoolState.waiting.rawValue]) == 1
    }

    /// Before a date is run again: what its earlier versions took out of the pool waits again,
    /// and what they put in and is still waiting is taken back (the re-run puts it in again).
    public func undo(account: String, date: String) throws {
        for state in [PoolState.matched, PoolState.expired] {
            try db.execute("UPDATE reconciliation_pool SET state = ?, closed_date = NULL WHERE account_id = ? AND closed_date = ? AND state = ?",
                           [PoolState.waiting.rawValue, account, date, state.rawValue])
        }
        try db.execute("DELETE FROM reconciliation_pool WHERE account_id = ? AND first_date = ? AND state = ?",
                       [account, date, PoolState.waiting.rawValue])
    }

    // MARK: The center's records

    /// The attempts of `account` created in [from, to), one at a time (served by
    /// `payment_attempts_account_created`).
    public func forEachAttempt(account: String, from: Timestamp, to: Timestamp, _ body: (CenterRecord) throws -> Void) throws {
        try db.forEachRow("""
            SELECT id, order_id, serial, channel_serial, status, amount_minor, currency, created_at FROM payment_attempts
            WHERE account_id = ? AND created_at >= ? AND created_at < ?
            """, [account, from.milliseconds, to.milliseconds]) { row in
            try body(Self.attemptRecord(row))
        }
    }

    /// The refunds of `account`'s attempts created in [from, to), one at a time (served by `refunds_created`).
    public func forEachRefund(account: String, from: Timestamp, to: Timestamp, _ body: (CenterRecord) throws -> Void) throws {
        try db.forEachRow("""
            SELECT r.id, r.order_id, r.attempt_id, r.serial, r.channel_refund_serial, r.status, r.amount_minor, r.currency, r.created_at,
                   a.amount_minor AS payment_minor
            FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
            WHERE r.created_at >= ? AND r.created_at < ? AND a.account_id = ?
            """, [from.milliseconds, to.milliseconds, account]) { row in
            try body(Self.refundRecord(row))
        }
    }

    /// The attempt of `account` with this channel serial, else with this center serial.
    public func attempt(account: String, channelSerial: String, centerSerial: String) throws -> CenterRecord? {
        let columns = "id, order_id, serial, channel_serial, status, amount_minor, currency, created_at"
        if !channelSerial.isEmpty, let row = try db.row("SELECT \(columns) FROM payment_attempts WHERE channel_serial = ? AND account_id = ?",
                                                        [channelSerial, account]) {
            return Self.attemptRecord(row)
        }
        guard !centerSerial.isEmpty else { return nil }
        return try db.row("SELECT \(columns) FROM payment_attempts WHERE serial = ? AND account_id = ?", [centerSerial, account])
            .map(Self.attemptRecord)
    }

    /// The refund of `account` with this channel refund serial, else with this center serial.
    public func refund(account: String, channelSerial: String, centerSerial: String) throws -> CenterRecord? {
        let select = """
            SELECT r.id, r.order_id, r.attempt_id, r.serial, r.channel_refund_serial, r.status, r.amount_minor, r.currency, r.created_at,
                   a.amount_minor AS payment_minor
            FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
            """
        if !channelSerial.isEmpty, let row = try db.row(select + " WHERE r.channel_refund_serial = ? AND a.account_id = ?", [channelSerial, account]) {
            return Self.refundRecord(row)
        }
        guard !centerSerial.isEmpty else { return nil }
        return try db.row(select + " WHERE r.serial = ? AND a.account_id = ?", [centerSerial, account]).map(Self.refundRecord)
    }

    /// The attempt or refund of a pool entry or mismatch, read again.
    public func record(kind: ReconciliationKind, id: Int64) throws -> CenterRecord? {
        switch kind {
        case .payment:
            return try db.row("SELECT id, order_id, serial, channel_serial, status, amount_minor, currency, created_at FROM payment_attempts WHERE id = ?",
                              [id]).map(Self.attemptRecord)
        case .refund:
            return try db.row("""
                SELECT r.id, r.order_id, r.attempt_id, r.serial, r.channel_refund_serial, r.status, r.amount_minor, r.currency, r.created_at,
                       a.amount_minor AS payment_minor
                FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id WHERE r.id = ?
                """, [id]).map(Self.refundRecord)
        }
    }

    // MARK: Decoding

    static func attemptRecord(_ row: Row) -> CenterRecord {
        let amount = row.int64("amount_minor")
        return CenterRecord(kind: .payment, id: row.int64("id"), orderId: row.int64("order_id"), attemptId: row.int64("id"),
                            serial: row.string("serial"), channelSerial: row.optionalString("channel_serial"), status: row.string("status"),
                            amountMinor: amount, currency: row.string("currency"), createdAt: row.int64("created_at"), paymentAmountMinor: amount)
    }

    static func refundRecord(_ row: Row) -> CenterRecord {
        CenterRecord(kind: .refund, id: row.int64("id"), orderId: row.int64("order_id"), attemptId: row.int64("attempt_id"),
                     serial: row.string("serial"), channelSerial: row.optionalString("channel_refund_serial"), status: row.string("status"),
                     amountMinor: row.int64("amount_minor"), currency: row.string("currency"), createdAt: row.int64("created_at"),
                     paymentAmountMinor: row.int64("payment_minor"))
    }

    static func money(_ minor: Int64?, _ code: String?) -> Money? {
        guard let minor, let code, let currency = Currency(code: code) else { return nil }
        return Money(minorUnits: minor, currency: currency)
    }

    static func decodeRun(_ row: Row) -> ReconciliationRun {
        ReconciliationRun(
            id: row.int64("id"), account: row.string("account_id"), channel: row.string("channel"), billDate: row.string("bill_date"),
            version: row.int("version"), status: ReconciliationStatus(rawValue: row.string("status")) ?? .failed,
            currency: row.optionalString("currency").flatMap { Currency(code: $0) }, billFile: row.optionalString("bill_file"),
            billLines: row.int("bill_lines"),
            bill: .init(payments: row.int("bill_payments"), paid: row.int64("bill_paid_minor"), refunds: row.int("bill_refunds"),
                        refunded: row.int64("bill_refunded_minor"), fees: row.int64("bill_fees_minor")),
            center: .init(payments: row.int("center_payments"), paid: row.int64("center_paid_minor"), refunds: row.int("center_refunds"),
                          refunded: row.int64("center_refunded_minor"), fees: row.int64("expected_fees_minor")),
            matched: row.int("matched"), matchedMinor: row.int64("matched_minor"), mismatches: row.int("mismatches"),
            mismatchedMinor: row.int64("mismatched_minor"), held: row.int("held"), released: row.int("released"),
            error: row.optionalString("error"), startedBy: row.string("started_by"),
            startedAt: Timestamp(milliseconds: row.int64("started_at")), finishedAt: Timestamp(milliseconds: row.int64("finished_at")))
    }

    static func decodeItem(_ row: Row) -> Mismatch {
        var center: CenterTradeView?
        if let serial = row.optionalString("center_serial"),
           let amount = money(row.optionalInt64("center_amount_minor"), row.optionalString("center_currency")) {
            center = CenterTradeView(serial: serial, status: row.string("center_status"), amount: amount,
                                     fee: row.optionalInt64("center_fee_minor").map { Money(minorUnits: $0, currency: amount.currency) },
                                     time: Timestamp(milliseconds: row.int64("center_time")))
        }
        var channel: ChannelTradeView?
        if let serial = row.optionalString("channel_serial"),
           let amount = money(row.optionalInt64("channel_amount_minor"), row.optionalString("channel_currency")) {
            channel = ChannelTradeView(serial: serial, centerSerial: row.string("channel_center_serial"), outcome: row.string("channel_outcome"),
                                       amount: amount, fee: Money(minorUnits: row.int64("channel_fee_minor"), currency: amount.currency),
                                       time: Timestamp(milliseconds: row.int64("channel_time")), line: row.int("bill_line"))
        }
        return Mismatch(
            id: row.int64("id"), runId: row.int64("run_id"), type: MismatchType(rawValue: row.string("type")) ?? .channelOnly,
            key: row.string("match_key"), orderId: row.optionalInt64("order_id"), attemptId: row.optionalInt64("attempt_id"),
            refundId: row.optionalInt64("refund_id"), center: center, channel: channel, note: row.string("note"),
            state: MismatchState(rawValue: row.string("state")) ?? .open,
            resolution: row.optionalString("resolution").flatMap(MismatchResolution.init(rawValue:)), reason: row.optionalString("reason"),
            resolvedBy: row.optionalString("resolved_by"), approvedBy: row.optionalString("approved_by"),
            resolvedAt: row.optionalInt64("resolved_at").map(Timestamp.init(milliseconds:)), outcome: row.optionalString("outcome"))
    }

    static func decodePool(_ row: Row) -> PoolEntry {
        let currency = Currency(code: row.string("currency")) ?? .CNY
        return PoolEntry(
            id: row.int64("id"), account: row.string("account_id"), kind: ReconciliationKind(rawValue: row.string("kind")) ?? .payment,
            side: ReconciliationSide(rawValue: row.string("side")) ?? .center, key: row.string("match_key"),
            centerSerial: row.optionalString("center_serial"), channelSerial: row.optionalString("channel_serial"),
            attemptId: row.optionalInt64("attempt_id"), refundId: row.optionalInt64("refund_id"), outcome: row.optionalString("outcome"),
            amount: Money(minorUnits: row.int64("amount_minor"), currency: currency), fee: Money(minorUnits: row.int64("fee_minor"), currency: currency),
            time: Timestamp(milliseconds: row.int64("time")), billLine: row.optionalInt64("bill_line").map(Int.init),
            firstDate: row.string("first_date"), state: PoolState(rawValue: row.string("state")) ?? .waiting,
            closedDate: row.optionalString("closed_date"))
    }
}

extension Store {
    public var reconciliation: ReconciliationRepository { ReconciliationRepository(db: db) }
}
