import Foundation
import PayCore
import PayServices
import TUIKit

/// A customer's receipt: the sale's (items, total, how it was paid) or a refund's (the items given
/// back, the amount, who approved it), with the business line, its merchant and the identifiers
/// (merchant order no, payment or refund serial, channel serial). Laid out for an 80 mm roll
/// (`width` columns); item names wrap onto further lines, never cut. Never a card number.
public struct Receipt: Sendable {
    /// Characters a line: an 80 mm thermal roll.
    public static let width = 48
    /// The lines with their emphasis, as a printer takes them.
    public let document: ReceiptDocument
    public var lines: [String] { document.lines.map(\.text) }

    /// The lines for a screen narrower than the roll: a line too wide loses its padding, then
    /// wraps, so an amount is never cut off at the edge.
    public func lines(fitting columns: Int) -> [String] {
        guard columns > 0 else { return lines }
        return lines.flatMap { line -> [String] in
            guard line.displayWidth > columns else { return [line] }
            if line.allSatisfy({ $0 == "-" }) { return [String(repeating: "-", count: columns)] }
            let tight = line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            return Receipt.breakLines(tight, width: columns)
        }
    }
    public var text: String { document.text }

    init(_ lines: [ReceiptDocument.Line], fileName: String) {
        document = ReceiptDocument(lines: lines, fileName: fileName)
    }

    /// The receipt handed over when the payment succeeds (the checkout, before the store's full
    /// record of the sale is read back).
    public init(sale: CheckoutSale, order: Order, merchant: String?, paidBy method: String, serial: String, channelSerial: String,
                cashier: String, at time: Timestamp) {
        self.init(Receipt.saleLines(order, title: nil, lineName: sale.line.name, merchant: merchant, cashier: cashier, at: time,
                                    paidBy: method, serial: serial, channelSerial: channelSerial, reprintedBy: nil),
                  fileName: Receipt.fileName(order.orderNo.description, serial))
    }

    /// The sale's receipt from the store's record of it (a reprint says so at the top).
    public init(sale: TillSale, cashier: String, reprint: Bool) {
        let order = sale.order
        let payment = sale.paidBy
        self.init(Receipt.saleLines(order, title: reprint ? "COPY · REPRINT" : nil, lineName: sale.lineName, merchant: sale.merchantName,
                                    cashier: order.operatorName ?? cashier, at: payment?.updatedAt ?? order.createdAt,
                                    paidBy: payment.map(Receipt.methodName), serial: payment?.serial.rawValue ?? "—",
                                    channelSerial: payment?.channelSerial ?? "—", reprintedBy: reprint ? cashier : nil),
                  fileName: Receipt.fileName(order.orderNo.description, payment?.serial.rawValue ?? order.serial.rawValue, reprint: reprint))
    }

    /// A sale's lines, whether handed over at payment or read back from the store.
    static func saleLines(_ order: Order, title: String?, lineName: String, merchant: String?, cashier: String, at time: Timestamp,
                          paidBy method: String?, serial: String, channelSerial: String, reprintedBy: String?) -> [ReceiptDocument.Line] {
        var lines = header(title: title, lineName: lineName, merchant: merchant, cashier: cashier, at: time)
        lines += items(order.items.map { ($0.name, $0.quantity, $0.unitPrice) })
        for sub in order.subOrders { lines += wrap("  incl. \(sub.amount.displayString) to \(sub.merchantAccount)") }
        lines.append(rule)
        lines.append(.init(pair("TOTAL", order.amount.displayString), bold: true))
        if let method { lines += wrap("Paid by \(method)") }
        if order.refundedAmount.isPositive { lines += wrap(pair("Refunded", order.refundedAmount.displayString)) }
        lines.append(.init(""))
        lines += DetailLines.receiptLines(for: order, width: width).map { .init($0) }
        lines += [pair("Order no", order.orderNo.description), pair("Serial", serial), pair("Channel serial", channelSerial)].flatMap { wrap($0) }
        if let reprintedBy { lines += wrap("Reprinted by \(reprintedBy)") }
        return lines
    }

