import PayCore
import PayStore
import PayChannels

/// What resolving a mismatch a given way would do, before anything is done (the console's preview).
public struct ResolutionPlan: Sendable, Hashable {
    public var mismatch: Mismatch
    public var resolution: MismatchResolution
    /// In words: what will change ("settle payment … SUCCEEDED through the payment service; order … PAID").
    public var effect: String
    /// Why this resolution does not fit the mismatch; nil when it may go ahead.
    public var refusal: String?
    /// The money it moves (a settlement or a refund); nil when it only marks.
    public var moves: Money?
    /// A second person (who may approve refunds) must approve: it moves more than the threshold.
    public var needsApproval: Bool

    public init(mismatch: Mismatch, resolution: MismatchResolution, effect: String, refusal: String?, moves: Money?, needsApproval: Bool) {
        self.mismatch = mismatch
        self.resolution = resolution
        self.effect = effect
        self.refusal = refusal
        self.moves = moves
        self.needsApproval = needsApproval
    }
}

extension ReconciliationService {
    /// What `resolve` would do, checked against the records as they are now; changes nothing.
    public func plan(_ id: Int64, as resolution: MismatchResolution) throws(PayError) -> ResolutionPlan {
        try Authorizer.require(.reconcile, actor: context.actor)
        let store = context.store
        let settings = try ReconciliationSettings.load(store, channels: [])
        return try store.read {
            guard let item = try store.reconciliation.item(id: id) else { throw PayError.notFound("mismatch \(id): not found") }
            return try plan(item, resolution, threshold: settings.approvalMinor)
        }
    }

    private func plan(_ item: Mismatch, _ resolution: MismatchResolution, threshold: Int64) throws -> ResolutionPlan {
        let store = context.store
        var plan = ResolutionPlan(mismatch: item, resolution: resolution, effect: "", refusal: nil, moves: nil, needsApproval: false)
        let attempt = try item.attemptId.flatMap { try store.attempts.find(id: $0) }
        let refund = try item.refundId.flatMap { try store.refunds.find(id: $0) }
        let order = try item.orderId.flatMap { try store.orders.find(id: $0) }
        let orderText = order.map { "order \($0.orderNo) (\($0.businessLine))" } ?? "its order"
        if item.state == .resolved {
            plan.refusal = "mismatch \(item.id) is already resolved (\(item.resolution?.rawValue ?? "?") by \(item.resolvedBy ?? "?"))"
            return plan
        }
        switch resolution {
        case .trustCenter:
            plan.effect = "mark it: the center's record stands, with your reason as the evidence; nothing moves"
        case .trustChannel:
            switch item.type {
            case .channelSuccessCenterNot:
                guard let attempt else { plan.refusal = "the center has no payment to settle"; break }
                let serial = item.channel?.serial ?? ""
                if [.unknown, .pending, .processing, .initial].contains(attempt.status) {
                    plan.effect = "settle payment \(attempt.serial) SUCCEEDED as the channel says (\(serial)), through the payment service: \(orderText) becomes PAID and its merchant is notified"
                } else if attempt.status == .succeeded {
                    plan.effect = "payment \(attempt.serial) is SUCCEEDED already; mark it"
                } else {
                    plan.effect = "record the channel's success of payment \(attempt.serial) (it is \(attempt.status.rawValue) at the center): a late success, refunded automatically by the duplicate scanner"
                }
                plan.moves = attempt.status == .succeeded ? nil : attempt.amount
            case .refundChannelSuccessCenterNot:
                guard let refund else { plan.refusal = "the center has no refund to settle"; break }
                plan.effect = refund.status == .succeeded ? "refund \(refund.serial) is SUCCEEDED already; mark it"
                    : "settle refund \(refund.serial) SUCCEEDED as the channel says, through the refund service (\(orderText))"
                plan.moves = refund.status == .succeeded ? nil : refund.amount
            case .amountShort, .amountOver, .feeDiffers, .currencyDiffers, .refundAmountShort, .refundAmountOver, .refundFeeDiffers, .refundCurrencyDiffers:
                plan.effect = "take the channel's figures as settled: recorded on the mismatch; the center's amounts are not rewritten"
            case .channelOnly, .refundChannelOnly:
                plan.refusal = "the center has no record of it to adjust; handle it with the channel, then mark it (--trust center)"
            case .centerOnly, .centerSuccessChannelNot, .refundCenterOnly, .refundCenterSuccessChannelNot:
                let serial = attempt?.serial.rawValue ?? refund?.serial.rawValue ?? item.key
                plan.refusal = "a SUCCEEDED record of the center cannot be undone by the bill: query the channel (paydesk query --serial \(serial) --refresh), refund it (--trust refund) or mark it (--trust center)"
            }
        case .refund:
            guard let attempt, item.type.kind == .payment || item.type == .refundCenterSuccessChannelNot || item.type == .refundCenterOnly else {
                plan.refusal = "there is no payment of the center to refund"
                break
            }
            guard attempt.status == .succeeded else {
                plan.refusal = "payment \(attempt.serial) is \(attempt.status.rawValue): trust the channel first (--trust channel) to settle it"
                break
            }
            let refunded = try store.refunds.committedMinor(attemptId: attempt.id)
            var amount = attempt.amount.minorUnits - refunded
            if item.type == .amountOver, let channel = item.channel?.amount {
                amount = min(amount, channel.minorUnits - attempt.amount.minorUnits)
            }
            guard amount > 0 else { plan.refusal = "payment \(attempt.serial) has nothing left to refund"; break }
            let money = Money(minorUnits: amount, currency: attempt.amount.currency)
            plan.effect = "refund \(money.decimalString) \(money.currency) of payment \(attempt.serial) through the refund service (\(orderText))"
            plan.moves = money
        }
        if let moves = plan.moves { plan.needsApproval = moves.minorUnits > threshold }
        return plan
    }

