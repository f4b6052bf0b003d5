import PayCore

/// How one channel account fared over a window: the inputs of the success-rate strategy.
public struct AccountOutcomes: Hashable, Sendable {
    public var succeeded: Int64 = 0
    /// FAILED with kind SYSTEM: the account's own failures.
    public var systemFailures: Int64 = 0
    /// FAILED with kind DECLINED: the customer's; not held against the account.
    public var declined: Int64 = 0
    public init() {}

    /// Attempts that say something about the account.
    public var measured: Int64 { succeeded + systemFailures }
}

/// One window's risk counters (`PaymentHistoryRepository.riskFacts`).
public struct RiskWindowCounts: Hashable, Sendable {
    /// Attempts, any outcome.
    public var attempts: Int64 = 0
    /// The amount of attempts not FAILED or CLOSED, in the decision's currency.
    public var liveMinor: Int64 = 0
    /// Attempts the channel declined.
    public var declines: Int64 = 0

    public init(attempts: Int64 = 0, liveMinor: Int64 = 0, declines: Int64 = 0) {
        self.attempts = attempts
        self.liveMinor = liveMinor
        self.declines = declines
    }
}

/// What a risk decision reads from the store, in one statement.
public struct RiskFacts: Hashable, Sendable {
    /// The counters of each window asked for, in the order asked.
    public var windows: [RiskWindowCounts]
    /// For each value asked about, the lists (of those named) that hold it.
    public var lists: [Set<String>]
}

/// The aggregate queries routing and risk ask of past payment attempts. Each is one statement:
/// an account's on `payment_attempts (account_id, created_at)`; a customer's on the hourly
/// rollups (`customer_risk_hours`, schema 22) for the window's whole hours plus at most an hour
/// of the customer's attempts at its edge, so a window costs its hours, never the whole history.
public struct PaymentHistoryRepository {
    let db: Connection

    /// An account's outcomes since `since`.
    public func outcomes(account: String, since: Timestamp) throws -> AccountOutcomes {
        var outcomes = AccountOutcomes()
        for row in try db.rows("""
            SELECT status, failure_kind, count(*) AS n FROM payment_attempts
            WHERE account_id = ? AND created_at >= ? GROUP BY status, failure_kind
            """, [account, since.milliseconds]) {
            let n = row.int64("n")
            switch (row.string("status"), row.optionalString("failure_kind")) {
            case (AttemptStatus.succeeded.rawValue, _): outcomes.succeeded += n
            case (AttemptStatus.failed.rawValue, FailureKind.system.rawValue?): outcomes.systemFailures += n
            case (AttemptStatus.failed.rawValue, FailureKind.declined.rawValue?): outcomes.declined += n
            default: break
            }
        }
        return outcomes
    }

    /// How many payment attempts the customer made since `since` (any outcome).
    public func attemptCount(customer: String, since: Timestamp) throws -> Int64 {
        let (hour, edge) = Self.window(since)
        return try db.scalarInt("""
            SELECT coalesce((SELECT sum(attempts) FROM customer_risk_hours WHERE customer_id = ?1 AND hour >= ?2), 0)
                 + (SELECT count(*) FROM payment_attempts WHERE customer_id = ?1 AND created_at >= ?3 AND created_at < ?4)
            """, [customer, hour, since.milliseconds, edge]) ?? 0
    }

    /// The customer's attempts since `since` in `currency` that did not fail or close: money paid
    /// or on its way.
    public func amountSum(customer: String, since: Timestamp, currency: Currency) throws -> Int64 {
        let (hour, edge) = Self.window(since)
        return try db.scalarInt("""
            SELECT coalesce((SELECT sum(live_minor) FROM customer_risk_hours WHERE customer_id = ?1 AND hour >= ?2 AND currency = ?3), 0)
                 + (SELECT coalesce(sum(amount_minor), 0) FROM payment_attempts
                    WHERE customer_id = ?1 AND created_at >= ?4 AND created_at < ?5 AND currency = ?3 AND status <> ?6 AND status <> ?7)
            """, [customer, hour, currency.code, since.milliseconds, edge,
                  AttemptStatus.failed.rawValue, AttemptStatus.closed.rawValue]) ?? 0
    }

    /// The customer's attempts since `since` that the channel declined.
    public func declineCount(customer: String, since: Timestamp) throws -> Int64 {
        let (hour, edge) = Self.window(since)
        return try db.scalarInt("""
            SELECT coalesce((SELECT sum(declines) FROM customer_risk_hours WHERE customer_id = ?1 AND hour >= ?2), 0)
                 + (SELECT count(*) FROM payment_attempts
                    WHERE customer_id = ?1 AND created_at >= ?3 AND created_at < ?4 AND status = ?5 AND failure_kind = ?6)
            """, [customer, hour, since.milliseconds, edge, AttemptStatus.failed.rawValue, FailureKind.declined.rawValue]) ?? 0
    }

