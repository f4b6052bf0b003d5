import PayCore
import PayStore
import PayServices
import PayConsole

/// The alert panel's and the dashboard's door to the alert service and the metrics, on a
/// connection of their own, acting as the operator logged in. Each call reads the store's time
/// again, so a simulated clock moved by another process shows at once.
@MainActor
final class ServiceMonitoringDesk: MonitoringDesk {
    private let context: ServiceContext
    private let notifier: any AlertNotifying

    init(storePath: String, notifier: any AlertNotifying = AlertSinks()) throws(PayError) {
        let store = try Store.open(path: storePath)
        // why: nobody is logged in yet; a cashier may read no alerts, so every call is refused until `act`.
        context = try ServiceContext(store: store, actor: Actor(name: "nobody", role: .cashier, origin: "console"))
        self.notifier = notifier
    }

    var storeNow: Timestamp { context.now }

    /// The services act as `actor` from the next call on.
    func act(as actor: Actor) { context.actor = actor }

    private func alertService() throws(PayError) -> AlertService {
        try context.refreshClock()
        return AlertService(context, metrics: MetricsService(context), notifier: notifier)
    }

    func alerts(states: Set<AlertState>?) throws(PayError) -> [AlertSummary] {
        try alertService().list(states: states)
    }

    func alert(id: Int64) throws(PayError) -> AlertDetail {
        try alertService().detail(id: id)
    }

    func acknowledge(id: Int64) throws(PayError) -> AlertSummary {
        try alertService().acknowledge(id)
    }

    func silence(alertId: Int64, forMilliseconds milliseconds: Int64, reason: String) throws(PayError) -> SilenceView {
        try alertService().silence(alertId: alertId, forMilliseconds: milliseconds, reason: reason)
    }

    func dashboard() throws(PayError) -> DashboardSnapshot {
        let alerts = try alertService()
        var snapshot = try MonitoringDashboard(context, metrics: MetricsService(context)).snapshot()
        snapshot.openAlerts = try alerts.counts().filter { $0.key.isOpen }
        return snapshot
    }
}
