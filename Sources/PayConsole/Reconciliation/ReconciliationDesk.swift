import PayCore
import PayServices

/// What the reconciliation screen (F6) asks of the services: runs by date and channel account,
/// a run's mismatches, and resolving one (issue 16). Every call acts as the operator logged in
/// (`ConsoleServices.act`): reading needs `queryOrders`, resolving `reconcile`.
@MainActor
public protocol ReconciliationDesk: AnyObject {
    /// The runs, newest bill date first, every version (the latest first).
    func runs() throws(PayError) -> [ReconciliationRun]
    /// One run with its mismatches and their counts per type.
    func report(run id: Int64) throws(PayError) -> ReconciliationReport
    /// What resolving `mismatch` as `resolution` would do, changing nothing (the preview).
    func plan(mismatch id: Int64, as resolution: MismatchResolution) throws(PayError) -> ResolutionPlan
    /// Resolves it; `approver` (name and password) is the second person above the threshold.
    func resolve(mismatch id: Int64, as resolution: MismatchResolution, reason: String,
                 approver: (name: String, password: String)?) throws(PayError) -> Mismatch
}
