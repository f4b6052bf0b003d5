import PayCore
import PayStore

// What each repair action will change, read-only: the console's preview and `--preview`.
extension RepairDesk {
    /// What the action will change, read-only; `refusal` set when it cannot be taken now.
    /// Throws only when the order cannot be found or the actor may not see it.
    public func preview(_ action: RepairAction, orderId: Int64) throws(PayError) -> RepairPreview {
        let order = try visibleOrder(orderId)
        let store = context.store
        return try store.read { () throws -> RepairPreview in
            var draft = Draft(action: action, order: order)
            do {
                try Authorizer.require(Self.permission(for: action), actor: context.actor)
                try describe(&draft, order: order)
            } catch let error as PayError where [.notPermitted, .conflict, .notFound, .invalidInput].contains(error.kind) {
                draft.refusal = draft.refusal ?? error.message
            }
            return draft.preview
        }
    }

    /// A preview being written.
    struct Draft {
        let action: RepairAction
        let order: Order
        var title = ""
        var changes: [String] = []
        var refundable: Money?
        var needsApprover = false
        var refusal: String?

        var preview: RepairPreview {
            RepairPreview(action: action, title: title.isEmpty ? RepairDesk.name(of: action) : title, changes: changes,
                          refundable: refundable, needsApprover: needsApprover, refusal: refusal, version: OrderVersion(order))
        }
    }

