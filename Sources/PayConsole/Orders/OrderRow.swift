import PayCore
import PayServices
import TUIKit

/// The order browser's columns and how an order fills them. On a narrow terminal the customer,
/// serial, channel and business line hide first, in that order. The serial is shown whole (30
/// characters): support copies it.
enum OrderRow {
    static let columns: [TableColumn] = [
        TableColumn("Time", width: .fixed(19)),
        TableColumn("Line", width: .fixed(9), priority: 4),
        TableColumn("Order no", width: .flex(min: 16)),
        TableColumn("Amount", width: .fixed(12), alignment: .right),
        TableColumn("Status", width: .fixed(18)),
        TableColumn("Channel", width: .fixed(8), priority: 3),
        TableColumn("Serial", width: .fixed(30), priority: 2),
        TableColumn("Customer", width: .flex(min: 10), priority: 1),
    ]

    static func cells(_ order: Order) -> [String] {
        [order.createdAt.displayString, order.businessLine.rawValue, order.orderNo.rawValue, order.amount.displayString,
         order.status.rawValue, order.channel ?? "—", order.serial.rawValue, order.customerId ?? "—"]
    }

}

extension BrowsePosition {
    /// The page of orders older than this row (PgDn).
    static func older(than order: Order) -> BrowsePosition { .after(.init(order)) }
    /// The page of orders newer than this row (PgUp).
    static func newer(than order: Order) -> BrowsePosition { .before(.init(order)) }
}
