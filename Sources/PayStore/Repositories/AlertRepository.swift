import PayCore

/// One row of `alerts`, every column.
public struct AlertRow: Sendable, Hashable {
    public let id: Int64
    public let rule: String
    /// The subject (`attempt:12`) of an event alert, the label fingerprint of a rule alert.
    public let key: String
    /// The labels as `AlertLabels.fingerprint` text.
    public let labels: String
    public let severity: String
    public let state: AlertState
    public let message: String
    public let count: Int64
    public let firstAt: Timestamp
    public let lastAt: Timestamp
    public let firedAt: Timestamp?
    public let clearedAt: Timestamp?
    public let value: String?
    public let threshold: String?
    public let inhibitedBy: Int64?
    public let silenceId: Int64?
    public let returnedFromSilence: Bool
    /// The last notice dispatched (`AlertNotice` raw value), "" for none.
    public let notified: String
    public let ackedBy: String?
    public let ackedAt: Timestamp?
    public let resolvedAt: Timestamp?

    init(_ row: Row) {
        id = row.int64("id")
        rule = row.string("rule")
        key = row.string("key")
        labels = row.string("labels")
        severity = row.string("severity")
        state = AlertState(rawValue: row.string("state")) ?? .resolved
        message = row.string("message")
        count = row.int64("count")
        firstAt = Timestamp(milliseconds: row.int64("first_at"))
        lastAt = Timestamp(milliseconds: row.int64("last_at"))
        firedAt = row.optionalInt64("fired_at").map(Timestamp.init(milliseconds:))
        clearedAt = row.optionalInt64("cleared_at").map(Timestamp.init(milliseconds:))
        value = row.optionalString("value")
        threshold = row.optionalString("threshold")
        inhibitedBy = row.optionalInt64("inhibited_by")
        silenceId = row.optionalInt64("silence_id")
        returnedFromSilence = row.bool("returned_from_silence")
        notified = row.string("notified")
        ackedBy = row.optionalString("acked_by")
        ackedAt = row.optionalInt64("acked_at").map(Timestamp.init(milliseconds:))
        resolvedAt = row.optionalInt64("resolved_at").map(Timestamp.init(milliseconds:))
    }
}

/// Alerts with throttling: one open alert per (rule, key) (a constraint: the partial unique index
/// on `open`); a firing while one is open only counts on it, so a failing job never raises a
/// storm. Every state change is guarded on the state read, and keeps `open` with it.
public struct AlertRepository {
    let db: Connection

    /// The cursor value of a resolved notice (`AlertNotice.resolved` in PayServices).
    public static let resolvedNotice = "resolved"

    /// Raises or counts an event alert (FIRING at once); returns its id and whether it was new.
    @discardableResult
    public func fire(rule: String, key: String, labels: String = "", severity: String, message: String,
                     at now: Timestamp) throws -> (id: Int64, new: Bool) {
        // why: alert text quotes reasons and channel messages; card data in them is never kept.
        let message = CardNumberMask.mask(message)
        // why twice: another process may insert between our update finding nothing and our insert.
        for _ in 0..<2 {
            if let row = try db.row("SELECT id FROM alerts WHERE rule = ? AND key = ? AND open = 1", [rule, key]) {
                let id = row.int64("id")
                if try db.execute("""
                    UPDATE alerts SET count = count + 1, last_at = ?, message = ?, cleared_at = NULL WHERE id = ? AND open = 1
                    """, [now.milliseconds, message, id]) == 1 {
                    return (id, false)
                }
                continue
            }
            if let id = try insert(rule: rule, key: key, labels: labels, severity: severity, state: .firing, message: message,
                                   value: nil, threshold: nil, at: now) {
                return (id, true)
            }
        }
        throw PayError.conflict("alert \(rule) \(key): changed by another process; try again")
    }

    /// Inserts a new open alert (PENDING, or FIRING with `fired_at` now); nil when one is open
    /// for (rule, key) already.
    public func insert(rule: String, key: String, labels: String, severity: String, state: AlertState, message: String,
                       value: String?, threshold: String?, at now: Timestamp) throws -> Int64? {
        let fired: Int64? = state == .firing ? now.milliseconds : nil
        let changed = try db.execute("""
            INSERT INTO alerts (rule, key, labels, severity, state, message, count, first_at, last_at, pending_at, fired_at,
                                value, threshold, open)
            VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT DO NOTHING
            """, [rule, key, labels, severity, state.rawValue, CardNumberMask.mask(message), now.milliseconds, now.milliseconds,
                  now.milliseconds, fired, value, threshold])
        return changed == 1 ? db.lastInsertRowID : nil
    }

    /// PENDING → FIRING once the condition held for its `for` time.
    public func markFiring(_ id: Int64, at now: Timestamp, value: String?) throws -> Bool {
        try db.execute("""
            UPDATE alerts SET state = ?, fired_at = ?, last_at = ?, value = ?, cleared_at = NULL WHERE id = ? AND state = ?
            """, [AlertState.firing.rawValue, now.milliseconds, now.milliseconds, value, id, AlertState.pending.rawValue]) == 1
    }

