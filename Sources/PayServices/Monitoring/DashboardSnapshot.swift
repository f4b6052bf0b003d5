import PayCore

/// One channel account's health over the last hour, for the dashboard (F5).
public struct AccountHealth: Sendable, Equatable {
    public var channel: String
    public var account: String
    public var breaker: String
    /// Payments over the last hour.
    public var requests: Int64
    public var successRate: Double?
    public var p50Milliseconds: Double?
    public var p95Milliseconds: Double?
    /// Per minute over the last hour, oldest first: payment requests, success rate, p95 latency.
    public var volumeSeries: [Int64]
    public var successSeries: [Double?]
    public var p95Series: [Double?]
    /// Successful payment amounts since the start of today (store time), minor units per currency.
    public var amountsToday: [String: Int64]

    public init(channel: String, account: String, breaker: String, requests: Int64, successRate: Double?,
                p50Milliseconds: Double?, p95Milliseconds: Double?, volumeSeries: [Int64], successSeries: [Double?],
                p95Series: [Double?], amountsToday: [String: Int64]) {
        self.channel = channel
        self.account = account
        self.breaker = breaker
        self.requests = requests
        self.successRate = successRate
        self.p50Milliseconds = p50Milliseconds
        self.p95Milliseconds = p95Milliseconds
        self.volumeSeries = volumeSeries
        self.successSeries = successSeries
        self.p95Series = p95Series
        self.amountsToday = amountsToday
    }
}

/// Everything the dashboard draws, read at one instant.
public struct DashboardSnapshot: Sendable, Equatable {
    public var at: Timestamp
    public var accounts: [AccountHealth]
    public var gauges: MonitoringGauges
    /// Open alerts by state (PENDING, FIRING, ACKNOWLEDGED).
    public var openAlerts: [AlertState: Int]

    public init(at: Timestamp, accounts: [AccountHealth], gauges: MonitoringGauges, openAlerts: [AlertState: Int]) {
        self.at = at
        self.accounts = accounts
        self.gauges = gauges
        self.openAlerts = openAlerts
    }
}
