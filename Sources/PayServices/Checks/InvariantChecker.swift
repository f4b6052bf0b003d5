import PayCore
import PayStore
import PayChannels

/// What `paydesk check` found: each broken invariant in words, with the rows it names.
public struct InvariantReport: Sendable {
    public var problems: [String] = []
    public var checked: [String] = []
    public var isClean: Bool { problems.isEmpty }
}

/// The money invariants of the store, checked with plain SQL — after a crash, a `kill -9`, or
/// whenever support wants to be sure: the file is intact, no payment is half-written, refunds stay
/// within their payments, every order's amounts agree with its payments and refunds, and every paid
/// order of a line with a notify URL has its notification delivered or queued, and no payment or
/// refund was settled by a callback that verified under another channel account than the payment's.
public struct InvariantChecker {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Runs every check; with `settled`, also that nothing is still PROCESSING.
    public func run(settled: Bool = false) throws(PayError) -> InvariantReport {
        let db = context.store.db
        return try context.store.read { () throws -> InvariantReport in
            var report = InvariantReport()
            func check(_ name: String, _ sql: String, _ describe: (Row) -> String) throws {
                report.checked.append(name)
                for row in try db.rows(sql) { report.problems.append("\(name): \(describe(row))") }
            }
            let integrity = try db.rows("PRAGMA integrity_check").map { $0.string("integrity_check") }
            report.checked.append("integrity")
            if integrity != ["ok"] { report.problems += integrity.map { "integrity: \($0)" } }
            try check("no half-written payment", "SELECT serial FROM payment_attempts WHERE status = 'INIT'") { "payment \($0.string("serial")) is INIT" }
            if settled {
                try check("nothing in flight", "SELECT serial FROM payment_attempts WHERE status = 'PROCESSING'") {
                    "payment \($0.string("serial")) is still PROCESSING"
                }
            }
            try check("refunds within payments", """
                SELECT a.serial AS serial, a.amount_minor AS amount, sum(r.amount_minor) AS refunded
                FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
                WHERE r.status <> 'FAILED' GROUP BY a.id HAVING sum(r.amount_minor) > a.amount_minor
                """) { "payment \($0.string("serial")) refunds \($0.int64("refunded")) > \($0.int64("amount"))" }
            try check("paid amounts agree with payments", """
                SELECT o.order_no AS no, o.paid_minor AS paid,
                       (SELECT coalesce(sum(amount_minor), 0) FROM payment_attempts
                        WHERE order_id = o.id AND status = 'SUCCEEDED' AND duplicate = 0) AS succeeded
                FROM orders o
                WHERE o.paid_minor <> (SELECT coalesce(sum(amount_minor), 0) FROM payment_attempts
                                       WHERE order_id = o.id AND status = 'SUCCEEDED' AND duplicate = 0)
                """) { "order \($0.string("no")) paid \($0.int64("paid")) but its payments succeeded for \($0.int64("succeeded"))" }
            try check("order status agrees with amounts", """
                SELECT order_no AS no, status FROM orders
                WHERE (status IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED') AND paid_minor <> amount_minor)
                   OR (status IN ('CREATED', 'PAYING', 'CLOSED') AND paid_minor <> 0)
                   OR refunded_minor > paid_minor
                   OR (status = 'REFUNDED' AND refunded_minor <> paid_minor)
                   OR (status = 'PAID' AND refunded_minor <> 0)
                """) { "order \($0.string("no")) is \($0.string("status")) with amounts that disagree" }
            try check("refunded amounts agree with refunds", """
                SELECT o.order_no AS no FROM orders o
                WHERE o.refunded_minor <> (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r
                                           JOIN payment_attempts a ON a.id = r.attempt_id
                                           WHERE r.order_id = o.id AND r.status = 'SUCCEEDED' AND a.duplicate = 0)
                """) { "order \($0.string("no")) refunded amount disagrees with its succeeded refunds" }
            try check("paid orders notified or queued", """
                SELECT o.order_no AS no FROM orders o JOIN business_lines b ON b.code = o.business_line
                WHERE b.notify_url <> '' AND o.status = 'PAID' AND o.updated_at >= coalesce(b.notify_since, 0)
                  AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.order_id = o.id AND x.topic = 'order.paid')
                """) { "paid order \($0.string("no")) has no order.paid notification" }
            report.checked.append("callbacks from the payment's own account")
            for foreign in try context.store.callbacks.acceptedFromAnotherAccount() {
                let what = foreign.refundSerial.map { "refund \($0) of payment \(foreign.paymentSerial)" } ?? "payment \(foreign.paymentSerial)"
                report.problems.append("callbacks from the payment's own account: callback #\(foreign.callbackId), verified with account \(foreign.callbackAccount)'s credentials, settled \(what), which went through \(foreign.paymentAccount)")
            }
            // why: callbacks kept before schema 7 do not say which account they verified under;
            // verified again under the payment's account, as received, they tell.
            for kept in try context.store.callbacks.acceptedWithoutAccount() {
                let what = kept.refundSerial.map { "refund \($0) of payment \(kept.paymentSerial)" } ?? "payment \(kept.paymentSerial)"
                let reason: String? = if let account = try context.store.channelAccounts.find(kept.paymentAccount) {
                    CallbackInbox.reverify(under: account, headersText: kept.headers, body: kept.body, receivedAt: kept.receivedAt)?.reason
                } else {
                    "account \(kept.paymentAccount) is gone"
                }
                if let reason {
                    report.problems.append("callbacks from the payment's own account: callback #\(kept.callbackId) settled \(what), but does not verify under \(kept.paymentAccount)'s credentials (\(reason))")
                }
            }
            return report
        }
    }
}
