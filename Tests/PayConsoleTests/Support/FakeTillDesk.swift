import Foundation
@testable import PayConsole
import PayCore
import PayServices

/// A till desk over one paid sale held in memory (three items, 77.00), with fixed serials so
/// snapshots are stable: refunds up to 30.00 need no approval, above it a supervisor's; another
/// cashier's order is refused as such. Records what was refunded and printed.
actor FakeTillDesk: TillDesk {
    static let at = Timestamp(milliseconds: 1_795_253_400_000)
    static let orderNo = "R2026112109300000001"

    private(set) var sale: TillSale
    private(set) var refunded: [(lines: [RefundLineRequest], approver: String?, reason: String?, key: String)] = []
    private(set) var printed: [ReceiptDocument] = []

    init() {
        let cny = { (minor: Int64) in Money(minorUnits: minor, currency: .CNY) }
        // why try!: constant, valid items.
        let items = [try! LineItem(name: "珍珠奶茶", quantity: 2, unitPrice: cny(1800)), try! LineItem(name: "小笼包", quantity: 1, unitPrice: cny(2600)),
                     try! LineItem(name: "Sesame bun", quantity: 3, unitPrice: cny(500))]
        let order = Order(id: 7, serial: Serial(stored: "O20261121093000000007"), businessLine: BusinessLineCode(stored: "retail"),
                          orderNo: MerchantOrderNo(stored: Self.orderNo), amount: cny(7700), customerId: nil, items: items, subOrders: [],
                          attributes: [:], status: .paid, channel: "wechat", operatorName: "cashier", paidAmount: cny(7700),
                          refundedAmount: cny(0), createdAt: Self.at, updatedAt: Self.at, expiresAt: Self.at.adding(milliseconds: 1_800_000))
        let payment = PaymentAttempt(id: 3, serial: Serial(stored: "P20261121093000000003"), orderId: 7, method: .wechat, channel: "wechat",
                                     account: "wechat-main", amount: cny(7700), status: .succeeded, channelSerial: "4200001234202611210001",
                                     failureKind: nil, failureCode: nil, failureMessage: nil, createdAt: Self.at, updatedAt: Self.at)
        sale = TillSale(order: order, payments: [payment], refunds: [], refundLines: [:], refundedQuantities: [:], lineName: "Retail",
                        merchantName: "Jade Garden Tea House")
    }

    func find(_ identifier: String, operator actor: Actor) throws(PayError) -> Order {
        if identifier == "R-OTHER" { throw PayError.notPermitted("order 'R-OTHER' belongs to another operator (cashier2): \(actor.name) may load only own sales; a supervisor can look it up") }
        guard identifier == Self.orderNo else { throw PayError.notFound("no order has '\(identifier)' as its order no, serial or channel serial") }
        return sale.order
    }

    func sale(orderId: Int64, operator actor: Actor) throws(PayError) -> TillSale { sale }

    func todaysSales(operator actor: Actor) throws(PayError) -> [Order] { [sale.order] }

    func check(_ sale: TillSale, lines: [RefundLineRequest], operator actor: Actor) throws(PayError) -> (amount: Money, approval: String?) {
        let priced = try RefundLineRequest.priced(lines, items: sale.order.items)
        let amount = Money(minorUnits: priced.reduce(0) { $0 + $1.amount.minorUnits }, currency: .CNY)
        return (amount, amount.minorUnits > 3000 ? "refund of \(amount) needs a supervisor's approval (limit 30.00 for cashier \(actor.name))" : nil)
    }

    func voidLines(_ sale: TillSale, operator actor: Actor) throws(PayError) -> [RefundLineRequest] {
        sale.order.items.indices.map { RefundLineRequest(position: $0, quantity: sale.refundable($0)) }.filter { $0.quantity > 0 }
    }

    func refund(orderId: Int64, lines: [RefundLineRequest], approver: Actor?, reason: String?, key: String,
                operator actor: Actor) throws(PayError) -> (refund: Refund, sale: TillSale) {
        refunded.append((lines, approver?.name, reason, key))
        let priced = try RefundLineRequest.priced(lines, items: sale.order.items)
        let amount = Money(minorUnits: priced.reduce(0) { $0 + $1.amount.minorUnits }, currency: .CNY)
        let at = Self.at.adding(milliseconds: 900_000)
        let refund = Refund(id: Int64(10 + refunded.count), serial: Serial(stored: "F2026112109450000000\(refunded.count)"), attemptId: 3, orderId: 7,
                            refundNo: nil, amount: amount, status: .succeeded, channelRefundSerial: "50300000012026112100\(refunded.count)",
                            reason: reason, createdAt: at, updatedAt: at)
        var quantities = sale.refundedQuantities
        for line in priced { quantities[line.position, default: 0] += line.quantity }
        let old = sale.order
        let refundedAmount = Money(minorUnits: old.refundedAmount.minorUnits + amount.minorUnits, currency: .CNY)
        let order = Order(id: old.id, serial: old.serial, businessLine: old.businessLine, orderNo: old.orderNo, amount: old.amount,
                          customerId: nil, items: old.items, subOrders: [], attributes: [:],
                          status: refundedAmount == old.amount ? .refunded : .partiallyRefunded, channel: old.channel, operatorName: old.operatorName,
                          paidAmount: old.paidAmount, refundedAmount: refundedAmount, createdAt: old.createdAt, updatedAt: at, expiresAt: old.expiresAt)
        var lines = sale.refundLines
        lines[refund.id] = priced
        sale = TillSale(order: order, payments: sale.payments, refunds: sale.refunds + [refund], refundLines: lines,
                        refundedQuantities: quantities, lineName: sale.lineName, merchantName: sale.merchantName)
        return (refund, sale)
    }

    func print(_ receipt: ReceiptDocument, directory: String, output: ReceiptOutput) throws(PayError) -> (path: String, printedOn: String?) {
        printed.append(receipt)
        return (directory + "/" + receipt.fileName, output == .none ? nil : output.label)
    }
}
