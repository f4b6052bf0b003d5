import PayCore
import PayStore
import PayChannels

/// Closing an unpaid order, by an operator or at expiry: attempts still in flight are revoked at
/// the channel first; if the channel says the customer paid first, the order is paid, not closed.
public struct CloseService {
    let context: ServiceContext
    let gateway: ChannelGateway

    public init(_ context: ServiceContext, gateway: ChannelGateway) {
        self.context = context
        self.gateway = gateway
    }

    public func close(_ order: Order) throws(PayError) -> Order {
        try Authorizer.require(.closeOrder, actor: context.actor)
        let store = context.store
        guard order.status == .created || order.status == .paying else {
            throw PayError.conflict("order '\(order.orderNo)' is \(order.status.rawValue); only an unpaid order can be closed")
        }
        let inFlight = try store.read { try store.attempts.forOrder(order.id).filter { $0.status.isInFlight } }
        // why: a PROCESSING attempt's pay request may still be on its way; a revoke that overtakes
        // it would fail the attempt while the payment itself then goes through, unrecorded.
        if let busy = inFlight.first(where: { $0.status == .processing || $0.status == .initial }) {
            throw PayError.conflict("order '\(order.orderNo)' has payment \(busy.serial) in progress; close it once the channel has answered")
        }
        for attempt in inFlight {
            guard let account = try store.read({ try store.channelAccounts.find(attempt.account) }) else { continue }
            let plugin = try gateway.plugin(for: account)
            let reply = plugin.close(serial: attempt.serial.rawValue, amount: attempt.amount, revoke: true)
            let result: ChannelResult
            switch reply.result {
            case .succeeded: result = reply.result
            case .declined, .pending:
                result = .declined(code: DeclineCode.closed, message: "closed by \(context.actor.name)")
            case .systemError(let message), .unknown(let message):
                throw PayError.pending("order '\(order.orderNo)': the channel did not confirm the revoke of \(attempt.serial) (\(message)); try again")
            }
            let settled: PaymentAttempt
            do {
                settled = try Settlement(context).apply(result, to: attempt, barcode: false)
            } catch {
                // why: the revoke's answer may say the customer paid first; unrecorded, it must not read as a plain failure.
                throw PayError.pending("order '\(order.orderNo)': the channel answered the revoke of \(attempt.serial), but the answer could not be recorded (\(error.message)); the order is not closed; the center will settle it")
            }
            if settled.status == .succeeded {
                throw PayError.conflict("order '\(order.orderNo)' was paid by \(attempt.serial) before it could be closed")
            }
        }
        let now = context.now
        return try store.write {
            guard let current = try store.orders.find(id: order.id) else { throw PayError.notFound("order vanished") }
            guard current.status == .created || current.status == .paying else {
                throw PayError.conflict("order '\(order.orderNo)' is \(current.status.rawValue); only an unpaid order can be closed")
            }
            // why: the attempts were read (and revoked) in earlier transactions; another process may
            // have started a payment since. Closing under it would leave the charge to be refunded.
            if let busy = try store.attempts.forOrder(current.id).first(where: { $0.status.isInFlight }) {
                throw PayError.conflict("order '\(order.orderNo)' has payment \(busy.serial) in progress (\(busy.status.rawValue)); close it once the channel has answered")
            }
            guard try store.orders.transition(current.id, from: current.status, to: .closed, at: now),
                  let closed = try store.orders.find(id: order.id) else {
                throw PayError.conflict("order '\(order.orderNo)' changed while closing; try again")
            }
            try MerchantNotifications(context).enqueue(closed, event: "order.closed")
            try AuditLog(context).append(actor: context.actor, action: "order.close", target: "order:\(closed.businessLine)/\(closed.orderNo)")
            return closed
        }
    }
}