    /// A risk decision's store work in one statement: for each window start in `since`, the
    /// customer's attempts, live amount in `currency` and declines since then (exactly what
    /// `attemptCount`, `amountSum` and `declineCount` answer: the window's whole hours from the
    /// rollups, read in one scan for all windows, and its edge from the attempts), and for each
    /// value in `lists` which of the named lists hold it (`risk_list_entries`, one index range a
    /// value). Nothing is asked for an empty `since` with no lists.
    public func riskFacts(customer: String, since: [Timestamp], currency: Currency,
                          lists: [(value: String, names: [String])]) throws -> RiskFacts {
        var facts = RiskFacts(windows: Array(repeating: RiskWindowCounts(), count: since.count),
                              lists: Array(repeating: [], count: lists.count))
        let failed = DatabaseValue.text(AttemptStatus.failed.rawValue), closed = DatabaseValue.text(AttemptStatus.closed.rawValue)
        let declined = DatabaseValue.text(FailureKind.declined.rawValue), code = DatabaseValue.text(currency.code)
        let who = DatabaseValue.text(customer)
        let windows = since.map(Self.edge)
        var arguments: [DatabaseValue] = []
        if let first = windows.map(\.hour).min() {
            for (hour, _, _, _) in windows { arguments += [.integer(hour), .integer(hour), code, .integer(hour)] }
            arguments += [who, .integer(first)]
            for (_, from, to, _) in windows {
                arguments += [code, failed, closed, failed, declined, who, .integer(from), .integer(to)]
            }
        }
        // why a bit per list: (list, value) is unique, so the sum of the lists' bits is their set,
        // one index range over the value's entries however many lists the rules name.
        var masks: [(value: Int, names: ArraySlice<String>)] = []
        for (index, entry) in lists.enumerated() {
            var names = entry.names[...]
            while !names.isEmpty {
                let chunk = names.prefix(62)
                names = names.dropFirst(chunk.count)
                for (bit, name) in chunk.enumerated() { arguments += [.text(name), .integer(Int64(1) << bit)] }
                arguments.append(.text(entry.value))
                masks.append((index, chunk))
            }
        }
        let parts = (windows.isEmpty ? 0 : 1 + windows.count) + masks.count
        guard parts > 0 else { return facts }
        let sql = db.text("riskFacts", shape: [windows.count] + masks.map(\.names.count)) {
            Self.riskFactsText(windows: windows.count, lists: masks.map(\.names.count))
        }
        // why zeros first: an aggregate with no GROUP BY always gives its row; a part missing reads as nothing counted.
        let width = windows.isEmpty ? 1 : 3 * windows.count
        var values = Array(repeating: Array(repeating: Int64(0), count: width), count: parts)
        for row in try db.rows(sql, arguments.map { $0 as (any DatabaseValueConvertible)? }) {
            guard case .integer(let tag) = row[0], values.indices.contains(Int(tag)) else { continue }
            values[Int(tag)] = (1...width).map { column in
                if case .integer(let value) = row[column] { return value }
                return 0
            }
        }
        var part = 0
        if !windows.isEmpty {
            let hours = values[0]
            for index in windows.indices {
                facts.windows[index] = RiskWindowCounts(attempts: hours[3 * index], liveMinor: hours[3 * index + 1], declines: hours[3 * index + 2])
            }
            for (index, window) in windows.enumerated() {
                let edge = values[1 + index]
                facts.windows[index].attempts += window.sign * edge[0]
                facts.windows[index].liveMinor += window.sign * edge[1]
                facts.windows[index].declines += window.sign * edge[2]
            }
            part = 1 + windows.count
        }
        for (index, names) in masks {
            let mask = values[part].first ?? 0
            part += 1
            for (bit, name) in names.enumerated() where mask & (Int64(1) << bit) != 0 { facts.lists[index].insert(name) }
        }
        return facts
    }

    /// `riskFacts`' text for `windows` windows and list masks of `lists` names each; it depends on
    /// those counts only (every value is a placeholder), so a connection builds it once a shape.
    ///
    /// why one row per part, joined by UNION ALL: each part is an aggregate with one row, and
    /// SQLite streams a compound SELECT's arms, where a CROSS JOIN of FROM subqueries made it
    /// materialise every part in a temporary b-tree of its own, each with a page cache of its
    /// own, allocated and freed on every decision (the heap grew and was trimmed each time).
    /// Every row is as wide as the widest part: its tag (which part), then its values, 0 after.
    static func riskFactsText(windows: Int, lists: [Int]) -> String {
        var parts: [(values: [String], from: String)] = []
        if windows > 0 {
            let columns = (0..<windows).flatMap { _ in
                ["coalesce(sum(CASE WHEN hour >= ? THEN attempts ELSE 0 END), 0)",
                 "coalesce(sum(CASE WHEN hour >= ? AND currency = ? THEN live_minor ELSE 0 END), 0)",
                 "coalesce(sum(CASE WHEN hour >= ? THEN declines ELSE 0 END), 0)"]
            }
            parts.append((columns, "customer_risk_hours WHERE customer_id = ? AND hour >= ?"))
            for _ in 0..<windows {
                parts.append((["count(*)", "coalesce(sum(CASE WHEN currency = ? AND status <> ? AND status <> ? THEN amount_minor ELSE 0 END), 0)",
                               "coalesce(sum(CASE WHEN status = ? AND failure_kind = ? THEN 1 ELSE 0 END), 0)"],
                              "payment_attempts WHERE customer_id = ? AND created_at >= ? AND created_at < ?"))
            }
        }
        for names in lists {
            let cases = Array(repeating: "WHEN ? THEN ?", count: names).joined(separator: " ")
            parts.append((["coalesce(sum(CASE list \(cases) ELSE 0 END), 0)"], "risk_list_entries WHERE value = ?"))
        }
        let width = parts.map(\.values.count).max() ?? 0
        return parts.enumerated().map { tag, part in
            let padding = Array(repeating: "0", count: width - part.values.count)
            return "SELECT \(([String(tag)] + part.values + padding).joined(separator: ", ")) FROM \(part.from)"
        }.joined(separator: " UNION ALL ")
    }

