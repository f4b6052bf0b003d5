import PayCore

/// Key-value settings of the store itself (clock mode, simulated time, store kind).
public struct MetaRepository {
    let db: Connection

    public func value(_ key: String) throws -> String? {
        try db.row("SELECT value FROM meta WHERE key = ?", [key])?.optionalString("value")
    }

    public func set(_ key: String, _ value: String) throws {
        try db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       [key, value])
    }

    /// Sets `key` to `value` only if it still holds `expected` (nil: absent). False when another
    /// process changed it first.
    public func replace(_ key: String, expected: String?, with value: String) throws -> Bool {
        guard let expected else {
            return try db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [key, value]) == 1
        }
        return try db.execute("UPDATE meta SET value = ? WHERE key = ? AND value = ?", [value, key, expected]) == 1
    }

    public static let clockModeKey = "clock.mode"
    public static let clockNowKey = "clock.now"

    /// Whether the store runs on a simulated clock that only `clock advance` moves.
    public func isSimulatedClock() throws -> Bool { try value(Self.clockModeKey) == "simulated" }

    /// The store's clock: fixed at the stored instant for a simulated store, else the system's.
    public func clock() throws -> any PayClock {
        guard try isSimulatedClock() else { return SystemClock() }
        let now = Int64(try value(Self.clockNowKey) ?? "") ?? 0
        return FixedClock(Timestamp(milliseconds: now))
    }

    /// Moves a simulated clock forward; returns the new time. Refused on a real-clock store.
    public func advanceClock(by milliseconds: Int64) throws -> Timestamp {
        guard try isSimulatedClock() else {
            throw PayError.invalidInput("clock: this store runs on the system clock; only stores made with `init --simulated-clock` can be advanced")
        }
        guard milliseconds > 0 else { throw PayError.invalidInput("duration: must be above zero") }
        let now = Int64(try value(Self.clockNowKey) ?? "") ?? 0
        let (next, overflow) = now.addingReportingOverflow(milliseconds)
        guard !overflow, next <= Timestamp.latest.milliseconds else {
            throw PayError.invalidInput("clock: \(Timestamp(milliseconds: now).iso8601) plus \(DurationText.describe(milliseconds)) is past \(Timestamp.latest.iso8601), the last time the clock can show")
        }
        try set(Self.clockNowKey, String(next))
        return Timestamp(milliseconds: next)
    }
}
