import PayCore

/// The merchants the center collects for.
public struct MerchantRepository {
    let db: Connection

    public func insert(_ merchant: Merchant, at now: Timestamp) throws {
        try db.execute("INSERT INTO merchants (id, name, contact, status, created_at) VALUES (?, ?, ?, ?, ?)",
                       [merchant.id, merchant.name, merchant.contact, merchant.status.rawValue, now.milliseconds])
    }

    public func all() throws -> [Merchant] {
        try db.rows("SELECT * FROM merchants ORDER BY id").map(Self.decode)
    }

    public func find(_ id: String) throws -> Merchant? {
        try db.row("SELECT * FROM merchants WHERE id = ?", [id]).map(Self.decode)
    }

    /// Moves the merchant from `from` to `to`; false when it is not in `from` (or does not exist).
    public func setStatus(_ id: String, from: MerchantStatus, to: MerchantStatus) throws -> Bool {
        try db.execute("UPDATE merchants SET status = ? WHERE id = ? AND status = ?", [to.rawValue, id, from.rawValue]) == 1
    }

    static func decode(_ row: Row) throws -> Merchant {
        Merchant(id: row.string("id"), name: row.string("name"), contact: row.string("contact"),
                 status: MerchantStatus(rawValue: row.string("status")) ?? .disabled)
    }
}
