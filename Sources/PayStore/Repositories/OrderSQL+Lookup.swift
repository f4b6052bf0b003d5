import PayCore

extension OrderSQL {
    /// What `paydesk query --business L --order NO` reads, as statements for the `sqlite3` shell
    /// (`bench cli` runs them beside the command): the order, its items and sub-orders, its
    /// payment attempts and its refunds, each found through the order's (business line, order no).
    public static func lookup(_ line: BusinessLineCode, _ orderNo: MerchantOrderNo) -> [SQLText] {
        let order = "(SELECT id FROM orders WHERE business_line = ? AND order_no = ?)"
        let key: StatementArguments = [line.rawValue, orderNo.rawValue]
        return [
            SQLText("SELECT * FROM orders WHERE business_line = ? AND order_no = ?", key),
            SQLText("SELECT * FROM order_items WHERE order_id = \(order) ORDER BY position", key),
            SQLText("SELECT * FROM sub_orders WHERE order_id = \(order) ORDER BY position", key),
            SQLText("SELECT * FROM payment_attempts WHERE order_id = \(order) ORDER BY id", key),
            SQLText("SELECT * FROM refunds WHERE order_id = \(order) ORDER BY id", key),
        ]
    }
}
