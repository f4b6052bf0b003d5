import PayCore
import PayStore

/// Closes unpaid orders whose expiry has passed. An order with no attempt in flight is closed at
/// once; one with an attempt in flight is left to `closeOrder` (which revokes at the channel first).
public final class ExpiryJob: WorkerJob {
    public let name = "expiry"
    /// How long after a close the channel did not confirm the next one is tried.
    static let retryCloseAfterMs: Int64 = 60_000
    /// When this worker last tried to close each order it could not close (revoke not confirmed).
    private var lastTry: [Int64: Timestamp] = [:]
    /// Closes an order that still has attempts in flight (revoking them at the channel). Nil: skip those.
    let closeInFlight: ((ServiceContext, Order) throws(PayError) -> Void)?

    public init(closeInFlight: ((ServiceContext, Order) throws(PayError) -> Void)? = nil) {
        self.closeInFlight = closeInFlight
    }

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        let expired: [Order] = try store.read { try store.orders.expired(at: now, limit: 200) }
        var closed = 0
        for order in expired {
            let inFlight = try store.read { try store.attempts.forOrder(order.id).contains { $0.status.isInFlight } }
            if inFlight {
                guard let closeInFlight else { continue }
                if let last = lastTry[order.id], now.milliseconds - last.milliseconds < Self.retryCloseAfterMs { continue }
                // why: the channel may not confirm the revoke, or the customer paid first; either way
                // the order is not closed now. It is tried again a minute later, not every round, so
                // a channel that keeps not answering is not asked five times a second.
                do {
                    try closeInFlight(context, order)
                    closed += 1
                    lastTry[order.id] = nil
                } catch {
                    lastTry[order.id] = now
                }
                continue
            }
            let done = try store.write { () throws -> Bool in
                // why: the check above was its own read; a payment started since must not be closed
                // under (the next round hands it to `closeInFlight`).
                guard try !store.attempts.forOrder(order.id).contains(where: { $0.status.isInFlight }) else { return false }
                // why: re-read: an attempt that ended since may have moved the order PAYING → CREATED.
                guard let fresh = try store.orders.find(id: order.id), fresh.status == .created || fresh.status == .paying,
                      try store.orders.transition(order.id, from: fresh.status, to: .closed, at: now),
                      let current = try store.orders.find(id: order.id) else { return false }
                try MerchantNotifications(context).enqueue(current, event: "order.closed")
                return true
            }
            if done { closed += 1 }
        }
        return closed
    }
}
