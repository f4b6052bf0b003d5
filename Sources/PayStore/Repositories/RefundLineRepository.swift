import PayCore

/// Which items a refund gives back (schema 20), and the items' refunded quantities that keep a
/// second refund from giving back an item beyond its quantity.
public struct RefundLineRepository {
    let db: Connection

    /// Records `lines` for the refund and raises each item's refunded quantity with a guarded
    /// update; an item that would go beyond its quantity is a conflict naming it. Call inside the
    /// write transaction that inserts the refund, so a refusal rolls the refund back too.
    public func reserve(refundId: Int64, orderId: Int64, lines: [RefundLine]) throws {
        for line in lines {
            let changed = try db.execute("""
                UPDATE order_items SET refunded_quantity = refunded_quantity + ?
                WHERE order_id = ? AND position = ? AND refunded_quantity + ? <= quantity
                """, [line.quantity, orderId, line.position, line.quantity])
            guard changed == 1 else {
                let left = try db.row("SELECT quantity - refunded_quantity AS remaining FROM order_items WHERE order_id = ? AND position = ?",
                                      [orderId, line.position])?.int64("remaining") ?? 0
                throw PayError.conflict("refund line \(line.position + 1) '\(line.name)': \(line.quantity) asked, \(left) left to refund")
            }
            try db.execute("INSERT INTO refund_lines (refund_id, position, order_id, quantity, amount_minor) VALUES (?, ?, ?, ?, ?)",
                           [refundId, line.position, orderId, line.quantity, line.amount.minorUnits])
        }
    }

    /// Gives a failed refund's items back (once: the `released` flag flips with a guarded update).
    public func release(refundId: Int64) throws {
        for row in try db.rows("SELECT position, order_id, quantity FROM refund_lines WHERE refund_id = ? AND released = 0", [refundId]) {
            let position = row.int64("position")
            guard try db.execute("UPDATE refund_lines SET released = 1 WHERE refund_id = ? AND position = ? AND released = 0",
                                 [refundId, position]) == 1 else { continue }
            try db.execute("""
                UPDATE order_items SET refunded_quantity = refunded_quantity - ?
                WHERE order_id = ? AND position = ? AND refunded_quantity >= ?
                """, [row.int64("quantity"), row.int64("order_id"), position, row.int64("quantity")])
        }
    }

    /// The lines of every refund of an order, by refund id, each in item order.
    public func forOrder(_ orderId: Int64, currency: Currency) throws -> [Int64: [RefundLine]] {
        var lines: [Int64: [RefundLine]] = [:]
        for row in try db.rows("""
            SELECT l.refund_id, l.position, l.quantity, l.amount_minor, i.name FROM refund_lines l
            JOIN order_items i ON i.order_id = l.order_id AND i.position = l.position
            WHERE l.order_id = ? ORDER BY l.refund_id, l.position
            """, [orderId]) {
            lines[row.int64("refund_id"), default: []].append(
                RefundLine(position: Int(row.int64("position")), name: row.string("name"), quantity: row.int64("quantity"),
                           amount: Money(minorUnits: row.int64("amount_minor"), currency: currency)))
        }
        return lines
    }

    /// How many of each item of the order are given back by refunds not failed, by position.
    public func refundedQuantities(orderId: Int64) throws -> [Int: Int64] {
        var quantities: [Int: Int64] = [:]
        for row in try db.rows("SELECT position, refunded_quantity FROM order_items WHERE order_id = ? ORDER BY position", [orderId]) {
            quantities[Int(row.int64("position"))] = row.int64("refunded_quantity")
        }
        return quantities
    }
}
