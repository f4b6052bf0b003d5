import Foundation
import PayCore
import PayStore
import PayChannels

/// A sale as the till shows it after payment: the order, its payments and refunds, which items
/// each refund gave back, and how many of each item are still refundable.
public struct TillSale: Sendable {
    public let order: Order
    public let payments: [PaymentAttempt]
    public let refunds: [Refund]
    /// The lines of each refund, by refund id (refunds by amount have none).
    public let refundLines: [Int64: [RefundLine]]
    /// How many of each item (by position) refunds not failed have given back.
    public let refundedQuantities: [Int: Int64]
    /// The business line's name and its merchant's name, for the receipt.
    public let lineName: String
    public let merchantName: String?

    public init(order: Order, payments: [PaymentAttempt], refunds: [Refund], refundLines: [Int64: [RefundLine]],
                refundedQuantities: [Int: Int64], lineName: String, merchantName: String?) {
        self.order = order
        self.payments = payments
        self.refunds = refunds
        self.refundLines = refundLines
        self.refundedQuantities = refundedQuantities
        self.lineName = lineName
        self.merchantName = merchantName
    }

    /// The payment that paid the order (the first succeeded one that is not a duplicate).
    public var paidBy: PaymentAttempt? { payments.first { $0.status == .succeeded } }

    /// How many of the item at `position` may still be refunded.
    public func refundable(_ position: Int) -> Int64 {
        guard order.items.indices.contains(position) else { return 0 }
        return max(0, order.items[position].quantity - (refundedQuantities[position] ?? 0))
    }

    /// Whether the order can be refunded at all now.
    public var isRefundable: Bool {
        (order.status == .paid || order.status == .partiallyRefunded) && paidBy != nil
    }
}