    /// The milliseconds of an hour: the rollups' bucket (`customer_risk_hours.hour = created_at / 3600000`).
    public static let hourMilliseconds: Int64 = 3_600_000

    /// A window from `since` on, split where the rollups take over: the first whole hour at or
    /// after `since` (read from `customer_risk_hours`), and the edge before it, up to that hour's
    /// first millisecond (read from the attempts themselves: at most an hour of them).
    static func window(_ since: Timestamp) -> (hour: Int64, edge: Int64) {
        let ms = max(0, since.milliseconds)
        let hour = (ms + hourMilliseconds - 1) / hourMilliseconds
        return (hour, hour * hourMilliseconds)
    }

    /// `window`, with its edge read from whichever side of the hour `since` falls in is shorter:
    /// the attempts from `since` to the next whole hour, added to the rollups from that hour on
    /// (`sign` 1); or the attempts from the start of `since`'s hour up to `since`, taken from the
    /// rollups from that hour on (`sign` -1). Exact either way (the rollups are kept in the
    /// attempts' own transactions), and at most half an hour of attempts is read, not an hour.
    static func edge(_ since: Timestamp) -> (hour: Int64, from: Int64, to: Int64, sign: Int64) {
        let ms = max(0, since.milliseconds)
        let (hour, edge) = window(since)
        if (edge - ms) * 2 > hourMilliseconds { return (hour - 1, (hour - 1) * hourMilliseconds, ms, -1) }
        return (hour, ms, edge, 1)
    }

    /// Customers' hours whose rollups (`customer_risk_hours`) disagree with the attempts they sum
    /// (`paydesk check`'s oracle and the tests'): each as "customer C1, hour 2026-11-21 12:00 UTC,
    /// CNY: what differs".
    public func rollupMismatches(limit: Int = 20) throws -> [String] {
        try db.rows("""
            SELECT coalesce(a.customer_id, r.customer_id) AS customer, coalesce(a.hour, r.hour) AS hour,
                   coalesce(a.currency, r.currency) AS currency,
                   coalesce(a.attempts, 0) AS attempts, coalesce(r.attempts, 0) AS rolled_attempts,
                   coalesce(a.live_minor, 0) AS live_minor, coalesce(r.live_minor, 0) AS rolled_live_minor,
                   coalesce(a.declines, 0) AS declines, coalesce(r.declines, 0) AS rolled_declines
            FROM (SELECT customer_id, created_at / ?1 AS hour, currency, count(*) AS attempts,
                         sum(CASE WHEN status IN (?2, ?3) THEN 0 ELSE amount_minor END) AS live_minor,
                         sum(CASE WHEN status = ?2 AND failure_kind IS ?4 THEN 1 ELSE 0 END) AS declines
                  FROM payment_attempts WHERE customer_id IS NOT NULL GROUP BY customer_id, created_at / ?1, currency) a
            FULL OUTER JOIN customer_risk_hours r ON r.customer_id = a.customer_id AND r.hour = a.hour AND r.currency = a.currency
            WHERE coalesce(a.attempts, 0) <> coalesce(r.attempts, 0) OR coalesce(a.live_minor, 0) <> coalesce(r.live_minor, 0)
               OR coalesce(a.declines, 0) <> coalesce(r.declines, 0)
            LIMIT ?5
            """, [Self.hourMilliseconds, AttemptStatus.failed.rawValue, AttemptStatus.closed.rawValue, FailureKind.declined.rawValue, limit]).map { row in
            let hour = Timestamp(milliseconds: row.int64("hour") * Self.hourMilliseconds).displayString.prefix(16)
            return "customer \(row.string("customer")), hour \(hour) UTC, \(row.string("currency")): attempts \(row.int64("attempts")) (rolled up \(row.int64("rolled_attempts"))), "
                + "live \(row.int64("live_minor")) (\(row.int64("rolled_live_minor"))), declines \(row.int64("declines")) (\(row.int64("rolled_declines")))"
        }
    }
}
