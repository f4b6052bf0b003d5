import Foundation
import PayCore
import PayStore
import PayChannels

/// The order detail's timeline (issue 11): everything that happened to one order, in time order —
/// state transitions, channel calls, callbacks, merchant notification attempts, janitor queries
/// and revokes, duplicate and risk records, operator actions, alerts — then what is overdue now.
public struct OrderTimeline {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Everything that happened to the order in time order (oldest first), then the synthetic
    /// overdue rows as of now. Checks the actor may see the order (OrderService.checkVisible).
    public func entries(orderId: Int64) throws(PayError) -> [TimelineEntry] {
        let store = context.store
        guard let order = try store.read({ try store.orders.find(id: orderId) }) else {
            throw PayError.notFound("the order is no longer in the store")
        }
        try OrderService(context).checkVisible(order)
        let sources = try store.snapshot { try TimelineSources.load(order, store: store) }
        let happened = TimelineAssembly(order: order, sources: sources).entries()
        return happened + OverdueRules.entries(order: order, sources: sources, now: context.now)
    }

    /// A raw callback or channel call for the viewer, masked.
    public func raw(_ id: RawRecordID) throws(PayError) -> RawRecord {
        let store = context.store
        switch id {
        case .callback(let number):
            guard let callback = try store.read({ try store.timeline.callback(id: number) }) else {
                throw PayError.notFound("callback:\(number): no such callback")
            }
            try checkVisible(orderId: callback.orderId)
            return RawRecord(callback)
        case .channelCall(let number):
            guard let call = try store.read({ try store.channelCalls.find(id: number) }) else {
                throw PayError.notFound("call:\(number): no such channel call")
            }
            try checkVisible(orderId: call.orderId)
            return RawRecord(call)
        }
    }

    /// A record of an order is shown to who may see the order; one of no order (a callback that
    /// matched nothing) only to who may see every order.
    func checkVisible(orderId: Int64?) throws(PayError) {
        let store = context.store
        guard let orderId, let order = try store.read({ try store.orders.find(id: orderId) }) else {
            try Authorizer.require(.queryOrders, actor: context.actor)
            return
        }
        try OrderService(context).checkVisible(order)
    }
}

/// Everything stored about one order that the timeline reads, each one indexed query.
struct TimelineSources {
    var attempts: [PaymentAttempt] = []
    var refunds: [Refund] = []
    /// The items each refund gave back (till refunds), by refund id.
    var refundLines: [Int64: [RefundLine]] = [:]
    var checks: [AttemptCheck] = []
    var events: [OrderEventRecord] = []
    var calls: [ChannelCallRecord] = []
    var callbacks: [CallbackSummary] = []
    var outbox: [OutboxMessage] = []
    var deliveries: [DeliveryRecord] = []
    var audit: [AuditRecord] = []
    var alerts: [AlertRow] = []
    var challenges: [ChallengeRecord] = []

    static func load(_ order: Order, store: Store) throws -> TimelineSources {
        var sources = TimelineSources()
        sources.attempts = try store.attempts.forOrder(order.id)
        sources.refunds = try store.refunds.forOrder(order.id)
        sources.refundLines = try store.refundLines.forOrder(order.id, currency: order.amount.currency)
        sources.checks = try store.timeline.checks(orderId: order.id)
        sources.events = try store.timeline.events(orderId: order.id)
        sources.calls = try store.channelCalls.forOrder(order.id)
        sources.callbacks = try store.timeline.callbacks(orderId: order.id)
        sources.outbox = try store.outbox.forOrder(order.id)
        sources.deliveries = try store.timeline.deliveries(orderId: order.id)
        // The audit targets in use for an order: "order:LINE/NO" (payments, refunds, closes),
        // "order:ID" (resends), "payment:SERIAL" (duplicates, late successes).
        let targets = ["order:\(order.businessLine)/\(order.orderNo)", "order:\(order.id)"] + sources.attempts.map { "payment:\($0.serial)" }
        sources.audit = try store.timeline.audit(targets: targets)
        // The alert keys in use: "order:ID", "attempt:ID", "refund:ID", "outbox:ID".
        let keys = ["order:\(order.id)"] + sources.attempts.map { "attempt:\($0.id)" } + sources.refunds.map { "refund:\($0.id)" }
            + sources.outbox.map { "outbox:\($0.id)" }
        sources.alerts = try store.timeline.alerts(keys: keys)
        sources.challenges = try store.timeline.challenges(reference: order.serial.rawValue)
        return sources
    }
}
