import Foundation
import PayCore
import PayStore
import PayChannels

/// What `paydesk check` found: each broken invariant in words, with the rows it names.
public struct InvariantReport: Sendable {
    public var problems: [String] = []
    public var checked: [String] = []
    /// Figures that are no problem in themselves: the per-account sums of the ledger comparison.
    public var summary: [String] = []
    public var isClean: Bool { problems.isEmpty }
}

/// The money invariants of the store, checked with the store's own queries (`InvariantRepository`)
/// — after a crash, a `kill -9`, or whenever support wants to be sure: the file is intact, no payment is half-written, refunds stay
/// within their payments, every order's amounts agree with its payments and refunds, and every paid
/// order of a line with a notify URL has its notification delivered or queued, and no payment or
/// refund was settled by a callback that verified under another channel account than the payment's.
/// When a sandbox file lies beside the store, the center's records are also compared with the
/// sandbox's own ledger (`LedgerComparison`); a store on real channels has none.
public struct InvariantChecker {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Runs every check; with `settled`, also that nothing is still PROCESSING.
    public func run(settled: Bool = false) throws(PayError) -> InvariantReport {
        let store = context.store
        let invariants = store.invariants
        var centerLedger: (payments: [InvariantRepository.LedgerPayment], refunds: [InvariantRepository.LedgerRefund])?
        let sandboxPath = Sandbox.path(forStore: store.path)
        let hasSandbox = FileManager.default.fileExists(atPath: sandboxPath)
        var report = try store.read { () throws -> InvariantReport in
            var report = InvariantReport()
            func check<Found>(_ name: String, _ found: [Found], _ describe: (Found) -> String) {
                report.checked.append(name)
                for item in found { report.problems.append("\(name): \(describe(item))") }
            }
            let integrity = try invariants.integrity()
            report.checked.append("integrity")
            if integrity != ["ok"] { report.problems += integrity.map { "integrity: \($0)" } }
            check("no half-written payment", try invariants.attemptSerials(in: .initial)) { "payment \($0) is INIT" }
            if settled {
                check("nothing in flight", try invariants.attemptSerials(in: .processing)) { "payment \($0) is still PROCESSING" }
            }
            check("refunds within payments", try invariants.refundsBeyondPayments()) {
                "payment \($0.paymentSerial) refunds \($0.refundedMinor) > \($0.amountMinor)"
            }
            check("paid amounts agree with payments", try invariants.paidAmountsDisagreeing()) {
                "order \($0.orderNo) paid \($0.paidMinor) but its payments succeeded for \($0.succeededMinor)"
            }
            check("order status agrees with amounts", try invariants.statusesDisagreeingWithAmounts()) {
                "order \($0.orderNo) is \($0.status) with amounts that disagree"
            }
            check("refunded amounts agree with refunds", try invariants.refundedAmountsDisagreeing()) {
                "order \($0) refunded amount disagrees with its succeeded refunds"
            }
            check("paid orders notified or queued", try invariants.paidOrdersWithoutNotification(topic: "order.paid")) {
                "paid order \($0) has no order.paid notification"
            }
            check("risk rollups agree with payments", try store.paymentHistory.rollupMismatches()) { $0 }
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
                    CallbackInbox.reverify(under: account, headersText: kept.headers, body: kept.body, receivedAt: kept.receivedAt,
                                           seal: try? ConfigSeal(storePath: store.path))?.reason
                } else {
                    "account \(kept.paymentAccount) is gone"
                }
                if let reason {
                    report.problems.append("callbacks from the payment's own account: callback #\(kept.callbackId) settled \(what), but does not verify under \(kept.paymentAccount)'s credentials (\(reason))")
                }
            }
            try checkSecretsAtRest(&report)
            if hasSandbox { centerLedger = (try invariants.ledgerPayments(), try invariants.ledgerRefunds()) }
            return report
        }
        if let centerLedger {
            // why: the center's side is read first. The channel moves money before the center
            // records it, so a payment finishing between the two reads is seen charged and in
            // flight (a problem only with `settled`), never SUCCEEDED and not charged.
            report.checked.append(LedgerComparison.name)
            do {
                let ledger = try Sandbox.ledger(at: sandboxPath)
                let comparison = LedgerComparison(payments: centerLedger.payments, refunds: centerLedger.refunds, sandbox: ledger, settled: settled)
                report.problems += comparison.problems
                report.summary += comparison.summary
            } catch where error.kind == .invalidInput {
                report.problems.append("\(LedgerComparison.name): \(error.message)")
            }
        }
        return report
    }
}
