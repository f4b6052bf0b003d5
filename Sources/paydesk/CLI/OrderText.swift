import PayCore
import PayServices

/// Plain-text renderings of orders for the command line.
enum OrderText {
    /// The orders as columns, aligned by display width (long order nos, Chinese names).
    static func table(_ orders: [Order]) -> String {
        if orders.isEmpty { return "No orders." }
        return TextColumns.table(
            ["CREATED (UTC)", "BUSINESS", "ORDER NO", "AMOUNT", "STATUS", "CHANNEL", "SERIAL"],
            orders.map { order in
                [order.createdAt.displayString, order.businessLine.rawValue, order.orderNo.rawValue,
                 "\(order.amount.decimalString) \(order.amount.currency)", order.status.rawValue, order.channelLabel, order.serial.rawValue]
            })
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
        lines += detailLines(order)
        for attempt in detail.attempts {
            var line = "  payment    \(attempt.serial) \(attempt.method.rawValue) via \(attempt.account) \(attempt.amount.decimalString) \(attempt.status.rawValue)"
            if let cs = attempt.channelSerial { line += " channel serial \(cs)" }
            if let kind = attempt.failureKind { line += " [\(kind.rawValue) \(attempt.failureCode ?? ""): \(attempt.failureMessage ?? "")]" }
            lines.append(line)
        }
        for refund in detail.refunds {
            lines.append("  refund     \(refund.serial) \(refund.amount.decimalString) \(refund.status.rawValue)\(refund.reason.map { " — \($0)" } ?? "")")
            for line in detail.refundLines[refund.id] ?? [] {
                lines.append("               item \(line.position + 1): \(line.quantity) × \(line.name)  \(line.amount.decimalString)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension OrderText {
    /// The business line's details, one labelled line each (the policy number once paid).
    static func detailLines(_ order: Order) -> [String] {
        if order.attributes.isEmpty { return [] }
        let details = LineDetails(stored: order.attributes, currency: order.amount.currency)
        let rows = details.rows(policy: InsurancePolicy.number(for: order, details: details))
        // why: the column of the order's other lines ("serial     …"); a longer label takes one space.
        let width = 11
        return rows.map { row in
            let label = row.label.lowercased()
            return "  " + label + String(repeating: " ", count: max(1, width - TextColumns.width(label))) + row.value
        }
    }
}

extension Order {
    /// The channel column of lists: where the order was paid, or "—".
    var channelLabel: String { channel ?? "—" }
}
