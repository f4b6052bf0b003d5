import Foundation
import PayCore
import TUIKit

/// The customer's receipt: items, total, how it was paid, and the three identifiers (merchant
/// order no, payment serial, channel serial). Shown on screen and saved as a text file.
public struct Receipt: Sendable {
    /// Characters a line: an 80 mm thermal roll.
    public static let width = 48
    public let lines: [String]

    public init(sale: CheckoutSale, order: Order, paidBy method: String, serial: String, channelSerial: String,
                cashier: String, at time: Timestamp) {
        let rule = String(repeating: "-", count: Receipt.width)
        var lines = ["PayDesk · \(sale.line.name)".truncated(toWidth: Receipt.width), "\(time.displayString) · \(cashier)", rule]
        for item in order.items {
            // "珍珠奶茶            2 × ¥18.00      ¥36.00": quantity, unit price, line amount.
            let amount = ((try? item.total().displayString) ?? "?").padded(toWidth: 10, alignment: .right)
            let each = "\(item.quantity) × \(item.unitPrice.displayString)"
            let nameWidth = max(8, Receipt.width - amount.displayWidth - each.displayWidth - 2)
            lines.append(item.name.truncated(toWidth: nameWidth).padded(toWidth: nameWidth) + " " + each + " " + amount)
        }
        for sub in order.subOrders {
            lines.append("  incl. \(sub.amount.displayString) to \(sub.merchantAccount)".truncated(toWidth: Receipt.width))
        }
        lines.append(rule)
        lines.append(Receipt.pair("TOTAL", order.amount.displayString))
        lines.append("Paid by \(method)".truncated(toWidth: Receipt.width))
        lines.append("")
        lines += DetailLines.receiptLines(for: order, width: Receipt.width)
        lines.append(Receipt.pair("Order no", order.orderNo.description))
        lines.append(Receipt.pair("Serial", serial))
        lines.append(Receipt.pair("Channel serial", channelSerial))
        self.lines = lines
    }

    static func pair(_ label: String, _ value: String) -> String {
        let gap = max(1, Receipt.width - label.displayWidth - value.displayWidth)
        return label + String(repeating: " ", count: gap) + value
    }

    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// Writes the receipt to `<directory>/<order no>-<serial>.txt`; returns the path.
    public func save(in directory: String, orderNo: String, serial: String) throws(PayError) -> String {
        let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) }
        let path = directory + "/" + safe(orderNo) + "-" + safe(serial) + ".txt"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PayError.internal("receipt '\(path)': cannot write (\(error.localizedDescription))")
        }
        return path
    }
}
