import PayCore
import PayStore
import PayChannels

/// What a caller asks `RefundService.refund` to do.
public struct RefundRequestInput: Sendable {
    /// The payment to refund by its serial, or the order (its one succeeded payment).
    public var paymentSerial: Serial?
    public var order: (BusinessLineCode, MerchantOrderNo)?
    public var amount: Money?
    public var amountText: String?
    public var reason: String?
    public var refundNo: String?
    public var idempotencyKey: IdempotencyKey?
    public var automatic = false
    /// A supervisor who approves a refund above the actor's limit (logged in separately).
    public var approver: Actor?
    /// The order as the operator saw it (`RepairDesk`): refused, in the transaction that inserts
    /// the refund, when the order has moved since.
    public var expected: OrderVersion?
    /// A refund by items (the till): which of the order's items and how many; the amount follows
    /// from them and `amountText` must be nil. Each item is given back at most its quantity over
    /// all refunds not failed (schema 20).
    public var lines: [RefundLineRequest]?

    public init(paymentSerial: Serial? = nil, order: (BusinessLineCode, MerchantOrderNo)? = nil, amountText: String?,
                reason: String? = nil, refundNo: String? = nil, idempotencyKey: IdempotencyKey? = nil) {
        self.paymentSerial = paymentSerial
        self.order = order
        self.amountText = amountText
        self.reason = reason
        self.refundNo = refundNo
        self.idempotencyKey = idempotencyKey
    }

    public var canonical: String {
        var parts = ["payment=\(paymentSerial?.rawValue ?? "")", "order=\(order.map { "\($0.0)/\($0.1)" } ?? "")",
                     "amount=\(amountText ?? "")", "reason=\(reason ?? "")", "no=\(refundNo ?? "")"]
        if let lines { parts.append("lines=" + lines.map { "\($0.position):\($0.quantity)" }.joined(separator: ",")) }
        return parts.joined(separator: "&")
    }
}

/// Refunds: partial and several, never more than the payment's amount (checked and inserted in
/// one immediate transaction, so several processes refunding at once cannot overshoot).
public struct RefundService {
    let context: ServiceContext
    let gateway: ChannelGateway

    public init(_ context: ServiceContext, gateway: ChannelGateway) {
        self.context = context
        self.gateway = gateway
    }

    /// Resolves the payment to refund: by serial, or the order's one succeeded payment.
    public func payment(for input: RefundRequestInput) throws(PayError) -> (Order, PaymentAttempt) {
        let store = context.store
        return try store.read { () throws -> (Order, PaymentAttempt) in
            if let serial = input.paymentSerial {
                guard let attempt = try store.attempts.find(serial: serial), let order = try store.orders.find(id: attempt.orderId) else {
                    throw PayError.notFound("payment '\(serial)': not found")
                }
                return (order, attempt)
            }
            guard let (line, no) = input.order else { throw PayError.usage("give --payment SERIAL or --order NO --business L") }
            guard let order = try store.orders.find(line, no) else { throw PayError.notFound("order '\(no)' of \(line): not found") }
            let paid = try store.attempts.forOrder(order.id).filter { $0.status == .succeeded }
            guard let first = paid.first else { throw PayError.conflict("order '\(no)' has no succeeded payment to refund") }
            guard paid.count == 1 else {
                throw PayError.usage("order '\(no)' has \(paid.count) succeeded payments; name one with --payment (\(paid.map(\.serial.rawValue).joined(separator: ", ")))")
            }
            return (order, first)
        }
    }

