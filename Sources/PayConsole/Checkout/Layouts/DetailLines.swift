import PayCore
import TUIKit

/// The business line's details as fixed-width text: the receipt's block (guest and stay,
/// passengers and segments, event and seats, the policy and its number once paid).
public enum DetailLines {
    /// The details of `order` as receipt lines of at most `width` columns, then a blank line;
    /// nothing for an order without details. A value too long for its label's line goes on the
    /// lines below it, wrapped, never cut.
    public static func receiptLines(for order: Order, width: Int) -> [String] {
        if order.attributes.isEmpty { return [] }
        let details = LineDetails(stored: order.attributes, currency: order.amount.currency)
        let rows = details.rows(policy: InsurancePolicy.number(for: order, details: details), display: { $0.displayString })
        if rows.isEmpty { return [] }
        var lines: [String] = []
        for row in rows {
            let gap = width - row.label.displayWidth - row.value.displayWidth
            if gap >= 1 {
                lines.append(row.label + String(repeating: " ", count: gap) + row.value)
            } else {
                lines.append(row.label)
                lines += row.value.wrapped(toWidth: width - 2).map { "  " + $0 }
            }
        }
        return lines + [""]
    }

    /// The details of `order` on one line for the support console's order detail
    /// ("Guest 王小明 · Room 1208 · Stay … · Policy no …"); nil for an order without details.
    public static func summary(for order: Order) -> String? {
        if order.attributes.isEmpty { return nil }
        let details = LineDetails(stored: order.attributes, currency: order.amount.currency)
        let rows = details.rows(policy: InsurancePolicy.number(for: order, details: details), display: { $0.displayString })
        return rows.isEmpty ? nil : rows.map { "\($0.label) \($0.value)" }.joined(separator: " · ")
    }
}
