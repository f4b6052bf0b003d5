import PayCore

/// How a refund was allowed, for the refund's audit entry.
public enum RefundApproval: Sendable, Hashable {
    /// Within the actor's own rights and limit.
    case withinRights
    /// Above the actor's limit, approved by this (different, supervisor or admin) operator.
    case approved(by: String)
}

/// Whether an actor may refund a sale (§8): a cashier refunds only own sales; an operator without
/// `approveRefund` refunds up to their limit, and above it needs an approver who holds
/// `approveRefund` and is a different person.
///
/// The limit covers the sum of the actor's refunds of the sale that have not failed, the one
/// asked for included, so splitting a refund does not slip under it. The payment core calls
/// `check` inside the transaction that inserts the refund, with that sum read in it, so two
/// processes cannot both pass it.
public struct RefundAuthorization {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Looks up the actor's refund limit and decides. `approver` must already be authenticated
    /// (`OperatorService.login`); `saleOperator` is the `operator` of the order or attempt.
    /// `earlier` is what the actor has already refunded of this sale (refunds not failed).
    public func check(actor: Actor, approver: Actor?, saleOperator: String?, amount: Money,
                      earlier: Money? = nil) throws(PayError) -> RefundApproval {
        var limit: Money?
        if !Authorizer.allows(.approveRefund, actor: actor), actor.role != .service {
            limit = try OperatorService(context).refundLimit(of: actor.name)
        }
        return try Self.decide(actor: actor, approver: approver, saleOperator: saleOperator, amount: amount, limit: limit,
                               earlier: earlier)
    }

    /// The decision itself, given the actor's limit (ignored for actors who may approve refunds)
    /// and what the actor has already refunded of the sale.
    public static func decide(actor: Actor, approver: Actor?, saleOperator: String?, amount: Money,
                              limit: Money?, earlier: Money? = nil) throws(PayError) -> RefundApproval {
        if !Authorizer.allows(.refundAny, actor: actor) {
            try Authorizer.require(.refundOwnSale, actor: actor)
            guard let saleOperator, saleOperator == actor.name else {
                let seller = saleOperator.map { "'\($0)'" } ?? "no operator"
                throw PayError.notPermitted("\(actor.name) (\(actor.role.rawValue)) refunds only own sales; this sale was made by \(seller): needs \(Authorizer.rolesText(.refundAny))")
            }
        }
        if Authorizer.allows(.approveRefund, actor: actor) { return .withinRights }
        // why: a business line's own system refunds its line's orders as its own business decision
        // (no per-operator limit, no approval step); it holds refundAny, checked above.
        if actor.role == .service { return .withinRights }
        let limit = limit ?? Money.zero(amount.currency)
        let earlier = earlier.flatMap { $0.isPositive ? $0 : nil }
        // why checked: the sum of outside amounts must refuse, never trap, when it passes Int64.
        let total = try earlier.map { earlier throws(PayError) in try amount.adding(earlier) } ?? amount
        let within = limit.currency == amount.currency && total.minorUnits <= limit.minorUnits
        if within { return .withinRights }
        let limitText = limit.currency == amount.currency ? limit.decimalString : "\(limit) covers \(limit.currency) only"
        let sum = earlier.map { " (\(total.decimalString) with the \($0) already refunded of this sale by \(actor.name))" } ?? ""
        let needed = "refund of \(amount)\(sum) needs a supervisor's approval (limit \(limitText) for \(actor.role.rawValue) \(actor.name))"
        guard let approver else { throw PayError.notPermitted(needed) }
        guard approver.name != actor.name else {
            throw PayError.notPermitted("\(needed): the approver must be someone else than \(actor.name)")
        }
        guard Authorizer.allows(.approveRefund, actor: approver) else {
            throw PayError.notPermitted("\(needed): \(approver.name) is \(approver.role.rawValue) and may not approve; needs \(Authorizer.rolesText(.approveRefund))")
        }
        return .approved(by: approver.name)
    }
}
