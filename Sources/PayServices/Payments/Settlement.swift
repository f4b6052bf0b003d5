import PayCore
import PayStore
import PayChannels

/// The one place a channel's word changes a payment: the pay call's answer, a callback, a
/// janitor's query and a close's answer all come through `apply`, so they cannot disagree.
///
/// Each application is one `BEGIN IMMEDIATE` transaction: re-read the attempt, guarded update
/// from the status read, the order's status and amounts, the merchant notification, alerts. The
/// payer, which knows the attempt it persisted, moves it from PROCESSING without the read, and
/// reads it only when that move finds it changed (`settleAsPayer`).
/// A final attempt is left as it is (a late or repeated word changes nothing), but for a late
/// success, which is recorded and refunded (`AttemptStatus.lateSuccessFrom`).
struct Settlement {
    let context: ServiceContext

    init(_ context: ServiceContext) { self.context = context }

    /// When the janitor queries an UNKNOWN (or waiting pay-code) attempt: 1 min, 5 min, 15 min,
    /// 1 h, 6 h, 24 h after it became so; after the last, an alert and a daily check.
    static let queryScheduleMs: [Int64] = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000]
    /// A barcode payment the customer is still confirming is polled every 5 s for up to 45 s.
    static let barcodePollMs: Int64 = 5_000
    static let barcodePollWindowMs: Int64 = 45_000

    /// Applies `result` to the attempt. `barcode` marks a barcode payment (polled, then revoked).
    @discardableResult
    func apply(_ result: ChannelResult, to attempt: PaymentAttempt, barcode: Bool) throws(PayError) -> PaymentAttempt {
        try settle(result, to: attempt, barcode: barcode).attempt
    }

    /// `apply`, also saying whether this application moved the attempt's status (false when
    /// another process, or an earlier word, had already settled it).
    func settle(_ result: ChannelResult, to attempt: PaymentAttempt, barcode: Bool) throws(PayError) -> (attempt: PaymentAttempt, changed: Bool) {
        let store = context.store
        return try store.write {
            guard let current = try store.attempts.find(id: attempt.id) else { throw PayError.notFound("payment \(attempt.serial)") }
            var paid: UpdatedOrder?
            let fresh = try applyInTransaction(result, current: current, barcode: barcode, paid: &paid) ?? current
            return (fresh, fresh.status != current.status)
        }
    }

    /// What the payer's settling transaction leaves: the attempt and its order's detail as of its
    /// commit (what the payer reports).
    struct Settled {
        let attempt: PaymentAttempt
        let detail: OrderDetail
    }

    /// `settle` for the payer, which persisted `attempt` (PROCESSING) itself and has its `order`
    /// as validate read it: the answer is applied by a guarded move from PROCESSING without
    /// reading the attempt first — the attempt is read, and the answer applied to what it is
    /// now, only when the move found it changed (the janitor took it over, a callback came first).
    /// The order's business line (`line`) is handed to the merchant notification, `alongside`
    /// writes in the same transaction (the account's circuit breaker), and the order's detail is
    /// read in it: the payment's outcome costs one commit and no read after it.
    func settleAsPayer(_ result: ChannelResult, to attempt: PaymentAttempt, barcode: Bool, order known: Order, line: BusinessLine,
                       alongside: () throws -> Void) throws(PayError) -> Settled {
        let store = context.store
        return try store.write {
            var paid: UpdatedOrder?
            var settled: PaymentAttempt?
            var succeededBefore = false
            if attempt.status == .processing {
                settled = try applyInTransaction(result, current: attempt, verified: false, barcode: barcode, line: line, paid: &paid)
            }
            if settled == nil {
                guard let current = try store.attempts.find(id: attempt.id) else { throw PayError.notFound("payment \(attempt.serial)") }
                succeededBefore = current.status == .succeeded
                settled = try applyInTransaction(result, current: current, barcode: barcode, line: line, paid: &paid) ?? current
            }
            try alongside()
            let order = try paid?.order(linesOf: known) ?? store.orders.find(id: known.id, linesOf: known)
            guard let order, let settled else { throw PayError.notFound("the order is no longer in the store") }
            let attempts = try store.attempts.forOrder(order.id)
            // why the refunds read only then: only a SUCCEEDED payment is refunded (`RefundRepository.insert`
            // refuses any other) and SUCCEEDED is final, so an order with no payment that had
            // succeeded before this transaction has no refunds.
            let refunded = attempts.contains { $0.status == .succeeded && ($0.id != attempt.id || succeededBefore) }
            let detail = OrderDetail(order: order, attempts: attempts, refunds: refunded ? try store.refunds.forOrder(order.id) : [])
            return Settled(attempt: settled, detail: detail)
        }
    }

    /// Applies `result` to `current`. `verified`: `current` was read in this transaction; when
    /// not (the payer's attempt as it persisted it), a guarded move that finds the attempt changed
    /// returns nil with nothing written, and the caller reads it and applies the result again.
    /// `paid` is set to the order's row when this application paid it.
    private func applyInTransaction(_ result: ChannelResult, current: PaymentAttempt, verified: Bool = true, barcode: Bool,
                                    line: BusinessLine? = nil, paid: inout UpdatedOrder?) throws -> PaymentAttempt? {
        let store = context.store
        let now = context.now
        if current.status.isFinal {
            if case .succeeded(let channelSerial) = result, AttemptStatus.lateSuccessFrom.contains(current.status) {
                try recordLateSuccess(current, channelSerial: channelSerial, at: now)
                return try reread(current)
            }
            return current
        }
        let from = current.status
        // The attempt after a transition this application made; nil: read it again.
        var moved: PaymentAttempt?
        func move(to: AttemptStatus, _ outcome: AttemptOutcome) throws {
            if try store.attempts.transition(current.id, from: from, to: to, outcome: outcome, at: now) {
                moved = store.attempts.transitioned(current, to: to, outcome: outcome, at: now)
            }
        }
        switch result {
        case .succeeded(let channelSerial):
            moved = try succeed(current, channelSerial: channelSerial, line: line, at: now, paid: &paid)
        case .declined(let code, let message):
            let closed = from != .processing && (code == DeclineCode.closed || code == DeclineCode.notFound)
            try move(to: closed ? .closed : .failed, AttemptOutcome(failureKind: .declined, failureCode: code, failureMessage: message))
        case .systemError(let message):
            if from == .processing {
                try move(to: .failed, AttemptOutcome(failureKind: .system, failureCode: "SYSTEM_ERROR", failureMessage: message))
            } else {
                try store.attempts.scheduleCheck(current.id, status: from, at: nextCheck(current, barcode: barcode, now: now), now: now)
            }
        case .unknown(let message):
            if from == .processing {
                try move(to: .unknown, AttemptOutcome(failureKind: .unknown, failureCode: "UNKNOWN", failureMessage: message,
                                                      nextCheckAt: now.adding(milliseconds: Self.queryScheduleMs[0])))
            } else {
                try store.attempts.scheduleCheck(current.id, status: from, at: nextCheck(current, barcode: barcode, now: now), now: now)
            }
        case .pending:
            if from == .processing {
                let first = barcode ? Self.barcodePollMs : Self.queryScheduleMs[0]
                try move(to: .pending, AttemptOutcome(nextCheckAt: now.adding(milliseconds: first)))
            } else {
                try store.attempts.scheduleCheck(current.id, status: from, at: nextCheck(current, barcode: barcode, now: now), now: now)
            }
        }
        if !verified && moved == nil { return nil }
        let fresh = try moved ?? reread(current)
        if fresh.status == .failed || fresh.status == .closed { try followAttempts(orderId: fresh.orderId, at: now) }
        return fresh
    }

    /// A guarded move to SUCCEEDED and the order paid by it (or the attempt marked duplicate).
    /// Returns the attempt as moved, or nil when another writer moved it first (nothing changed).
    @discardableResult
    private func succeed(_ current: PaymentAttempt, channelSerial: String?, line: BusinessLine? = nil, at now: Timestamp,
                         paid: inout UpdatedOrder?) throws -> PaymentAttempt? {
        let outcome = AttemptOutcome(channelSerial: channelSerial)
        guard try context.store.attempts.transition(current.id, from: current.status, to: .succeeded, outcome: outcome, at: now) else { return nil }
        try context.store.metrics.recordPayment(channel: current.channel, account: current.account, amount: current.amount, at: now)
        paid = try settleOrderPaid(current, line: line, at: now)
        return context.store.attempts.transitioned(current, to: .succeeded, outcome: outcome, at: now)
    }

    /// The code a payment failed by hand carries (`settleByHand`).
    static let settledByHandCode = "SETTLED_BY_HAND"

    /// An operator's word on an UNKNOWN attempt (`RepairDesk`'s settle by hand, after checking with
    /// the channel out of band), applied as the channel's answer would be: the same guarded
    /// transition, the same order moves, the same merchant notification. Run it inside the
    /// caller's write, so the check of the order the operator saw and this change are one.
    /// Throws `conflict` when the attempt is no longer UNKNOWN.
    func settleByHand(_ attempt: PaymentAttempt, as outcome: AttemptStatus, note: String) throws -> PaymentAttempt {
        let store = context.store
        let now = context.now
        guard let current = try store.attempts.find(id: attempt.id) else { throw PayError.notFound("payment \(attempt.serial)") }
        guard current.status == .unknown else {
            throw PayError.conflict("payment \(attempt.serial) is \(current.status.rawValue) now, no longer UNKNOWN; nothing was changed")
        }
        switch outcome {
        case .succeeded:
            // why no serial: the operator has none the channel gave; one it gave earlier is kept.
            var paid: UpdatedOrder?
            try succeed(current, channelSerial: nil, at: now, paid: &paid)
            guard try reread(current).status == .succeeded else {
                throw PayError.conflict("payment \(attempt.serial) changed while settling; nothing was changed")
            }
            return try reread(current)
        case .failed:
            var paid: UpdatedOrder?
            let settled = try applyInTransaction(.declined(code: Self.settledByHandCode, message: note), current: current, barcode: false, paid: &paid)
            guard let settled, settled.status == .failed else {
                throw PayError.conflict("payment \(attempt.serial) changed while settling; nothing was changed")
            }
            return settled
        default:
            throw PayError.invalidInput("settle payment \(attempt.serial) as \(outcome.rawValue): only SUCCEEDED or FAILED")
        }
    }

    /// The order's status follows its attempts: a PAYING order with no attempt in flight and
    /// nothing paid is CREATED again (payable, closable, expiring like a new one). Called after
    /// every attempt that ends unpaid, whichever word ended it (pay answer, callback, query,
    /// revoke), since they all come through here.
    private func followAttempts(orderId: Int64, at now: Timestamp) throws {
        let store = context.store
        guard let order = try store.orders.balance(id: orderId), order.status == .paying, order.paidAmount.minorUnits == 0 else { return }
        guard try !store.attempts.forOrder(orderId).contains(where: { $0.status.isInFlight || $0.status == .succeeded }) else { return }
        _ = try store.orders.transition(orderId, from: .paying, to: .created, at: now)
    }

    /// The channel says it took the money for an attempt the center had settled as not paid (a
    /// pay request that reached it after the janitor gave the attempt up, a revoke that did not
    /// hold). The customer was told it did not go through, so the money goes back: the attempt is
    /// recorded SUCCEEDED and duplicate, and the duplicate scanner refunds it automatically (with
    /// its back-off, hold and alerts). Alerted and audited, as the money moved without a till.
    private func recordLateSuccess(_ current: PaymentAttempt, channelSerial: String, at now: Timestamp) throws {
        let store = context.store
        let note = "the channel took it (\(channelSerial)) after the center had settled it \(current.status.rawValue) (\(current.failureCode ?? "—"): \(current.failureMessage ?? "")); refunded automatically"
        guard try store.attempts.recordLateSuccess(current.id, from: current.status, channelSerial: channelSerial, note: note, at: now) else { return }
        try Alerting(context).raise(rule: "payment.late-success", subject: "attempt:\(current.id)",
                                    message: "the channel says payment \(current.serial) on \(current.account) succeeded (\(channelSerial)) after it was \(current.status.rawValue): an automatic refund follows")
        try AuditLog(context).append(actor: .system, action: "payment.late-success", target: "payment:\(current.serial)",
                                     detail: "\(current.amount.decimalString) \(current.amount.currency) via \(current.account): \(note)")
    }

    private func reread(_ attempt: PaymentAttempt) throws -> PaymentAttempt {
        guard let fresh = try context.store.attempts.find(id: attempt.id) else { throw PayError.notFound("payment \(attempt.serial)") }
        return fresh
    }

    /// The next janitor look at a still-open attempt, by its age on the schedule.
    func nextCheck(_ attempt: PaymentAttempt, barcode: Bool, now: Timestamp) -> Timestamp {
        let age = now.milliseconds - attempt.createdAt.milliseconds
        if barcode && attempt.status == .pending && age < Self.barcodePollWindowMs {
            return now.adding(milliseconds: Self.barcodePollMs)
        }
        for step in Self.queryScheduleMs where step > age { return attempt.createdAt.adding(milliseconds: step) }
        return now.adding(milliseconds: Self.queryScheduleMs.last!)
    }

    /// A succeeded attempt pays its order — or, when the order is already paid or closed, is a
    /// duplicate payment: marked for the duplicate scanner's refund and alerted. Returns the
    /// order's row when it paid it. why the guarded update first: it is the common case, and the
    /// order is read (to say how it stood) only when the update found it otherwise.
    private func settleOrderPaid(_ attempt: PaymentAttempt, line: BusinessLine?, at now: Timestamp) throws -> UpdatedOrder? {
        let store = context.store
        if let paid = try store.orders.payInFull(attempt.orderId, adding: attempt.amount.minorUnits, channel: attempt.channel, at: now) {
            try MerchantNotifications(context).enqueue(orderId: paid.id, businessLine: paid.businessLine, event: "order.paid", line: line)
            return paid
        }
        guard let order = try store.orders.balance(id: attempt.orderId) else { return nil }
        try store.attempts.markDuplicate(attempt.id, at: now)
        try store.metrics.count(.duplicateFound, label: attempt.channel, at: now)
        try Alerting(context).raise(rule: "payment.duplicate", subject: "order:\(order.id)",
                                    labels: ["channel": attempt.channel, "account": attempt.account], message: "order \(order.orderNo) (\(order.businessLine)) was paid again by \(attempt.serial) via \(attempt.account); an automatic refund follows")
        return nil
    }
}
