import Foundation
import PayCore
import PayStore
import PayChannels

/// Support's repair actions on one order (issue 11): refund, query the channel now, close, resend
/// the merchant notification, hold or release an automatic duplicate refund, settle an UNKNOWN
/// payment by hand. The console and the command line both come here, so they share one path.
///
/// Each action is previewed first (`preview`, read-only), then taken with `perform`: permission
/// first, then a reason, then the order must still be as previewed (`OrderVersion`), then the
/// effect through the existing services, audited with the reason. An idempotency key makes a
/// repeat answer the first result and do nothing.
public struct RepairDesk {
    let context: ServiceContext
    let gateway: ChannelGateway

    /// The longest reason kept.
    public static let maxReasonLength = 500
    /// The idempotency scope of repair actions (`IdempotencyRepository`).
    static let idempotencyScope = "repair"

    public init(_ context: ServiceContext, gateway: ChannelGateway) {
        self.context = context
        self.gateway = gateway
    }

    /// The actions this operator may take on the order now (the console's action menu): those
    /// whose preview has no refusal. A refund above the operator's limit is listed (it needs an approver).
    public func actions(orderId: Int64) throws(PayError) -> [RepairAction] {
        let order = try visibleOrder(orderId)
        let store = context.store
        let attempts = try store.read { () throws -> [(PaymentAttempt, duplicate: Bool)] in
            try store.attempts.forOrder(order.id).map { ($0, try store.attempts.duplicateState($0.id).duplicate) }
        }
        var candidates: [RepairAction] = []
        for (attempt, duplicate) in attempts where attempt.status == .succeeded && !duplicate {
            candidates.append(.refund(payment: attempt.serial, amount: nil))
        }
        candidates += [.queryChannel, .close, .resendNotification]
        for (attempt, duplicate) in attempts where duplicate {
            candidates += [.holdDuplicateRefund(payment: attempt.serial), .releaseDuplicateRefund(payment: attempt.serial)]
        }
        for (attempt, _) in attempts where attempt.status == .unknown {
            candidates += [.settleByHand(payment: attempt.serial, outcome: .succeeded), .settleByHand(payment: attempt.serial, outcome: .failed)]
        }
        var allowed: [RepairAction] = []
        for action in candidates where try preview(action, orderId: orderId).refusal == nil { allowed.append(action) }
        return allowed
    }

    /// Takes the action: permission first, then reason required (non-empty, trimmed, ≤ 500
    /// chars), then the order must still be at request.expected (else PayError.conflict naming the
    /// new state), then the effect through the existing services, audited with the reason;
    /// the same idempotencyKey again returns the first result and does nothing.
    public func perform(_ request: RepairRequest, orderId: Int64) throws(PayError) -> RepairResult {
        try Authorizer.require(Self.permission(for: request.action), actor: context.actor)
        let order = try visibleOrder(orderId)
        let reason = try Self.validReason(request.reason)
        let key = try IdempotencyKey(request.idempotencyKey, field: "idempotency key")
        // why: a refusal (a conflict too: the order moved since the preview) changed nothing, so a
        // corrected retry under the same key must work; a failure after the channel was called is
        // kept and answered again, never retried blindly.
        let summary = try IdempotentRequests(context).run(
            scope: Self.idempotencyScope, key: key, request: "order=\(orderId)&action=\(request.action)&reason=\(reason)",
            releasing: IdempotentRequests.releasingKinds.union([.conflict])
        ) { () throws(PayError) in
            try take(request, reason: reason, key: key, order: order)
        }
        return RepairResult(summary: summary.outcome, order: try currentOrder(orderId))
    }

