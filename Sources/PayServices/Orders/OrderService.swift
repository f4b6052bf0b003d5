import PayCore
import PayStore

/// An order with everything that happened to it, as `query` and the order detail screen show it.
public struct OrderDetail: Sendable {
    public let order: Order
    public let attempts: [PaymentAttempt]
    public let refunds: [Refund]
    /// The items each refund gave back (refunds by items at the till), by refund id.
    public var refundLines: [Int64: [RefundLine]] = [:]

    public init(order: Order, attempts: [PaymentAttempt], refunds: [Refund], refundLines: [Int64: [RefundLine]] = [:]) {
        self.order = order
        self.attempts = attempts
        self.refunds = refunds
        self.refundLines = refundLines
    }
}

/// Creating, finding and listing orders.
public struct OrderService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Creates an order, or returns the one already created with the same business line, order no
    /// and parameters (`created == false`). Other parameters under that order no: conflict.
    public func create(_ draft: OrderDraft) throws(PayError) -> (order: Order, created: Bool) {
        try Authorizer.require(.checkout, actor: context.actor)
        let draft = try draft.validated()
        let store = context.store
        return try store.write {
            let line = try store.businessLines.require(draft.businessLine)
            guard try draft.amount.currency == line.defaultCurrency || store.channelAccountsAccept(draft.amount.currency) else {
                throw PayError.invalidInput("currency '\(draft.amount.currency)': no channel account of this store takes it")
            }
            let result = try store.orders.create(draft, serial: context.serials.next(.order), at: context.now,
                                                 operator: context.actor.name)
            if result.created {
                try AuditLog(context).append(actor: context.actor, action: "order.create",
                                             target: "order:\(draft.businessLine)/\(draft.orderNo)",
                                             detail: "\(draft.amount), serial \(result.order.serial)")
            }
            return result
        }
    }

    /// Refuses an order the actor may not see: a cashier sees the sales they rang up, the orders
    /// they took a payment for, and — the shared till — any order still waiting to be paid, so the
    /// one who takes the payment can load it by its number (`pay`, `query` and the console alike).
    public func checkVisible(_ order: Order) throws(PayError) {
        if Authorizer.allows(.queryOrders, actor: context.actor) { return }
        try Authorizer.require(.queryOwnOrders, actor: context.actor)
        guard try isOwnSale(order) || isPayableAtTheTill(order) else {
            throw PayError.notPermitted("\(context.actor.name) (\(context.actor.role.rawValue)) may not look up order '\(order.orderNo)': it is not their sale; needs \(Authorizer.rolesText(.queryOrders))")
        }
    }

    /// Still waiting to be paid, and the actor takes payments.
    func isPayableAtTheTill(_ order: Order) -> Bool {
        (order.status == .created || order.status == .paying) && Authorizer.allows(.checkout, actor: context.actor)
    }

    /// Rung up by the actor, or paid (tried) by the actor.
    func isOwnSale(_ order: Order) throws(PayError) -> Bool {
        if order.operatorName == context.actor.name { return true }
        let store = context.store
        let name = context.actor.name
        return try store.read { try store.attempts.taken(orderId: order.id, by: name) }
    }

    /// The order and its attempts and refunds.
    public func detail(_ order: Order) throws(PayError) -> OrderDetail {
        try checkVisible(order)
        let store = context.store
        return try store.read {
            OrderDetail(order: order, attempts: try store.attempts.forOrder(order.id), refunds: try store.refunds.forOrder(order.id),
                        refundLines: try store.refundLines.forOrder(order.id, currency: order.amount.currency))
        }
    }

    /// The order with this id (the browser's rows carry it).
    public func find(id: Int64) throws(PayError) -> Order {
        let store = context.store
        let found = try store.read { try store.orders.find(id: id) }
        guard let found else { throw PayError.notFound("the order is no longer in the store") }
        try checkVisible(found)
        return found
    }

    public func find(_ line: BusinessLineCode, _ orderNo: MerchantOrderNo) throws(PayError) -> Order {
        let store = context.store
        let found = try store.read { try store.orders.find(line, orderNo) }
        guard let found else { throw PayError.notFound("order '\(orderNo)' of \(line): not found") }
        try checkVisible(found)
        return found
    }

    /// The order a serial names: the order's own, a payment's, or a refund's.
    public func find(serial text: String) throws(PayError) -> Order {
        let serial = try Serial(text)
        let store = context.store
        let found: Order? = try store.read { () throws -> Order? in
            switch serial.kind {
            case .order: return try store.orders.find(serial: serial)
            case .payment:
                guard let attempt = try store.attempts.find(serial: serial) else { return nil }
                return try store.orders.find(id: attempt.orderId)
            case .refund:
                guard let refund = try store.refunds.find(serial: serial) else { return nil }
                return try store.orders.find(id: refund.orderId)
            case nil: return nil
            }
        }
        guard let found else { throw PayError.notFound("serial '\(text)': no order, payment or refund has it") }
        try checkVisible(found)
        return found
    }

    /// The order a channel's own serial names.
    public func find(channelSerial: String) throws(PayError) -> Order {
        let store = context.store
        let found: Order? = try store.read { () throws -> Order? in
            guard let orderId = try store.attempts.orderId(channelSerial: channelSerial)
                    ?? store.refunds.orderId(channelRefundSerial: channelSerial) else { return nil }
            return try store.orders.find(id: orderId)
        }
        guard let found else { throw PayError.notFound("channel serial '\(channelSerial)': no payment or refund has it") }
        try checkVisible(found)
        return found
    }

    /// Orders any identifier names (order no, any serial, any channel serial, refund no).
    public func search(_ identifier: String) throws(PayError) -> [Order] {
        let store = context.store
        let found = try store.read { try store.orders.lookup(identifier) }
        if Authorizer.allows(.queryOrders, actor: context.actor) { return found }
        try Authorizer.require(.queryOwnOrders, actor: context.actor)
        var own: [Order] = []
        for order in found where try isOwnSale(order) || isPayableAtTheTill(order) { own.append(order) }
        return own
    }

    /// One page of orders, newest first.
    public func page(_ filter: OrderFilter, after cursor: OrderCursor?, limit: Int) throws(PayError) -> (orders: [Order], next: OrderCursor?) {
        guard (1...1000).contains(limit) else { throw PayError.invalidInput("limit '\(limit)': between 1 and 1000") }
        var filter = filter
        if !Authorizer.allows(.queryOrders, actor: context.actor) {
            try Authorizer.require(.queryOwnOrders, actor: context.actor)
            filter.operatorName = context.actor.name
        }
        let store = context.store
        return try store.read { try store.orders.page(filter, after: cursor, limit: limit) }
    }
}

extension Store {
    /// Whether some channel account of this store takes the currency (an empty store takes any).
    func channelAccountsAccept(_ currency: Currency) throws -> Bool {
        let accounts = try channelAccounts.all()
        return accounts.isEmpty || accounts.contains { $0.currencies.contains(currency) }
    }
}