    /// Resolves a mismatch: checks the right and the plan, asks for the second person above the
    /// threshold, carries it out through the payment or refund service, then marks the mismatch
    /// RESOLVED (a guarded update) and audits it against the payment, so the order's timeline shows it.
    @discardableResult
    public func resolve(_ id: Int64, as resolution: MismatchResolution, reason rawReason: String, approver: Actor? = nil) throws(PayError) -> Mismatch {
        try Authorizer.require(.reconcile, actor: context.actor)
        let reason = CardNumberMask.mask(rawReason.trimmingSpaces)
        guard !reason.isEmpty else { throw PayError.invalidInput("--reason: say why (the evidence), it is kept with the resolution") }
        guard reason.count <= 500 else { throw PayError.invalidInput("--reason: at most 500 characters (\(reason.count) given)") }
        let plan = try plan(id, as: resolution)
        if let refusal = plan.refusal {
            throw PayError.conflict("mismatch \(id) (\(plan.mismatch.type.phrase)), --trust \(resolution.rawValue): \(refusal); nothing was changed")
        }
        if plan.needsApproval {
            let what = "mismatch \(id): \(plan.effect) moves \(plan.moves?.description ?? "")"
            guard let approver else { throw PayError.notPermitted("\(what), above the threshold: needs a second person's approval (--approver NAME)") }
            guard approver.name != context.actor.name else { throw PayError.notPermitted("\(what): the approver must be someone else than \(context.actor.name)") }
            guard Authorizer.allows(.approveRefund, actor: approver) else {
                throw PayError.notPermitted("\(what): \(approver.name) is \(approver.role.rawValue) and may not approve; needs \(Authorizer.rolesText(.approveRefund))")
            }
        }
        let item = plan.mismatch
        let outcome = try carryOut(plan, reason: reason, approver: plan.needsApproval ? approver : nil)
        let store = context.store
        let done = try store.write {
            try store.reconciliation.resolve(id, as: resolution, reason: reason, by: context.actor.name,
                                             approvedBy: plan.needsApproval ? approver?.name : nil, outcome: outcome, at: context.now)
        }
        guard done else { throw PayError.conflict("mismatch \(id) was resolved by someone else meanwhile (\(outcome))") }
        let serial = try store.read { try item.attemptId.flatMap { try store.attempts.find(id: $0) }?.serial.rawValue }
        try AuditLog(context).append(actor: context.actor, action: "reconciliation.resolve",
                                     target: serial.map { "payment:\($0)" } ?? "reconciliation:item:\(id)",
                                     detail: "mismatch #\(id) \(item.type.phrase), trust \(resolution.rawValue)\(plan.needsApproval ? ", approved by \(approver?.name ?? "")" : ""): \(reason) — \(outcome)")
        return try mismatch(id)
    }

    /// Does what the plan says, through the services; returns what happened, in words.
    private func carryOut(_ plan: ResolutionPlan, reason: String, approver: Actor?) throws(PayError) -> String {
        let store = context.store
        let item = plan.mismatch
        switch plan.resolution {
        case .trustCenter:
            return "marked: the center's record stands"
        case .trustChannel:
            switch item.type {
            case .channelSuccessCenterNot:
                guard let attemptId = item.attemptId, let attempt = try store.read({ try store.attempts.find(id: attemptId) }) else {
                    throw PayError.notFound("mismatch \(item.id): its payment is gone")
                }
                if attempt.status == .succeeded { return "payment \(attempt.serial) was SUCCEEDED already" }
                let serial = item.channel?.serial ?? attempt.channelSerial ?? ""
                let settled = try Settlement(context).apply(.succeeded(channelSerial: serial), to: attempt, barcode: false)
                let order = try store.read { try store.orders.find(id: settled.orderId) }
                return "settled as the channel says through the payment service: payment \(settled.serial) \(settled.status.rawValue)"
                    + (settled.failureCode == AttemptOutcome.lateSuccessCode ? " (late success, refunded automatically)" : "")
                    + (order.map { "; order \($0.orderNo) \($0.status.rawValue)" } ?? "")
            case .refundChannelSuccessCenterNot:
                guard let refundId = item.refundId, let refund = try store.read({ try store.refunds.find(id: refundId) }) else {
                    throw PayError.notFound("mismatch \(item.id): its refund is gone")
                }
                if refund.status == .succeeded { return "refund \(refund.serial) was SUCCEEDED already" }
                let serial = item.channel?.serial ?? refund.channelRefundSerial ?? ""
                let settled = try RefundSettlement(context).apply(.succeeded(channelSerial: serial), to: refund, channelRefundSerial: serial)
                return "settled as the channel says through the refund service: refund \(settled.serial) \(settled.status.rawValue)"
            default:
                return "the channel's figures taken as settled"
            }
        case .refund:
            guard let gateway else { throw PayError.usage("a refund needs the channels") }
            guard let attemptId = item.attemptId, let attempt = try store.read({ try store.attempts.find(id: attemptId) }),
                  let moves = plan.moves else { throw PayError.notFound("mismatch \(item.id): its payment is gone") }
            var input = RefundRequestInput(paymentSerial: attempt.serial, amountText: moves.decimalString,
                                           reason: "reconciliation mismatch #\(item.id): \(reason)",
                                           idempotencyKey: try IdempotencyKey("reconciliation-mismatch-\(item.id)"))
            input.approver = approver
            let (refund, _, order) = try RefundService(context, gateway: gateway).refund(input)
            return "refund \(refund.serial) of \(refund.amount.decimalString) \(refund.amount.currency) \(refund.status.rawValue); order \(order.orderNo) \(order.status.rawValue)"
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
