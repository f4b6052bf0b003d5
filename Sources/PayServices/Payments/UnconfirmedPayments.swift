import PayCore
import PayStore
import PayChannels

/// The rule that an order takes no other channel payment while one of its payments is
/// unconfirmed — UNKNOWN (it may have gone through) or PENDING (the customer may still pay it) —
/// unless a supervisor overrides: charging again could take the customer's money twice.
///
/// `PaymentService.validate` refuses early, saying why and what can be done. What holds when
/// processes race is `persist`: the check and the new PROCESSING attempt are one guarded insert
/// (`PaymentAttemptRepository.insert(_:unlessOrderHas:at:)`), and the store allows one PROCESSING
/// attempt per order (a unique index), so two tills cannot both start a charge.
public struct UnconfirmedPayments {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The statuses that leave a payment unconfirmed.
    public static let statuses: [AttemptStatus] = [.unknown, .pending]

    /// The statuses of the order's other attempts that stop a new one: in flight always,
    /// unconfirmed unless a supervisor overrides.
    static func blocking(override: Bool) -> [AttemptStatus] {
        override ? [.initial, .processing] : [.initial, .processing] + statuses
    }

    /// The order's unconfirmed payments, oldest first; empty when it may be paid again.
    public func of(orderId: Int64) throws(PayError) -> [PaymentAttempt] {
        let store = context.store
        return try store.read { try store.attempts.forOrder(orderId).filter { Self.statuses.contains($0.status) } }
    }

    /// Checks the override of a payment of `order` while `unconfirmed` are open: without one the
    /// payment is refused (conflict, exit 7); the overrider must be logged in already and hold
    /// `overrideUnconfirmed` (exit 8 otherwise). Nothing is written.
    static func checkOverride(_ overrider: Actor?, order: Order, unconfirmed: [PaymentAttempt]) throws(PayError) {
        guard let overrider else { throw refusal(order, unconfirmed) }
        guard Authorizer.allows(.overrideUnconfirmed, actor: overrider) else {
            throw PayError.notPermitted("override by \(overrider.name): \(overrider.role.rawValue)s may not \(Permission.overrideUnconfirmed.phrase); needs \(Authorizer.rolesText(.overrideUnconfirmed))")
        }
    }

    /// Why another payment of `order` is refused while `unconfirmed` are open, and what can be done.
    static func refusal(_ order: Order, _ unconfirmed: [PaymentAttempt]) -> PayError {
        let listed = unconfirmed.map {
            "\($0.serial) (\($0.method.rawValue) via \($0.account), \($0.status.rawValue) since \($0.updatedAt.displayString) UTC)"
        }
        let first = unconfirmed.first?.serial.rawValue
        return PayError.conflict("""
            order '\(order.orderNo)': an earlier payment is still unconfirmed: \(listed.joined(separator: ", ")). \
            It may still go through, so another charge could take the money twice; nothing was charged. \
            Ask the channel now, wait for the center to settle it, or have a supervisor allow another payment
            """).failing(.unconfirmedPayment, subject: first)
    }

    /// The refusal when the guarded insert found another attempt of the order first (inside the
    /// transaction that tried it).
    func refusal(_ order: Order) throws -> PayError {
        let open = try context.store.attempts.forOrder(order.id).filter { !$0.status.isFinal }
        if let busy = open.first(where: { !Self.statuses.contains($0.status) }) {
            return PayError.conflict("order '\(order.orderNo)' has payment \(busy.serial) in progress; wait for it or close the order")
        }
        return Self.refusal(order, open)
    }

    /// Writes the override to the audit log, in the transaction that commits the new attempt.
    func recordOverride(by overrider: Actor, order: Order, attempt: PaymentAttempt) throws {
        let unconfirmed = try context.store.attempts.forOrder(order.id).filter { Self.statuses.contains($0.status) }
        guard !unconfirmed.isEmpty else { return }
        try AuditLog(context).append(
            actor: context.actor, action: "payment.override-unconfirmed", target: "order:\(order.businessLine)/\(order.orderNo)",
            detail: "payment \(attempt.serial) started while \(unconfirmed.map { "\($0.serial) (\($0.status.rawValue))" }.joined(separator: ", ")) unconfirmed; allowed by \(overrider.name) (\(overrider.role.rawValue))")
    }

    /// Asks the channel now about the order's open payments (as `query --refresh` does) and
    /// returns payment `serial` as it stands after.
    public func checkWithChannel(serial: Serial, gateway: ChannelGateway) throws(PayError) -> PaymentAttempt {
        try Authorizer.require(.checkout, actor: context.actor)
        let store = context.store
        let found: (PaymentAttempt, Order)? = try store.read {
            guard let attempt = try store.attempts.find(serial: serial), let order = try store.orders.find(id: attempt.orderId) else { return nil }
            return (attempt, order)
        }
        guard let (attempt, order) = found else { throw PayError.notFound("payment '\(serial)': not found") }
        try Janitor(gateway: gateway).refresh(order, context: context)
        return try store.read { try store.attempts.find(id: attempt.id) } ?? attempt
    }
}
