import PayCore
import PayServices

/// What the alert panel (F4) and the dashboard (F5) ask of the monitoring services, acting as
/// the operator logged in (`ConsoleServices.act`).
@MainActor
public protocol MonitoringDesk: AnyObject {
    /// Alerts in `states` (nil: every state), open ones first by severity then age.
    func alerts(states: Set<AlertState>?) throws(PayError) -> [AlertSummary]
    /// One alert with its rule, value history and the orders it concerns.
    func alert(id: Int64) throws(PayError) -> AlertDetail
    /// Acknowledges a firing alert (it keeps counting and resolves by itself when it clears).
    func acknowledge(id: Int64) throws(PayError) -> AlertSummary
    /// Silences the alert's rule and labels for `milliseconds`, with a reason.
    func silence(alertId: Int64, forMilliseconds milliseconds: Int64, reason: String) throws(PayError) -> SilenceView
    /// The dashboard's figures now.
    func dashboard() throws(PayError) -> DashboardSnapshot
    /// The store's time as of the last call — a simulated store's clock, not the wall's: the
    /// panel counts ages from it.
    var storeNow: Timestamp { get }
}
