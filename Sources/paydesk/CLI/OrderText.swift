import PayCore
import PayServices

/// Plain-text renderings of orders for the command line.
enum OrderText {
    static func table(_ orders: [Order]) -> String {
        if orders.isEmpty { return "No orders." }
        var lines = [pad("CREATED (UTC)", 20) + pad("BUSINESS", 10) + pad("ORDER NO", 16) + pad("AMOUNT", 14)
                     + pad("STATUS", 20) + pad("CHANNEL", 10) + "SERIAL"]
        for order in orders {
            lines.append(pad(order.createdAt.displayString, 20) + pad(order.businessLine.rawValue, 10)
                         + pad(order.orderNo.rawValue, 16) + pad("\(order.amount.decimalString) \(order.amount.currency)", 14)
                         + pad(order.status.rawValue, 20) + pad(order.channelLabel, 10) + order.serial.rawValue)
        }
        return lines.joined(separator: "\n")
    }

    static func detail(_ detail: OrderDetail) -> String {
        let order = detail.order
        var lines = [
            "Order \(order.orderNo) (\(order.businessLine))  \(order.status.rawValue)",
            "  serial     \(order.serial)",
            "  amount     \(order.amount.decimalString) \(order.amount.currency)   paid \(order.paidAmount.decimalString)   refunded \(order.refundedAmount.decimalString)",
            "  created    \(order.createdAt.iso8601)   expires \(order.expiresAt.iso8601)",
        ]
        if let customer = order.customerId { lines.append("  customer   \(customer)") }
        if !order.items.isEmpty {
            lines.append("  items")
            for item in order.items {
                lines.append("    \(item.quantity) × \(item.name) @ \(item.unitPrice.decimalString)")
            }
        }
        for sub in order.subOrders { lines.append("  sub-order  \(sub.merchantAccount) \(sub.amount.decimalString)") }
        for attempt in detail.attempts {
            var line = "  payment    \(attempt.serial) \(attempt.method.rawValue) via \(attempt.account) \(attempt.amount.decimalString) \(attempt.status.rawValue)"
            if let cs = attempt.channelSerial { line += " channel serial \(cs)" }
            if let kind = attempt.failureKind { line += " [\(kind.rawValue) \(attempt.failureCode ?? ""): \(attempt.failureMessage ?? "")]" }
            lines.append(line)
        }
        for refund in detail.refunds {
            lines.append("  refund     \(refund.serial) \(refund.amount.decimalString) \(refund.status.rawValue)\(refund.reason.map { " — \($0)" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

extension Order {
    /// The channel column of lists: where the order was paid, or "—".
    var channelLabel: String { channel ?? "—" }
}
