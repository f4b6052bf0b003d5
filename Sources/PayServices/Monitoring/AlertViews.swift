import PayCore

/// One equality matcher of a silence: `name=value` against an alert's labels, where `alertname`
/// matches the rule's name.
public struct AlertMatcher: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A silence as people see it.
public struct SilenceView: Sendable, Equatable {
    public var id: Int64
    public var matchers: [AlertMatcher]
    public var reason: String
    public var createdBy: String
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
    /// Ended early by an operator.
    public var endedAt: Timestamp?
    /// Open alerts it matches now (0: the caller warns that it matches nothing).
    public var matchedAlerts: Int

    public init(id: Int64, matchers: [AlertMatcher], reason: String, createdBy: String, createdAt: Timestamp,
                expiresAt: Timestamp, endedAt: Timestamp?, matchedAlerts: Int) {
        self.id = id
        self.matchers = matchers
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.endedAt = endedAt
        self.matchedAlerts = matchedAlerts
    }
}

/// An alert rule as data.
public struct AlertRuleView: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// An expression over the metrics, evaluated on every round.
        case expression
        /// Raised by a service about one object (an attempt, an order, a refund, a message).
        case event
    }

    public var name: String
    public var kind: Kind
    /// The expression (empty for event rules).
    public var expression: String
    public var forMilliseconds: Int64
    public var keepFiringForMilliseconds: Int64
    public var severity: AlertSeverity
    public var labels: AlertLabels
    public var summary: String
    public var enabled: Bool
    /// Shipped with PayDesk (may be disabled, not removed).
    public var builtIn: Bool

    public init(name: String, kind: Kind, expression: String, forMilliseconds: Int64, keepFiringForMilliseconds: Int64,
                severity: AlertSeverity, labels: AlertLabels, summary: String, enabled: Bool, builtIn: Bool) {
        self.name = name
        self.kind = kind
        self.expression = expression
        self.forMilliseconds = forMilliseconds
        self.keepFiringForMilliseconds = keepFiringForMilliseconds
        self.severity = severity
        self.labels = labels
        self.summary = summary
        self.enabled = enabled
        self.builtIn = builtIn
    }
}

/// An alert as the panel lists it.
public struct AlertSummary: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var rule: String
    public var labels: AlertLabels
    public var severity: AlertSeverity
    public var state: AlertState
    public var message: String
    /// Times the condition fired while this alert was open (1 for the first).
    public var firings: Int64
    /// When the condition first held (pending since).
    public var startedAt: Timestamp
    /// When it went FIRING; nil while pending.
    public var firedAt: Timestamp?
    /// The last evaluation or event that found the condition true.
    public var lastSeenAt: Timestamp
    public var acknowledgedBy: String?
    public var resolvedAt: Timestamp?
    /// The value that fired it and the threshold it crossed, as text ("72.0 %" against "< 90 %").
    public var value: String?
    public var threshold: String?
    /// The active silence covering it, if any (nothing is sent while silenced).
    public var silence: SilenceView?
    /// The firing alert that suppresses it (a channel down hides that channel's per-order alerts).
    public var inhibitedBy: Int64?
    /// It came back when its silence expired while it still fired.
    public var returnedFromSilence: Bool

    public init(id: Int64, rule: String, labels: AlertLabels, severity: AlertSeverity, state: AlertState, message: String,
                firings: Int64, startedAt: Timestamp, firedAt: Timestamp?, lastSeenAt: Timestamp, acknowledgedBy: String?,
                resolvedAt: Timestamp?, value: String?, threshold: String?, silence: SilenceView?, inhibitedBy: Int64?,
                returnedFromSilence: Bool) {
        self.id = id
        self.rule = rule
        self.labels = labels
        self.severity = severity
        self.state = state
        self.message = message
        self.firings = firings
        self.startedAt = startedAt
        self.firedAt = firedAt
        self.lastSeenAt = lastSeenAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
        self.value = value
        self.threshold = threshold
        self.silence = silence
        self.inhibitedBy = inhibitedBy
        self.returnedFromSilence = returnedFromSilence
    }
}

/// One alert with what the detail view shows beside it.
public struct AlertDetail: Sendable, Equatable {
    public var alert: AlertSummary
    public var rule: AlertRuleView?
    /// The rule's value once a minute over the last hour, oldest first (nil: no data that minute),
    /// for the sparkline; empty for event rules.
    public var history: [Double?]
    /// The numeric threshold the history is drawn against, when the rule has one.
    public var thresholdValue: Double?
    /// An order-browser filter for the orders it concerns ("channel:wechat status:unknown",
    /// "id:1234"); nil when it concerns no orders.
    public var orderFilter: String?

    public init(alert: AlertSummary, rule: AlertRuleView?, history: [Double?], thresholdValue: Double?, orderFilter: String?) {
        self.alert = alert
        self.rule = rule
        self.history = history
        self.thresholdValue = thresholdValue
        self.orderFilter = orderFilter
    }
}

/// What happened to an alert that a sink is told about.
public enum AlertNotice: String, Sendable {
    /// It went FIRING (first time for this alert).
    case firing
    /// It still fires after its silence expired.
    case returned
    case resolved
}

/// The sinks (panel, signed webhook, SMS) as the alert engine calls them, inside the transaction
/// that moved the alert, so a delivery is queued exactly when the transition commits. Alerts that
/// are silenced or inhibited are not passed.
public protocol AlertNotifying {
    func notify(_ alert: AlertSummary, _ notice: AlertNotice, context: ServiceContext) throws(PayError)
}
