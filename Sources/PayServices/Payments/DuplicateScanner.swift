import PayCore
import PayStore
import PayChannels

/// Finds orders paid more than once (a customer who failed on one channel and paid on another,
/// a late success after close) and refunds the extra attempts automatically, retrying failed
/// refunds with exponential back-off (1, 2, 4, 8 … minutes, at most an hour) and alerting when
/// they keep failing. An operator can hold an automatic refund.
public struct DuplicateScanner: WorkerJob {
    public let name = "duplicates"
    let gateway: ChannelGateway

    public init(gateway: ChannelGateway) { self.gateway = gateway }

    static let maxBackoffMs: Int64 = 3_600_000
    /// Failed tries after which an alert is raised.
    static let alertAfterFailures = 3

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let now = context.now
        // Attempts marked duplicate, not held, with no refund in flight or done, and due.
        let due: [(PaymentAttempt, Int64, Int64)] = try store.read {
            try store.db.rows("""
                SELECT a.id AS id, a.duplicate_failures AS failures, coalesce(a.duplicate_next_at, 0) AS next_at
                FROM payment_attempts a
                WHERE a.duplicate = 1 AND a.status = 'SUCCEEDED' AND a.duplicate_hold = 0 AND coalesce(a.duplicate_next_at, 0) <= ?
                  AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.attempt_id = a.id AND r.status <> 'FAILED')
                LIMIT 50
                """, [now.milliseconds]).compactMap { row in
                try store.attempts.find(id: row.int64("id")).map { ($0, row.int64("failures"), row.int64("next_at")) }
            }
        }
        for (attempt, failures, _) in due {
            let input = RefundRequestInput(paymentSerial: attempt.serial, amountText: attempt.amount.decimalString,
                                           reason: "automatic refund of a duplicate payment")
            var automatic = input
            automatic.automatic = true
            let refund = try? RefundService(context, gateway: gateway).refund(automatic).0
            if refund?.status == .failed || refund == nil {
                let failed = failures + 1
                let backoff = min(Self.maxBackoffMs, 60_000 << min(failed - 1, 20))
                try store.write {
                    try store.db.execute("UPDATE payment_attempts SET duplicate_failures = ?, duplicate_next_at = ? WHERE id = ?",
                                         [failed, now.milliseconds + backoff, attempt.id])
                    if failed >= Self.alertAfterFailures {
                        try store.alerts.fire(rule: "duplicate.refund-failing", key: "attempt:\(attempt.id)", severity: "critical",
                                              message: "the automatic refund of duplicate payment \(attempt.serial) failed \(failed) times", at: now)
                    }
                }
            }
        }
        return due.count
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