    func describe(_ draft: inout Draft, order: Order) throws {
        let store = context.store
        let orderText = "order \(order.orderNo)"
        switch draft.action {
        case .refund(let serial, let asked):
            let attempt = try refundablePayment(serial, of: order)
            let refundable = Money(minorUnits: attempt.amount.minorUnits - (try store.refunds.committedMinor(attemptId: attempt.id)),
                                   currency: attempt.amount.currency)
            let amount = asked ?? refundable
            draft.refundable = refundable
            draft.title = "Refund \(amount) of \(orderText)"
            guard order.status == .paid || order.status == .partiallyRefunded else {
                throw PayError.conflict("\(orderText) is \(order.status.rawValue); only a paid order can be refunded")
            }
            guard refundable.isPositive else { throw PayError.conflict("payment \(attempt.serial) is refunded in full; nothing is left to refund") }
            guard amount.currency == refundable.currency else {
                throw PayError.invalidInput("amount \(amount): payment \(attempt.serial) is in \(refundable.currency)")
            }
            guard amount.isPositive else { throw PayError.invalidInput("amount \(amount): must be above zero") }
            guard amount.minorUnits <= refundable.minorUnits else {
                throw PayError.invalidInput("amount \(amount): at most \(refundable) of payment \(attempt.serial) can still be refunded")
            }
            let duplicate = try store.attempts.duplicateState(attempt.id).duplicate
            if duplicate {
                draft.changes.append("\(orderText) stays \(order.status.rawValue) (\(attempt.serial) is a duplicate payment)")
            } else {
                let refunded = order.refundedAmount.minorUnits + amount.minorUnits
                let next: OrderStatus = refunded >= order.paidAmount.minorUnits ? .refunded : .partiallyRefunded
                draft.changes.append("\(orderText) \(order.status.rawValue) → \(next.rawValue)")
            }
            let left = Money(minorUnits: refundable.minorUnits - amount.minorUnits, currency: amount.currency)
            draft.changes.append("payment \(attempt.serial): \(amount) of \(attempt.amount) refunded, \(left) left refundable")
            draft.changes.append("the customer gets \(amount) back on \(attempt.channel) (\(attempt.account))")
            let earlier = Money(minorUnits: try store.refunds.committedMinor(orderId: order.id, operatorName: context.actor.name,
                                                                             currency: amount.currency), currency: amount.currency)
            let authorization = RefundAuthorization(context)
            do {
                _ = try authorization.check(actor: context.actor, approver: nil, saleOperator: order.operatorName, amount: amount,
                                            earlier: earlier)
            } catch {
                // why: the same refusal with a supervisor beside the operator passing means only an approval is missing.
                let someone = Actor(name: "\u{1}approver", role: .supervisor, origin: context.actor.origin)
                guard (try? authorization.check(actor: context.actor, approver: someone, saleOperator: order.operatorName,
                                                amount: amount, earlier: earlier)) != nil else { throw error }
                draft.needsApprover = true
                draft.changes.append("above \(context.actor.name)'s refund limit: a supervisor or admin approves with their password")
            }
        case .queryChannel:
            draft.title = "Ask the channel about \(orderText) now"
            let attempts = try store.attempts.forOrder(order.id).filter { !$0.status.isFinal && $0.status != .processing }
            let refunds = try store.refunds.forOrder(order.id).filter { !$0.status.isFinal }
            guard !attempts.isEmpty || !refunds.isEmpty else {
                throw PayError.conflict("nothing of \(orderText) waits for the channel: its payments and refunds are final or still being sent")
            }
            for attempt in attempts {
                draft.changes.append("payment \(attempt.serial) (\(attempt.status.rawValue)) asked at \(attempt.channel): its answer may make it SUCCEEDED or FAILED, and the order with it")
            }
            for refund in refunds {
                draft.changes.append("refund \(refund.serial) (\(refund.status.rawValue)) asked at the channel: its answer may make it SUCCEEDED or FAILED")
            }
            draft.changes.append("no money moves: the center only records what the channel says happened")
        case .close:
            draft.title = "Close \(orderText)"
            guard order.status == .created || order.status == .paying else {
                throw PayError.conflict("\(orderText) is \(order.status.rawValue); only an unpaid order can be closed")
            }
            let inFlight = try store.attempts.forOrder(order.id).filter { $0.status.isInFlight }
            if let busy = inFlight.first(where: { $0.status == .processing || $0.status == .initial }) {
                throw PayError.conflict("\(orderText) has payment \(busy.serial) in progress; close it once the channel has answered")
            }
            draft.changes.append("\(orderText) \(order.status.rawValue) → CLOSED")
            for attempt in inFlight {
                draft.changes.append("payment \(attempt.serial) (\(attempt.status.rawValue)) revoked at \(attempt.channel) first; if the customer paid first, the order is paid instead")
            }
            draft.changes.append("the customer pays nothing: a pay code shown can no longer be used")
        case .resendNotification:
            draft.title = "Resend the merchant notification of \(orderText)"
            guard let last = try store.outbox.forOrder(order.id).last else {
                throw PayError.conflict("\(orderText) has no merchant notification to resend")
            }
            draft.changes.append("\(last.topic) #\(last.id) (\(last.status), \(last.attempts) attempt\(last.attempts == 1 ? "" : "s")\(last.lastError.map { ", last: \($0)" } ?? "")) sent again now, with the order as it is (\(order.status.rawValue))")
            draft.changes.append("no status or amount changes; the customer is not affected")
        case .holdDuplicateRefund(let serial), .releaseDuplicateRefund(let serial):
            let hold: Bool
            if case .holdDuplicateRefund = draft.action { hold = true } else { hold = false }
            let attempt = try payment(serial, of: order)
            draft.title = "\(hold ? "Hold" : "Release") the automatic refund of duplicate payment \(serial)"
            let state = try store.attempts.duplicateState(attempt.id)
            guard state.duplicate else { throw PayError.conflict("payment \(serial) is not a duplicate payment; nothing to hold") }
            guard state.held != hold else {
                throw PayError.conflict("the automatic refund of payment \(serial) is already \(hold ? "held" : "released")")
            }
            if hold {
                draft.changes.append("the automatic refund of \(attempt.amount) is held: the customer does not get it back until it is released")
            } else {
                draft.changes.append("the automatic refund goes ahead at the next duplicate scan: the customer gets \(attempt.amount) back on \(attempt.channel)")
            }
            draft.changes.append("\(orderText) stays \(order.status.rawValue)")
        case .settleByHand(let serial, let outcome):
            let attempt = try payment(serial, of: order)
            draft.title = "Settle payment \(serial) as \(outcome.rawValue) by hand"
            guard outcome == .succeeded || outcome == .failed else {
                throw PayError.invalidInput("settle payment \(serial) as \(outcome.rawValue): only SUCCEEDED or FAILED")
            }
            guard attempt.status == .unknown else {
                throw PayError.conflict("payment \(serial) is \(attempt.status.rawValue); only an UNKNOWN payment is settled by hand")
            }
            draft.changes.append("payment \(serial) UNKNOWN → \(outcome.rawValue) (by hand; the janitor stops asking)")
            if outcome == .succeeded {
                if order.status == .paying, order.paidAmount.minorUnits + attempt.amount.minorUnits >= order.amount.minorUnits {
                    draft.changes.append("\(orderText) PAYING → PAID; the merchant is notified (order.paid)")
                    draft.changes.append("the customer has paid \(attempt.amount) on \(attempt.channel)")
                } else {
                    draft.changes.append("\(orderText) is \(order.status.rawValue): the payment is a duplicate and \(attempt.amount) goes back to the customer automatically")
                }
            } else {
                let others = try store.attempts.forOrder(order.id).contains {
                    $0.id != attempt.id && ($0.status.isInFlight || $0.status == .succeeded)
                }
                if order.status == .paying, order.paidAmount.minorUnits == 0, !others {
                    draft.changes.append("\(orderText) PAYING → CREATED (payable again)")
                } else {
                    draft.changes.append("\(orderText) stays \(order.status.rawValue)")
                }
                draft.changes.append("the customer is not charged: if the channel did take \(attempt.amount), it must be refunded there by hand")
            }
        }
    }

