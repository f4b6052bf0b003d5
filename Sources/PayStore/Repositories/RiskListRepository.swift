import PayCore

/// Named lists the risk rules test membership in (`customer in blocklist`).
public struct RiskListRepository {
    let db: Connection

    /// Adds a value to a list; adding it again changes nothing. Returns whether it was new.
    @discardableResult
    public func add(_ list: String, _ value: String, at now: Timestamp) throws -> Bool {
        try db.execute("""
            INSERT INTO risk_list_entries (list, value, created_at) VALUES (?, ?, ?) ON CONFLICT (list, value) DO NOTHING
            """, [list, value, now.milliseconds]) == 1
    }

    /// Removes a value; returns whether it was there.
    @discardableResult
    public func remove(_ list: String, _ value: String) throws -> Bool {
        try db.execute("DELETE FROM risk_list_entries WHERE list = ? AND value = ?", [list, value]) == 1
    }

    /// Whether the list holds the value (one primary-key lookup).
    /// The lists that hold `value`, in one statement (`risk_list_entries_value`, schema 22): a
    /// decision asks this once per value however many rules name lists.
    public func lists(containing value: String) throws -> Set<String> {
        Set(try db.rows("SELECT list FROM risk_list_entries WHERE value = ?", [value]).map { $0.string("list") })
    }

    public func contains(_ list: String, _ value: String) throws -> Bool {
        try db.row("SELECT 1 FROM risk_list_entries WHERE list = ? AND value = ?", [list, value]) != nil
    }

    /// Every list with its values, by name.
    public func all() throws -> [(name: String, values: [String])] {
        var lists: [(name: String, values: [String])] = []
        for row in try db.rows("SELECT list, value FROM risk_list_entries ORDER BY list, value") {
            let name = row.string("list")
            if lists.last?.name == name { lists[lists.count - 1].values.append(row.string("value")) }
            else { lists.append((name, [row.string("value")])) }
        }
        return lists
    }
}
