import PayCore
import PayStore

extension OrderService {
    /// Attaches, changes or (`nil`) removes the customer of an order that is not paid yet — only
    /// while it is CREATED and no payment of it is open (a guarded update), so a payment never runs
    /// under one customer while the order names another. Audited; returns the order as stored.
    /// Throws `conflict` naming what stands in the way, and changes nothing.
    public func setCustomer(of order: Order, to customer: String?) throws(PayError) -> Order {
        try Authorizer.require(.checkout, actor: context.actor)
        try checkVisible(order)
        let customerId = try customer.map(CustomerId.validated)
        let store = context.store
        let now = context.now
        let actor = context.actor
        return try store.write { () throws -> Order in
            guard try store.orders.setCustomer(order.id, customerId: customerId, at: now) else {
                guard let current = try store.orders.find(id: order.id) else { throw PayError.notFound("order '\(order.orderNo)': no longer in the store") }
                if current.status != .created && current.status != .paying {
                    throw PayError.conflict("order '\(order.orderNo)' is \(current.status.rawValue): its customer can no longer change")
                }
                throw PayError.conflict("order '\(order.orderNo)' has a payment in progress: its customer can change once that payment is settled")
            }
            try AuditLog(context).append(actor: actor, action: "order.customer", target: "order:\(order.businessLine)/\(order.orderNo)",
                                         detail: customerId.map { "customer \($0)" } ?? "customer removed")
            guard let updated = try store.orders.find(id: order.id) else { throw PayError.notFound("order '\(order.orderNo)': no longer in the store") }
            return updated
        }
    }
}
