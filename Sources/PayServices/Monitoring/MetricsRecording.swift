import PayCore
import PayStore

extension MetricRepository {
    /// Counts one monitoring event under its label value (`MonitoringEvent.labelName`), inside the
    /// caller's transaction.
    public func count(_ event: MonitoringEvent, label: String, at time: Timestamp) throws {
        try count(event.rawValue, label: label, at: time)
    }

    /// Counts the event in the connection's next transaction (the one that records what the event
    /// led to), instead of a commit of its own.
    public func countWithNextTransaction(_ event: MonitoringEvent, label: String, at time: Timestamp) {
        countWithNextTransaction(event.rawValue, label: label, at: time)
    }
}

extension MonitoringEvent {
    /// The event a risk decision counts as.
    public static func risk(_ action: RiskDecision.Action) -> MonitoringEvent {
        switch action {
        case .allow: .riskAllow
        case .challenge: .riskChallenge
        case .block: .riskBlock
        }
    }
}
