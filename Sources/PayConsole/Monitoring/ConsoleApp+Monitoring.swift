import PayCore
import PayServices

extension ConsoleApp {
    /// The monitoring services the alert panel and the dashboard ask (nil when the composition
    /// root gave none).
    public var monitoring: (any MonitoringDesk)? { services?.monitoring }

    /// Runs one call to the monitoring services; an error (permission refused, not found, not
    /// connected) goes to the status line and `work` answers nil.
    func askMonitoring<T>(_ work: (any MonitoringDesk) throws(PayError) -> T) -> T? {
        guard let monitoring else {
            showMessage(MonitoringText.notConnected, error: true)
            return nil
        }
        do {
            return try work(monitoring)
        } catch {
            showMessage(error.message, error: true)
            return nil
        }
    }
}