    /// A payment of this order by serial.
    func payment(_ serial: Serial, of order: Order) throws -> PaymentAttempt {
        guard let attempt = try context.store.attempts.find(serial: serial), attempt.orderId == order.id else {
            throw PayError.notFound("payment '\(serial)' is not a payment of order \(order.orderNo)")
        }
        return attempt
    }

    /// The payment to refund: the one named, or the order's one succeeded payment (duplicates aside).
    func refundablePayment(_ serial: Serial?, of order: Order) throws -> PaymentAttempt {
        if let serial {
            let attempt = try payment(serial, of: order)
            guard attempt.status == .succeeded else {
                throw PayError.conflict("payment \(serial) is \(attempt.status.rawValue); only a succeeded payment can be refunded")
            }
            return attempt
        }
        let store = context.store
        let paid = try store.attempts.forOrder(order.id).filter { $0.status == .succeeded }
            .filter { !(try store.attempts.duplicateState($0.id).duplicate) }
        guard let first = paid.first else { throw PayError.conflict("order \(order.orderNo) has no succeeded payment to refund") }
        guard paid.count == 1 else {
            throw PayError.invalidInput("order \(order.orderNo) has \(paid.count) succeeded payments; name one (\(paid.map(\.serial.rawValue).joined(separator: ", ")))")
        }
        return first
    }

    /// A short name for an action, for titles and the audit log.
    static func name(of action: RepairAction) -> String {
        switch action {
        case .refund: "refund"
        case .queryChannel: "query"
        case .close: "close"
        case .resendNotification: "resend"
        case .holdDuplicateRefund: "duplicate.hold"
        case .releaseDuplicateRefund: "duplicate.release"
        case .settleByHand: "settle"
        }
    }

    /// The permission an action needs before anything else is looked at (the services check again, more finely).
    static func permission(for action: RepairAction) -> Permission {
        switch action {
        case .refund: .refundOwnSale
        case .queryChannel: .queryOwnOrders
        case .close: .closeOrder
        case .resendNotification: .resendNotification
        case .holdDuplicateRefund, .releaseDuplicateRefund: .refundAny
        case .settleByHand: .settleByHand
        }
    }
}