    /// The action's effect, once the request is known to be new.
    private func take(_ request: RepairRequest, reason: String, key: IdempotencyKey, order: Order) throws(PayError) -> String {
        let store = context.store
        let expected = request.expected
        try store.read { try Self.checkVersion(expected, orderId: order.id, store: store) }
        var draft = Draft(action: request.action, order: order)
        // why: the same checks the preview made, now with their own error kinds (a refusal is not a failure).
        try store.read { try describe(&draft, order: order) }
        let orderText = "order \(order.orderNo)"
        let audit = { (summary: String) throws(PayError) in
            _ = try AuditLog(context).append(actor: context.actor, action: "repair.\(Self.name(of: request.action))",
                                         target: "order:\(order.businessLine)/\(order.orderNo)",
                                         detail: "\(summary); reason: \(reason); key \(key)")
        }
        switch request.action {
        case .refund(let serial, let asked):
            let attempt = try store.read { try refundablePayment(serial, of: order) }
            let amount = asked ?? draft.refundable ?? attempt.amount
            var input = RefundRequestInput(paymentSerial: attempt.serial, amountText: amount.decimalString,
                                           reason: String(reason.prefix(256)))
            input.expected = expected
            if let approver = request.approver, draft.needsApprover {
                input.approver = try OperatorService(context).login(name: approver.name, password: approver.password,
                                                                    origin: context.actor.origin)
            }
            let (refund, _, after) = try RefundService(context, gateway: gateway).refund(input)
            let summary = "refund \(refund.serial) of \(refund.amount) on payment \(attempt.serial): \(refund.status.rawValue); \(orderText) is \(after.status.rawValue)"
            try audit(summary)
            return summary
        case .queryChannel:
            try Janitor(gateway: gateway).refresh(order, context: context)
            let attempts = try store.read { try store.attempts.forOrder(order.id) }
            let after = try currentOrder(order.id)
            let summary = "asked the channel: \(attempts.map { "\($0.serial) \($0.status.rawValue)" }.joined(separator: ", ")); \(orderText) is \(after.status.rawValue)"
            try audit(summary)
            return summary
        case .close:
            // why: the revokes are channel calls and cannot sit in a transaction; the version was
            // checked just before them and the close itself is a guarded update on the status.
            let closed = try CloseService(context, gateway: gateway).close(order)
            let summary = "\(orderText) \(order.status.rawValue) → \(closed.status.rawValue)"
            try audit(summary)
            return summary
        case .resendNotification:
            return try store.write { () throws -> String in
                try Self.checkVersion(expected, orderId: order.id, store: store)
                _ = try MerchantNotifications(context).resend(orderId: order.id)
                let summary = "the latest merchant notification of \(orderText) is queued again"
                try audit(summary)
                return summary
            }
        case .holdDuplicateRefund(let serial), .releaseDuplicateRefund(let serial):
            var release = false
            if case .releaseDuplicateRefund = request.action { release = true }
            return try store.write { () throws -> String in
                try Self.checkVersion(expected, orderId: order.id, store: store)
                let held = try DuplicateScanner.hold(serial, release: release, context: context)
                let summary = "the automatic refund of duplicate payment \(serial) is \(held ? "held" : "released")"
                try audit(summary)
                return summary
            }
        case .settleByHand(let serial, let outcome):
            return try store.write { () throws -> String in
                try Self.checkVersion(expected, orderId: order.id, store: store)
                let attempt = try payment(serial, of: order)
                let settled = try Settlement(context).settleByHand(attempt, as: outcome, note: "settled by hand by \(context.actor.name): \(reason)")
                let after = try currentOrder(order.id)
                let summary = "payment \(serial) UNKNOWN → \(settled.status.rawValue) by hand; \(orderText) is \(after.status.rawValue)"
                try AuditLog(context).append(actor: context.actor, action: "payment.settle-by-hand", target: "payment:\(serial)",
                                             detail: "\(attempt.amount) via \(attempt.account) → \(settled.status.rawValue); reason: \(reason)")
                try audit(summary)
                return summary
            }
        }
    }

    /// The order, when the actor may see it.
    func visibleOrder(_ orderId: Int64) throws(PayError) -> Order {
        let order = try currentOrder(orderId)
        try OrderService(context).checkVisible(order)
        return order
    }

    func currentOrder(_ orderId: Int64) throws(PayError) -> Order {
        let store = context.store
        guard let order = try store.read({ try store.orders.find(id: orderId) }) else { throw PayError.notFound("the order is no longer in the store") }
        return order
    }

    /// The reason as kept: trimmed, card numbers masked; empty or over `maxReasonLength` refused.
    public static func validReason(_ text: String) throws(PayError) -> String {
        let reason = CardNumberMask.mask(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard !reason.isEmpty else { throw PayError.invalidInput("reason: empty; say why the action is taken") }
        guard reason.count <= maxReasonLength else {
            throw PayError.invalidInput("reason: \(reason.count) characters, at most \(maxReasonLength)")
        }
        guard !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw PayError.invalidInput("reason: control characters are not allowed")
        }
        return reason
    }

    /// Refuses (`conflict`, naming the new state) when the order has moved since it was previewed.
    /// Call it in the write transaction of the change, so nothing can move the order in between.
    static func checkVersion(_ expected: OrderVersion, orderId: Int64, store: Store) throws {
        guard let current = try store.orders.find(id: orderId) else { throw PayError.notFound("the order is no longer in the store") }
        guard OrderVersion(current) != expected else { return }
        let now = current.status == expected.status
            ? "it is still \(current.status.rawValue) but was changed at \(current.updatedAt.iso8601)"
            : "it is now \(current.status.rawValue) (was \(expected.status.rawValue))"
        throw PayError.conflict("order \(current.orderNo) changed since it was shown: \(now); look at it again; nothing was done")
    }
}