    /// The condition holds again: clears `cleared_at`, updates the value and, when it fires, counts a firing.
    public func hold(_ id: Int64, state: AlertState, at now: Timestamp, value: String?, countsFiring: Bool) throws -> Bool {
        try db.execute("""
            UPDATE alerts SET last_at = ?, value = ?, cleared_at = NULL, count = count + ? WHERE id = ? AND state = ?
            """, [now.milliseconds, value, countsFiring ? 1 : 0, id, state.rawValue]) == 1
    }

    /// The condition was first seen false (the keep-firing time starts).
    public func markCleared(_ id: Int64, state: AlertState, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE alerts SET cleared_at = ? WHERE id = ? AND state = ? AND cleared_at IS NULL",
                       [now.milliseconds, id, state.rawValue]) == 1
    }

    /// `state` → RESOLVED, guarded on the state read.
    public func resolve(_ id: Int64, from state: AlertState, at now: Timestamp) throws -> Bool {
        precondition(state.canMove(to: .resolved), "\(state) cannot resolve")
        return try db.execute("UPDATE alerts SET state = ?, open = 0, resolved_at = ? WHERE id = ? AND state = ?",
                              [AlertState.resolved.rawValue, now.milliseconds, id, state.rawValue]) == 1
    }

    /// Resolves the open alert of (rule, key), if any, when a service saw its condition clear.
    public func resolve(rule: String, key: String, at now: Timestamp) throws {
        for state in [AlertState.pending, .firing, .acknowledged] {
            try db.execute("UPDATE alerts SET state = ?, open = 0, resolved_at = ? WHERE rule = ? AND key = ? AND state = ?",
                           [AlertState.resolved.rawValue, now.milliseconds, rule, key, state.rawValue])
        }
    }

    public func acknowledge(_ id: Int64, by actor: String, at now: Timestamp) throws -> Bool {
        try db.execute("UPDATE alerts SET state = ?, acked_by = ?, acked_at = ? WHERE id = ? AND state = ?",
                       [AlertState.acknowledged.rawValue, actor, now.milliseconds, id, AlertState.firing.rawValue]) == 1
    }

    /// Sets the silence and inhibition marks an evaluation found (and the return from a silence).
    public func setMarks(_ id: Int64, silenceId: Int64?, inhibitedBy: Int64?, returnedFromSilence: Bool) throws {
        try db.execute("UPDATE alerts SET silence_id = ?, inhibited_by = ?, returned_from_silence = ? WHERE id = ?",
                       [silenceId, inhibitedBy, returnedFromSilence, id])
    }

    /// Moves the notification cursor from `old` to `new`; false when another process moved it first.
    public func advanceCursor(_ id: Int64, from old: String, to new: String) throws -> Bool {
        try db.execute("UPDATE alerts SET notified = ? WHERE id = ? AND notified = ?", [new, id, old]) == 1
    }

    public func find(_ id: Int64) throws -> AlertRow? {
        try db.row("SELECT * FROM alerts WHERE id = ?", [id]).map(AlertRow.init)
    }

    /// Open alerts (not RESOLVED), of one rule or all.
    public func open(rule: String? = nil) throws -> [AlertRow] {
        let rows = try rule.map { try db.rows("SELECT * FROM alerts WHERE open = 1 AND rule = ? ORDER BY id", [$0]) }
            ?? db.rows("SELECT * FROM alerts WHERE open = 1 ORDER BY id")
        return rows.map(AlertRow.init)
    }

    /// Alerts whose notification cursor may be behind: open ones, and resolved ones not yet told.
    public func notificationCandidates() throws -> [AlertRow] {
        try db.rows("SELECT * FROM alerts WHERE open = 1 OR notified <> ? ORDER BY id", [Self.resolvedNotice]).map(AlertRow.init)
    }

    /// Alerts in one of `states` (all when nil), newest first.
    public func rows(states: [AlertState]?, limit: Int = 500) throws -> [AlertRow] {
        guard let states else {
            return try db.rows("SELECT * FROM alerts ORDER BY last_at DESC, id DESC LIMIT ?", [limit]).map(AlertRow.init)
        }
        guard !states.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: states.count).joined(separator: ", ")
        let arguments: StatementArguments = states.map { $0.rawValue } + [limit]
        return try db.rows("SELECT * FROM alerts WHERE state IN (\(marks)) ORDER BY last_at DESC, id DESC LIMIT ?", arguments)
            .map(AlertRow.init)
    }

    /// Open alerts (PENDING, FIRING, ACKNOWLEDGED) counted by state and severity: the status
    /// bar's count and `paydesk metrics`.
    public func openCounts() throws -> [(state: AlertState, severity: String, count: Int64)] {
        try db.rows("SELECT state, severity, count(*) AS n FROM alerts WHERE open = 1 GROUP BY state, severity ORDER BY state, severity")
            .compactMap { row in AlertState(rawValue: row.string("state")).map { ($0, row.string("severity"), row.int64("n")) } }
    }
}
