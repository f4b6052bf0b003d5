import Foundation
import PayCore
import TUIKit

/// The customer's receipt: items, total, how it was paid, and the three identifiers (merchant
/// order no, payment serial, channel serial). Shown on screen and saved as a text file.
public struct Receipt: Sendable {
    public static let width = 40
    public let lines: [String]

    public init(sale: CheckoutSale, order: Order, paidBy method: String, serial: String, channelSerial: String,
                cashier: String, at time: Timestamp) {
        let rule = String(repeating: "-", count: Receipt.width)
        var lines = ["PayDesk · \(sale.line.name)".truncated(toWidth: Receipt.width), "\(time.displayString) · \(cashier)", rule]
        for item in order.items {
            let amount = (try? item.total().displayString) ?? "?"
            let quantity = "\(item.quantity) × "
            let nameWidth = Receipt.width - amount.displayWidth - quantity.displayWidth - 1
            lines.append(item.name.padded(toWidth: nameWidth) + " " + quantity + amount)
        }
        for sub in order.subOrders {
            lines.append("  incl. \(sub.amount.displayString) to \(sub.merchantAccount)".truncated(toWidth: Receipt.width))
        }
        lines.append(rule)
        lines.append(Receipt.pair("TOTAL", order.amount.displayString))
        lines.append("Paid by \(method)".truncated(toWidth: Receipt.width))
        lines.append("")
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
