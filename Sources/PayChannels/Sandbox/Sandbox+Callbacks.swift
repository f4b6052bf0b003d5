import PayCore
import PayStore

extension Sandbox {
    /// The callbacks the PSPs have sent by now (optionally only those about one center serial),
    /// oldest first, with headers and body exactly as sent.
    public func sentCallbacks(orderNo: String? = nil) throws(PayError) -> [SandboxCallback] {
        try read {
            try advance()
            let rows: [Row]
            if let orderNo {
                rows = try db.rows("SELECT * FROM sandbox_callbacks WHERE due_at <= ? AND order_no = ? ORDER BY due_at, id",
                                   [now.milliseconds, orderNo])
            } else {
                rows = try db.rows("SELECT * FROM sandbox_callbacks WHERE due_at <= ? ORDER BY due_at, id", [now.milliseconds])
            }
            return rows.map(Sandbox.callback)
        }
    }

    /// Callbacks due by now and not yet handed to the center, for the worker to deliver.
    public func undeliveredCallbacks(limit: Int = 100) throws(PayError) -> [SandboxCallback] {
        try read {
            try advance()
            // why: a callback dropped on purpose (`SandboxBillFault.dropCallback`) is never handed over.
            return try db.rows("""
                SELECT * FROM sandbox_callbacks c WHERE delivered_at IS NULL AND due_at <= ?
                  AND NOT EXISTS (SELECT 1 FROM sandbox_bill_faults f WHERE f.account = c.account AND f.serial = c.order_no AND f.kind = ?)
                ORDER BY due_at, id LIMIT ?
                """, [now.milliseconds, SandboxBillFault.dropCallback.rawValue, limit]).map(Sandbox.callback)
        }
    }

    /// Marks a callback handed over; false when another process did it first.
    @discardableResult
    public func markDelivered(_ id: Int64) throws(PayError) -> Bool {
        try write { try db.execute("UPDATE sandbox_callbacks SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL", [now.milliseconds, id]) == 1 }
    }

    static func callback(_ row: Row) -> SandboxCallback {
        SandboxCallback(id: row.int64("id"), channel: row.string("channel"), account: row.string("account"),
                        orderNo: row.string("order_no"), kind: row.string("kind"),
                        headers: HeaderText.decode(row.string("headers")), body: row.blob("body"),
                        sentAt: Timestamp(milliseconds: row.int64("due_at")),
                        deliveredAt: row.optionalInt64("delivered_at").map { Timestamp(milliseconds: $0) })
    }
}
