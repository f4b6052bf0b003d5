import PayCore

extension OrderRepository {
    /// Attaches, changes or (nil) removes the customer of an order that is still CREATED and has
    /// no payment attempt that is not final — the check and the change are one guarded statement,
    /// so a payment starting at the same time either comes first (nothing changes) or sees the new
    /// customer. Returns false when nothing changed.
    public func setCustomer(_ id: Int64, customerId: String?, at now: Timestamp) throws -> Bool {
        let open = AttemptStatus.allCases.filter { !$0.isFinal }
        let placeholders = Array(repeating: "?", count: open.count).joined(separator: ", ")
        return try db.execute("""
            UPDATE orders SET customer_id = ?, updated_at = ?
            WHERE id = ? AND status = ?
              AND NOT EXISTS (SELECT 1 FROM payment_attempts WHERE order_id = ? AND status IN (\(placeholders)))
            """, [customerId, now.milliseconds, id, OrderStatus.created.rawValue, id] + open.map(\.rawValue)) == 1
    }
}
