import PayCore
import PayStore
import PayChannels

/// Settles what was left open: UNKNOWN and PENDING attempts are queried on the schedule (a
/// barcode the customer is still confirming every 5 s for 45 s, then revoked); UNKNOWN refunds are
/// queried; attempts stuck in PROCESSING (a process killed mid-call) become UNKNOWN first.
public struct Janitor: WorkerJob {
    public let name = "janitor"
    let gateway: ChannelGateway

    public init(gateway: ChannelGateway) { self.gateway = gateway }

    /// A PROCESSING attempt older than this was abandoned by a process that died mid-call.
    static let abandonedAfterMs: Int64 = 60_000

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        try adoptAbandoned(context) + queryAttempts(context) + queryRefunds(context)
    }

    /// PROCESSING attempts nobody is working on any more: the money may or may not have moved, so
    /// they become UNKNOWN and are resolved by query like any other.
    func adoptAbandoned(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        return try store.write {
            var count = 0
            for attempt in try store.attempts.processing(untouchedSince: now.adding(milliseconds: -Self.abandonedAfterMs), limit: 100)
            where try store.attempts.transition(attempt.id, from: .processing, to: .unknown,
                                                outcome: AttemptOutcome(failureKind: .unknown, failureCode: "ABANDONED",
                                                                        failureMessage: "the paying process stopped (or stalled) before the channel answered; taken over",
                                                                        nextCheckAt: now), at: now) {
                count += 1
            }
            return count
        }
    }

    func queryAttempts(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        let due = try store.read { try store.attempts.dueForCheck(at: now, limit: 100) }
        for (attempt, mode) in due {
            try query(attempt, barcode: mode == "barcode", context: context)
        }
        return due.count
    }

    /// Asks the channel about one open attempt and applies the answer. A barcode the customer
    /// has not confirmed within 45 s is revoked; the revoke's answer may say they paid first.
    /// An UNKNOWN attempt the channel has not seen is revoked too, not merely closed here: its pay
    /// request may still be on its way (a payer that stalled, a request held in the network), and
    /// only the revoke makes the channel refuse it when it arrives.
    func query(_ attempt: PaymentAttempt, barcode: Bool, context: ServiceContext) throws(PayError) {
        let store = context.store
        let now = context.now
        guard let account = try store.read({ try store.channelAccounts.find(attempt.account) }),
              let plugin = try? gateway.plugin(for: account) else { return }
        let age = now.milliseconds - attempt.createdAt.milliseconds
        var reply = plugin.query(serial: attempt.serial.rawValue, amount: attempt.amount)
        if barcode, attempt.status == .pending, case .pending = reply.result, age >= Settlement.barcodePollWindowMs {
            let revoke = plugin.close(serial: attempt.serial.rawValue, amount: attempt.amount, revoke: true)
            switch revoke.result {
            case .succeeded, .declined: reply = revoke
            case .pending:
                reply = ChannelReply(result: .declined(code: DeclineCode.closed, message: "revoked after 45 s unconfirmed"),
                                     channelStatus: revoke.channelStatus)
            case .unknown, .systemError:
                // why: the channel did not confirm the revoke, so the customer may still confirm
                // and pay: the attempt stays PENDING (the query's answer) and the revoke is tried
                // again at the next look, as a close does.
                break
            }
        }
        if attempt.status == .unknown, case .declined(let code, _) = reply.result, code == DeclineCode.notFound {
            let revoke = plugin.close(serial: attempt.serial.rawValue, amount: attempt.amount, revoke: true)
            switch revoke.result {
            case .succeeded: reply = revoke
            case .declined, .pending:
                reply = ChannelReply(result: .declined(code: DeclineCode.closed, message: "revoked: the channel had not seen it"),
                                     channelStatus: revoke.channelStatus)
            case .unknown(let message), .systemError(let message):
                // why: without a confirmed revoke the request may still be charged: stay UNKNOWN, ask again later.
                reply = ChannelReply(result: .unknown(message: "revoke not confirmed: \(message)"), channelStatus: revoke.channelStatus)
            }
        }
        let settled = try Settlement(context).apply(reply.result, to: attempt, barcode: barcode)
        _ = try? RoutingService(context).recordOutcome(account: attempt.account, RouteOutcome(reply.result))
        if !settled.status.isFinal, age >= Settlement.queryScheduleMs.last! {
            try store.write {
                try Alerting(context).raise(rule: "payment.unknown", subject: "attempt:\(attempt.id)",
                                            message: "payment \(attempt.serial) on \(attempt.account) is still \(settled.status.rawValue) after 24 h of queries")
            }
        }
    }

    /// `query --refresh`: asks the channel now about every open attempt and refund of the order.
    /// The actor must be allowed to see the order: checked before any channel is asked.
    public func refresh(_ order: Order, context: ServiceContext) throws(PayError) {
        try OrderService(context).checkVisible(order)
        let store = context.store
        let (attempts, refunds) = try store.read { () throws -> ([(PaymentAttempt, String)], [Refund]) in
            (try store.attempts.forOrder(order.id).filter { !$0.status.isFinal }.map { ($0, try store.attempts.mode($0.id)) },
             try store.refunds.forOrder(order.id).filter { !$0.status.isFinal })
        }
        for (attempt, mode) in attempts where attempt.status != .processing {
            try query(attempt, barcode: mode == "barcode", context: context)
        }
        for refund in refunds { try query(refund, context: context) }
    }

    /// Open refunds that are due, and PROCESSING refunds with no check set that nobody has
    /// touched for a minute (a process that died between writing the refund and hearing the
    /// channel's answer): the channel is asked; "no such refund" fails it and frees the amount.
    func queryRefunds(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        let due: [Refund] = try store.read {
            try store.refunds.dueForCheck(at: now, abandonedBefore: now.adding(milliseconds: -Self.abandonedAfterMs), limit: 100)
        }
        for refund in due { try query(refund, context: context) }
        return due.count
    }
}

extension Janitor {
    /// Asks the channel about one open refund and applies the answer.
    func query(_ refund: Refund, context: ServiceContext) throws(PayError) {
        let store = context.store
        guard let attempt = try store.read({ try store.attempts.find(id: refund.attemptId) }),
              let account = try store.read({ try store.channelAccounts.find(attempt.account) }),
              let plugin = try? gateway.plugin(for: account) else { return }
        let reply = plugin.queryRefund(refundSerial: refund.serial.rawValue, paymentSerial: attempt.serial.rawValue, amount: refund.amount)
        var result = reply.result
        // why: a query the channel could not answer says nothing about the refund; only a refund
        // *call* that fails with a system error is known not to have happened.
        if case .systemError(let message) = result { result = .unknown(message: "query failed: \(message)") }
        let settled = try RefundSettlement(context).apply(result, to: refund, channelRefundSerial: reply.channelRefundSerial)
        let age = context.now.milliseconds - refund.createdAt.milliseconds
        if !settled.status.isFinal, age >= Settlement.queryScheduleMs.last! {
            try store.write {
                try Alerting(context).raise(rule: "refund.unresolved", subject: "refund:\(refund.id)",
                                            message: "refund \(refund.serial) is still \(settled.status.rawValue) after 24 h of queries; its amount stays held")
            }
        }
    }
}

extension RouteOutcome {
    init(_ result: ChannelResult) {
        switch result {
        case .succeeded: self = .succeeded
        case .declined: self = .declined
        case .systemError: self = .systemFailure
        case .pending, .unknown: self = .unknown
        }
    }
}