    /// Refunds `amount` of a payment: PROCESSING committed first, then the channel is called and
    /// its answer applied. A refund the channel accepts for later (a callback) stays PROCESSING.
    public func refund(_ input: RefundRequestInput) throws(PayError) -> (Refund, PaymentAttempt, Order) {
        let (order, attempt) = try payment(for: input)
        let (amount, lines) = try Self.amount(of: input, order: order, attempt: attempt)
        // why mask: a card number typed into the reason must never be stored, logged or sent on.
        let reason = input.reason.map(CardNumberMask.mask)
        if let reason, reason.count > 256 { throw PayError.invalidInput("--reason: at most 256 characters") }
        let store = context.store
        let now = context.now
        let actor = context.actor
        let expected = input.expected
        let refund = try store.write {
            if let expected { try RepairDesk.checkVersion(expected, orderId: order.id, store: store) }
            // why here: the limit covers the actor's refunds of the sale so far; reading them in the
            // transaction that inserts this one keeps two processes from both slipping under it.
            let earlier = Money(minorUnits: try store.refunds.committedMinor(orderId: order.id, operatorName: actor.name,
                                                                             currency: amount.currency),
                                currency: amount.currency)
            let approval: RefundApproval? = input.automatic ? nil
                : try RefundAuthorization(context).check(actor: actor, approver: input.approver,
                                                         saleOperator: order.operatorName, amount: amount, earlier: earlier)
            let refund = try store.refunds.insert(serial: context.serials.next(.refund), attempt: attempt, refundNo: input.refundNo,
                                                  amount: amount, reason: reason, automatic: input.automatic,
                                                  operatorName: context.actor.name, at: now)
            try store.refundLines.reserve(refundId: refund.id, orderId: order.id, lines: lines)
            var detail = "\(amount.decimalString) \(amount.currency) of \(attempt.serial)"
            if case .approved(let by)? = approval { detail += ", approved by \(by)" }
            if input.automatic { detail += ", automatic (duplicate payment)" }
            if !lines.isEmpty { detail += ", " + RefundLine.describe(lines) }
            try AuditLog(context).append(actor: context.actor, action: "refund.create",
                                         target: "order:\(order.businessLine)/\(order.orderNo)", detail: detail)
            return refund
        }
        let reply: ChannelReply
        if let account = try store.read({ try store.channelAccounts.find(attempt.account) }),
           let plugin = try? gateway.plugin(for: account) {
            reply = plugin.refund(RefundRequest(refundSerial: refund.serial.rawValue, paymentSerial: attempt.serial.rawValue,
                                                channelSerial: attempt.channelSerial, amount: amount, paymentAmount: attempt.amount,
                                                reason: reason ?? "refund"))
        } else {
            reply = ChannelReply(result: .systemError(message: "no channel account '\(attempt.account)'"), channelStatus: "")
        }
        // why: the channel may have sent the money back: a failure from here on must not read as
        // "not refunded" (exit 1), or the refund is made twice. The refund stays PROCESSING and
        // the janitor queries it after a minute.
        do {
            let settled = try RefundSettlement(context).apply(reply.result, to: refund, channelRefundSerial: reply.channelRefundSerial)
            let current = try store.read { try store.orders.find(id: order.id) } ?? order
            return (settled, attempt, current)
        } catch {
            throw PayError.pending("refund \(refund.serial) of payment \(attempt.serial): the channel was called, but its answer could not be recorded (\(error.message)); do not refund again; the center will settle it")
        }
    }
}

extension RefundService {
    /// The refund's amount: typed (`amountText`), or the sum of the items chosen (`lines`).
    static func amount(of input: RefundRequestInput, order: Order, attempt: PaymentAttempt) throws(PayError) -> (Money, [RefundLine]) {
        if let requested = input.lines {
            guard input.amountText == nil else { throw PayError.usage("give the items or the amount, not both") }
            let lines = try RefundLineRequest.priced(requested, items: order.items)
            guard lines.allSatisfy({ $0.amount.currency == attempt.amount.currency }) else {
                throw PayError.invalidInput("refund lines: the items are in \(order.amount.currency), the payment in \(attempt.amount.currency)")
            }
            var total = Money.zero(attempt.amount.currency)
            for line in lines { total = try total.adding(line.amount) }
            guard total.isPositive else { throw PayError.invalidInput("refund lines: the items chosen cost nothing") }
            return (total, lines)
        }
        guard let text = input.amountText else { throw PayError.usage("missing --amount") }
        let amount = try Money.parse(text, currency: attempt.amount.currency, field: "--amount")
        guard amount.isPositive else { throw PayError.invalidInput("--amount '\(text)': must be above zero") }
        return (amount, [])
    }
}

/// The one place a channel's word changes a refund (the refund call, its callback, a query).
struct RefundSettlement {
    let context: ServiceContext
    init(_ context: ServiceContext) { self.context = context }

    @discardableResult
    func apply(_ result: ChannelResult, to refund: Refund, channelRefundSerial: String?) throws(PayError) -> Refund {
        try settle(result, to: refund, channelRefundSerial: channelRefundSerial).refund
    }