    /// A refund's (or void's) own receipt: the items given back and their amount.
    public init(refund: Refund, of sale: TillSale, cashier: String, approvedBy approver: String?, reprint: Bool) {
        let order = sale.order
        let isVoid = refund.reason == TillService.voidReason
        var title = isVoid ? "VOID" : "REFUND"
        if reprint { title += " · COPY · REPRINT" }
        var lines = Receipt.header(title: title, lineName: sale.lineName, merchant: sale.merchantName, cashier: cashier, at: refund.createdAt)
        let given = sale.refundLines[refund.id] ?? []
        lines += Receipt.items(given.map { line in
            (line.name, line.quantity, order.items.indices.contains(line.position) ? order.items[line.position].unitPrice : line.amount)
        })
        lines.append(Receipt.rule)
        lines.append(.init(Receipt.pair(isVoid ? "VOIDED" : "REFUNDED", refund.amount.displayString), bold: true))
        if let payment = sale.payments.first(where: { $0.id == refund.attemptId }) {
            lines += Receipt.wrap("Back to \(Receipt.methodName(payment))")
        }
        lines += Receipt.wrap(Receipt.pair("Status", refund.status == .succeeded ? "done" : "\(refund.status.rawValue.lowercased()): the channel confirms later"))
        if let approver { lines += Receipt.wrap("Approved by \(approver)") }
        lines.append(.init(""))
        lines += [Receipt.pair("Order no", order.orderNo.description), Receipt.pair("Refund serial", refund.serial.rawValue),
                  Receipt.pair("Payment serial", sale.payments.first { $0.id == refund.attemptId }?.serial.rawValue ?? "—"),
                  Receipt.pair("Channel serial", refund.channelRefundSerial ?? "—")].flatMap { Receipt.wrap($0) }
        self.init(lines, fileName: Receipt.fileName(order.orderNo.description, refund.serial.rawValue, reprint: reprint))
    }

    // MARK: Parts

    static var rule: ReceiptDocument.Line { .init(String(repeating: "-", count: width)) }

    static func header(title: String?, lineName: String, merchant: String?, cashier: String, at time: Timestamp) -> [ReceiptDocument.Line] {
        var lines = wrap("PayDesk · \(lineName)").map { ReceiptDocument.Line($0.text, bold: true) }
        if let merchant, !merchant.isEmpty { lines += wrap(merchant) }
        lines += wrap("\(time.displayString) · \(cashier)")
        if let title { lines.append(.init(title, bold: true)) }
        lines.append(rule)
        return lines
    }

    /// "珍珠奶茶            2 × ¥18.00      ¥36.00": the name wraps in its column, quantity, unit
    /// price and amount stay on its first line.
    static func items(_ items: [(name: String, quantity: Int64, unitPrice: Money)]) -> [ReceiptDocument.Line] {
        var lines: [ReceiptDocument.Line] = []
        for item in items {
            let total = (try? item.unitPrice.multiplied(by: item.quantity).displayString) ?? "?"
            let amount = total.padded(toWidth: max(10, total.displayWidth), alignment: .right)
            let each = "\(item.quantity) × \(item.unitPrice.displayString)"
            let nameWidth = width - amount.displayWidth - each.displayWidth - 2
            if nameWidth < 8 {
                // why: a price too wide for one line: the name gets its own lines, the figures the next.
                lines += wrap(item.name).map { .init($0.text) }
                lines.append(.init(pair("", each + " " + amount)))
                continue
            }
            let parts = breakLines(item.name, width: nameWidth)
            lines.append(.init(parts[0].padded(toWidth: nameWidth) + " " + each + " " + amount))
            lines += parts.dropFirst().map { .init($0) }
        }
        return lines
    }

    /// `text` over as many lines of the roll as it takes.
    static func wrap(_ text: String) -> [ReceiptDocument.Line] {
        breakLines(text, width: width).map { .init($0) }
    }

    /// Breaks at spaces where it can and inside a word (by display width) where it must, so
    /// nothing is ever cut off: a CJK name has no spaces at all.
    static func breakLines(_ text: String, width: Int) -> [String] {
        if text.displayWidth <= width { return [text] }
        var lines: [String] = []
        var current = ""
        func push(_ word: String) {
            var word = word
            while word.displayWidth > width {
                var head = ""
                for character in word {
                    if (head + String(character)).displayWidth > width { break }
                    head.append(character)
                }
                if head.isEmpty { head = String(word.first!) }
                lines.append(head)
                word = String(word.dropFirst(head.count))
            }
            current = word
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            if current.isEmpty { push(word); continue }
            if (current + " " + word).displayWidth <= width { current += " " + word; continue }
            lines.append(current)
            push(word)
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    static func pair(_ label: String, _ value: String) -> String {
        let gap = max(1, width - label.displayWidth - value.displayWidth)
        return label + String(repeating: " ", count: gap) + value
    }

    static func methodName(_ payment: PaymentAttempt) -> String {
        let names: [PaymentMethod: String] = [.alipay: "Alipay", .wechat: "WeChat Pay", .unionpay: "UnionPay", .card: "card",
                                              .applePay: "Apple Pay", .paypal: "PayPal", .wallet: "wallet"]
        return "\(names[payment.method] ?? payment.method.rawValue) (\(payment.channel))"
    }

    static func fileName(_ orderNo: String, _ serial: String, reprint: Bool = false) -> String {
        let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) }
        return safe(orderNo) + "-" + safe(serial) + (reprint ? "-reprint" : "") + ".txt"
    }

    /// Writes the receipt to `<directory>/<order no>-<serial>.txt`; returns the path.
    public func save(in directory: String, orderNo: String, serial: String) throws(PayError) -> String {
        try ReceiptPrinter(directory: directory, output: .none).save(document)
    }
}
