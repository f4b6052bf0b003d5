/// `PENDING → FIRING → ACKNOWLEDGED → RESOLVED`; `PENDING → RESOLVED` when the condition clears
/// before its `for` time; `FIRING → RESOLVED` when it clears for its `keep_firing_for` time.
/// One alert per rule and label set: a firing while one is open only counts on it.
public enum AlertState: String, StatusMachine {
    case pending = "PENDING"
    case firing = "FIRING"
    case acknowledged = "ACKNOWLEDGED"
    case resolved = "RESOLVED"

    public static let transitions: [AlertState: Set<AlertState>] = [
        .pending: [.firing, .resolved],
        // why: an acknowledged alert still resolves by itself; an operator never resolves by hand,
        // the condition does (a firing that comes back opens a new alert).
        .firing: [.acknowledged, .resolved],
        .acknowledged: [.resolved],
        .resolved: [],
    ]

    /// Open: not resolved yet (the one alert of its rule and label set).
    public var isOpen: Bool { self != .resolved }
}

/// How loud an alert is; the panel sorts by it, sinks may skip the quieter ones.
public enum AlertSeverity: String, CaseIterable, Sendable, Comparable {
    case info
    case warning
    case critical

    var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool { lhs.rank < rhs.rank }

    public static func parse(_ text: String, field: String = "severity") throws(PayError) -> AlertSeverity {
        if let severity = AlertSeverity(rawValue: text.lowercased()) { return severity }
        throw PayError.invalidInput("\(field) '\(text)': unknown severity (known: info, warning, critical)")
    }
}