    /// `apply`, also saying whether this application moved the refund's status.
    func settle(_ result: ChannelResult, to refund: Refund, channelRefundSerial: String?) throws(PayError) -> (refund: Refund, changed: Bool) {
        let store = context.store
        return try store.write {
            guard let current = try store.refunds.find(id: refund.id) else { throw PayError.notFound("refund \(refund.serial)") }
            let fresh = try applyInTransaction(result, current: current, channelRefundSerial: channelRefundSerial)
            return (fresh, fresh.status != current.status)
        }
    }

    private func applyInTransaction(_ result: ChannelResult, current: Refund, channelRefundSerial: String?) throws -> Refund {
        let store = context.store
        let now = context.now
        if current.status.isFinal {
            // why: a refund failed by a query ("no such refund") while its call was still on the way
            // may then be answered "refunded": the amount was freed for another refund meanwhile.
            if case .succeeded(let serial) = result, current.status == .failed {
                try Alerting(context).raise(rule: "refund.late-success", subject: "refund:\(current.id)",
                                            message: "the channel says refund \(current.serial) succeeded (\(channelRefundSerial ?? serial)), but it is FAILED: the money may have gone back twice; check by hand")
            }
            return current
        }
        switch result {
        case .succeeded(let serial):
            guard try store.refunds.transition(current.id, from: current.status, to: .succeeded,
                                               channelRefundSerial: channelRefundSerial ?? serial, at: now) else { break }
            guard let order = try store.orders.find(id: current.orderId) else { break }
            // why: a duplicate payment never counted towards the order's paid amount, so its
            // refund (automatic or not) must not count towards the order's refunded amount.
            if try store.attempts.duplicateState(current.attemptId).duplicate {
                try store.orders.touch(order.id, at: now)
                try store.metrics.count(.duplicateRefunded, label: try store.attempts.find(id: current.attemptId)?.channel ?? "", at: now)
                break
            }
            let refunded = order.refundedAmount.minorUnits + current.amount.minorUnits
            let next: OrderStatus = refunded >= order.paidAmount.minorUnits ? .refunded : .partiallyRefunded
            guard order.status == .paid || order.status == .partiallyRefunded,
                  try store.orders.transition(order.id, from: order.status, to: next, refundedMinor: refunded, at: now),
                  let updated = try store.orders.find(id: order.id) else {
                // why: the channel has refunded; the refund stays SUCCEEDED and a person looks at the order.
                try Alerting(context).raise(rule: "refund.order-mismatch", subject: "order:\(order.id)",
                                            message: "refund \(current.serial) succeeded but order \(order.orderNo) is \(order.status.rawValue); its amounts were not updated")
                break
            }
            try MerchantNotifications(context).enqueue(updated, event: "order.refunded")
        case .declined(_, let message):
            _ = try store.refunds.transition(current.id, from: current.status, to: .failed, failureMessage: message, at: now)
        case .systemError(let message):
            if current.status == .processing {
                _ = try store.refunds.transition(current.id, from: .processing, to: .failed, failureMessage: message, at: now)
            }
        case .unknown(let message):
            if current.status == .processing {
                _ = try store.refunds.transition(current.id, from: .processing, to: .unknown, failureMessage: message,
                                                 nextCheckAt: now.adding(milliseconds: Settlement.queryScheduleMs[0]), at: now)
            } else {
                // why: still unknown after a query: the next look follows the schedule, not every round.
                try store.refunds.scheduleCheck(current.id, status: current.status, at: Self.nextCheck(current, now: now), touching: now)
            }
        case .pending:
            // why: accepted and still processing at the channel: looked at again on the same schedule
            // as an unknown one (the janitor alerts after 24 h), not every minute forever.
            try store.refunds.scheduleCheck(current.id, status: current.status, at: Self.nextCheck(current, now: now))
            if let channelRefundSerial { try store.refunds.setChannelRefundSerial(current.id, channelRefundSerial) }
        }
        return try store.refunds.find(id: current.id) ?? current
    }

    /// The next janitor look at an open refund, by its age on the payments' query schedule.
    static func nextCheck(_ refund: Refund, now: Timestamp) -> Timestamp {
        let age = now.milliseconds - refund.createdAt.milliseconds
        return Settlement.queryScheduleMs.first { $0 > age }.map { refund.createdAt.adding(milliseconds: $0) }
            ?? now.adding(milliseconds: Settlement.queryScheduleMs.last!)
    }
}
