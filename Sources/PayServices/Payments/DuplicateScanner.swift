import PayCore
import PayStore
import PayChannels

/// Finds orders paid more than once (a customer who failed on one channel and paid on another,
/// a late success after close) and refunds the extra attempts automatically, retrying failed
/// refunds with exponential back-off (1, 2, 4, 8 … minutes, at most an hour) and alerting when
/// they keep failing. An operator can hold an automatic refund.
///
/// A refund fails at once (declined, channel down) or later: accepted, then failed by the
/// channel's callback or the janitor's query. Either way it is one failure, counted once: at the
/// next round the scanner counts an automatic refund that failed since it last looked, and the
/// back-off runs from when it failed.
public struct DuplicateScanner: WorkerJob {
    public let name = "duplicates"
    let gateway: ChannelGateway

    public init(gateway: ChannelGateway) { self.gateway = gateway }

    static let maxBackoffMs: Int64 = 3_600_000
    /// Failed tries after which an alert is raised.
    static let alertAfterFailures = 3

    /// The wait after the `failures`-th failure: 1, 2, 4 … minutes, at most `maxBackoffMs`.
    static func backoffMs(afterFailures failures: Int64) -> Int64 {
        min(maxBackoffMs, 60_000 << min(max(failures - 1, 0), 20))
    }

    /// Tries the due automatic refunds; returns how many were tried.
    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        let due = try store.read { try store.attempts.duplicatesDue(at: now, limit: 50) }
        var tried = 0
        for candidate in due {
            var state = candidate
            // why: a refund accepted by the channel and failed later (callback or query) failed all
            // the same; it is counted here, once, with the back-off from when it failed.
            if let failed = try store.read({ try store.refunds.latestFailedAutomatic(attemptId: state.attemptId) }),
               failed.id > (state.countedRefundId ?? 0) {
                guard let counted = try countFailure(state, refundId: failed.id, at: failed.failedAt, context) else { continue }
                state = counted
                if (state.nextAt?.milliseconds ?? 0) > now.milliseconds { continue }
            }
            guard let attempt = try store.read({ try store.attempts.find(id: state.attemptId) }) else { continue }
            var automatic = RefundRequestInput(paymentSerial: attempt.serial, amountText: attempt.amount.decimalString,
                                               reason: "automatic refund of a duplicate payment")
            automatic.automatic = true
            tried += 1
            let refund: Refund
            do {
                refund = try RefundService(context, gateway: gateway).refund(automatic).0
            } catch {
                // why: another process may have started this refund since the read above (its
                // insert then refuses ours as above the refundable amount): that is no failure.
                if try store.read({ try store.refunds.committedMinor(attemptId: attempt.id) }) > 0 { continue }
                _ = try countFailure(state, refundId: nil, at: now, context)
                continue
            }
            if refund.status == .failed {
                _ = try countFailure(state, refundId: refund.id, at: now, context)
            }
        }
        return tried
    }

    /// Counts one failure of the automatic refund, sets the next try after the back-off from
    /// `failedAt`, and alerts from the `alertAfterFailures`-th. Nil when another process counted first.
    private func countFailure(_ state: DuplicateRefundState, refundId: Int64?, at failedAt: Timestamp,
                              _ context: ServiceContext) throws(PayError) -> DuplicateRefundState? {
        let store = context.store
        let failures = state.failures + 1
        let nextAt = failedAt.adding(milliseconds: Self.backoffMs(afterFailures: failures))
        return try store.write { () throws -> DuplicateRefundState? in
            guard try store.attempts.countDuplicateRefundFailure(state, refundId: refundId, nextAt: nextAt) else { return nil }
            if failures >= Int64(Self.alertAfterFailures), let attempt = try store.attempts.find(id: state.attemptId) {
                try Alerting(context).raise(rule: "duplicate.refund-failing", subject: "attempt:\(attempt.id)",
                                            message: "the automatic refund of duplicate payment \(attempt.serial) failed \(failures) times; next try at \(nextAt.iso8601)")
            }
            return DuplicateRefundState(attemptId: state.attemptId, failures: failures, nextAt: nextAt,
                                        countedRefundId: refundId ?? state.countedRefundId)
        }
    }

    /// An operator holds (or releases) the automatic refund of a duplicate payment. Audited.
    public static func hold(_ serial: Serial, release: Bool, context: ServiceContext) throws(PayError) -> Bool {
        try Authorizer.require(.refundAny, actor: context.actor)
        let store = context.store
        try store.write {
            guard let attempt = try store.attempts.find(serial: serial) else { throw PayError.notFound("payment '\(serial)': not found") }
            guard try store.attempts.holdDuplicateRefund(attempt.id, hold: !release) else {
                throw PayError.conflict("payment '\(serial)' is not a duplicate payment; nothing to hold")
            }
            try AuditLog(context).append(actor: context.actor, action: release ? "duplicate.release" : "duplicate.hold",
                                         target: "payment:\(serial)")
        }
        return !release
    }
}