/// The till's own questions of the services: loading a sale by any identifier (saying when it is
/// another operator's), today's sales of the operator, refunds by items with a supervisor's
/// approval, and the same-day void. Money moves only through `RefundService` (under an
/// idempotency key), so the refund cap, the operator's limit and the audit are the usual ones.
public struct TillService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The reason written on a void's refund, and shown on its receipt.
    public static let voidReason = "VOID"

    /// The order an identifier names (order no, any serial, channel serial, refund no), newest
    /// first when several do. An order the operator may not see is refused as another
    /// operator's sale, not as missing.
    public func find(_ identifier: String) throws(PayError) -> Order {
        let text = identifier.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw PayError.invalidInput("order: type an order no, serial or channel serial") }
        let store = context.store
        let found = try store.read { try store.orders.lookup(text) }
        guard !found.isEmpty else { throw PayError.notFound("no order has '\(text)' as its order no, serial or channel serial") }
        let orders = OrderService(context)
        var refusal: PayError?
        for order in found {
            do {
                try orders.checkVisible(order)
                return order
            } catch where error.kind == .notPermitted {
                refusal = refusal ?? error
            }
        }
        let order = found[0]
        guard Authorizer.allows(.queryOwnOrders, actor: context.actor) else { throw refusal ?? PayError.notPermitted("may not look up orders") }
        throw PayError.notPermitted("order '\(order.orderNo)' belongs to another operator (\(order.operatorName ?? "unknown")): \(context.actor.name) may load only own sales; a supervisor can look it up")
    }

    /// The sale with its payments, refunds and refund lines (the operator must be allowed to see it).
    public func sale(orderId: Int64) throws(PayError) -> TillSale {
        let order = try OrderService(context).find(id: orderId)
        let store = context.store
        return try store.read { () throws -> TillSale in
            let line = try store.businessLines.find(order.businessLine)
            let merchant = try line?.merchantId.flatMap { try store.merchants.find($0) }
            return TillSale(order: order, payments: try store.attempts.forOrder(order.id), refunds: try store.refunds.forOrder(order.id),
                            refundLines: try store.refundLines.forOrder(order.id, currency: order.amount.currency),
                            refundedQuantities: try store.refundLines.refundedQuantities(orderId: order.id),
                            lineName: line?.name ?? order.businessLine.description, merchantName: merchant?.name)
        }
    }

    /// The operator's own sales made today (the store's clock, UTC day), newest first.
    public func todaysSales(limit: Int = 50) throws(PayError) -> [Order] {
        var filter = OrderFilter()
        filter.since = Self.startOfDay(context.now)
        filter.operatorName = context.actor.name
        return try OrderService(context).page(filter, after: nil, limit: limit).orders
    }

    /// The first millisecond of the (UTC) day `time` falls in.
    public static func startOfDay(_ time: Timestamp) -> Timestamp {
        let day: Int64 = 86_400_000
        let ms = time.milliseconds
        return Timestamp(milliseconds: ms >= 0 ? ms - ms % day : ms - ((ms % day) + day) % day)
    }

    /// What a refund of `lines` of the sale would cost, and nil or the words saying a supervisor
    /// must approve it (above the operator's limit). Other refusals (not their sale, nothing left
    /// of an item) are thrown, so the till says them before asking anyone for a password.
    public func check(_ sale: TillSale, lines requested: [RefundLineRequest]) throws(PayError) -> (amount: Money, approval: String?) {
        guard sale.isRefundable, let payment = sale.paidBy else {
            throw PayError.conflict("order '\(sale.order.orderNo)' is \(sale.order.status.rawValue): nothing to refund")
        }
        let lines = try RefundLineRequest.priced(requested, items: sale.order.items)
        var amount = Money.zero(payment.amount.currency)
        for line in lines {
            guard line.quantity <= sale.refundable(line.position) else {
                throw PayError.conflict("refund line \(line.position + 1) '\(line.name)': \(line.quantity) asked, \(sale.refundable(line.position)) left to refund")
            }
            amount = try amount.adding(line.amount)
        }
        let store = context.store
        let actor = context.actor
        let earlier = Money(minorUnits: try store.read { try store.refunds.committedMinor(orderId: sale.order.id, operatorName: actor.name, currency: amount.currency) },
                            currency: amount.currency)
        let authorization = RefundAuthorization(context)
        do {
            _ = try authorization.check(actor: actor, approver: nil, saleOperator: sale.order.operatorName, amount: amount, earlier: earlier)
            return (amount, nil)
        } catch where error.kind == .notPermitted {
            // why: the refusal reads the same whether the sale is not theirs or the limit is passed;
            // only in the second case would a supervisor's approval let it through.
            let probe = Actor(name: "\u{1}approver", role: .supervisor, origin: actor.origin)
            guard (try? authorization.check(actor: actor, approver: probe, saleOperator: sale.order.operatorName, amount: amount, earlier: earlier)) != nil else {
                throw error
            }
            return (amount, error.message)
        }
    }

    /// Refunds the items chosen, under `key` (a retried submit replays the first answer), with
    /// `approver` when the amount is above the operator's limit; `void` writes the reason VOID.
    public func refund(orderId: Int64, lines: [RefundLineRequest], approver: Actor?, reason: String?, key: IdempotencyKey,
                       gateway: ChannelGateway) throws(PayError) -> Refund {
        let order = try OrderService(context).find(id: orderId)
        var input = RefundRequestInput(order: (order.businessLine, order.orderNo), amountText: nil, reason: reason, idempotencyKey: key)
        input.lines = lines
        input.approver = approver
        let answer = try IdempotentRequests(context).refund(input, gateway: gateway).outcome
        let store = context.store
        guard let refund = try store.read({ try store.refunds.find(serial: try Serial(answer.result.refund.serial)) }) else {
            throw PayError.internal("refund \(answer.result.refund.serial) is not in the store")
        }
        return refund
    }

    /// The void of a sale: the same day it was paid, every item not yet refunded, as one refund
    /// labelled VOID. No channel here revokes a paid trade (a revoke answering "paid" means the
    /// customer paid first), so a void is this full refund; see ARCHITECTURE "The till".
    public func voidLines(_ sale: TillSale) throws(PayError) -> [RefundLineRequest] {
        guard sale.isRefundable, let payment = sale.paidBy else {
            throw PayError.conflict("order '\(sale.order.orderNo)' is \(sale.order.status.rawValue): nothing to void")
        }
        guard Self.startOfDay(payment.updatedAt) == Self.startOfDay(context.now) else {
            throw PayError.conflict("order '\(sale.order.orderNo)' was paid on \(payment.updatedAt.iso8601.prefix(10)): a void is for today's sales; refund its items instead")
        }
        guard sale.refunds.allSatisfy({ $0.status == .failed }) else {
            throw PayError.conflict("order '\(sale.order.orderNo)' has refunds already: refund the rest of its items instead")
        }
        let lines = sale.order.items.indices.compactMap { position in
            sale.refundable(position) > 0 ? RefundLineRequest(position: position, quantity: sale.refundable(position)) : nil
        }
        guard !lines.isEmpty else { throw PayError.conflict("order '\(sale.order.orderNo)': every item is refunded already") }
        return lines
    }
}
