import PayCore

/// Counted events other than channel calls, each kept per minute with one label value.
public enum MonitoringEvent: String, CaseIterable, Sendable {
    /// A channel's callback arrived (label: channel).
    case callbackReceived = "callback_received"
    /// Refused: bad signature, unknown serial, malformed (label: channel).
    case callbackRejected = "callback_rejected"
    /// Verified but not matching its attempt (label: channel).
    case callbackSuspicious = "callback_suspicious"
    /// Risk decisions (label: business line).
    case riskAllow = "risk_allow"
    case riskChallenge = "risk_challenge"
    case riskBlock = "risk_block"
    /// A second success on one order (label: channel).
    case duplicateFound = "duplicate_found"
    /// A duplicate payment refunded by the scanner (label: channel).
    case duplicateRefunded = "duplicate_refunded"

    /// The label the event is counted under.
    public var labelName: String {
        switch self {
        case .riskAllow, .riskChallenge, .riskBlock: "line"
        default: "channel"
        }
    }
}

/// Latency of channel calls as a cumulative-bucket histogram (Prometheus style).
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds in milliseconds; a last, implicit bucket is +Inf.
    public static let boundsMilliseconds: [Int64] = [50, 100, 250, 500, 1000, 2000, 5000, 10000]

    /// Non-cumulative counts per bucket: `boundsMilliseconds.count + 1` entries, the last one +Inf.
    public var counts: [Int64]
    public var sumMilliseconds: Int64

    public init(counts: [Int64] = Array(repeating: 0, count: LatencyHistogram.boundsMilliseconds.count + 1), sumMilliseconds: Int64 = 0) {
        precondition(counts.count == Self.boundsMilliseconds.count + 1, "one count per bucket and +Inf")
        self.counts = counts
        self.sumMilliseconds = sumMilliseconds
    }

    public var count: Int64 { counts.reduce(0, +) }

    /// The bucket index a latency falls in.
    public static func bucket(forMilliseconds latency: Int64) -> Int {
        boundsMilliseconds.firstIndex { latency <= $0 } ?? boundsMilliseconds.count
    }

    public mutating func observe(milliseconds latency: Int64) {
        counts[Self.bucket(forMilliseconds: latency)] += 1
        sumMilliseconds += latency
    }

    public static func + (lhs: LatencyHistogram, rhs: LatencyHistogram) -> LatencyHistogram {
        LatencyHistogram(counts: zip(lhs.counts, rhs.counts).map { $0 + $1 }, sumMilliseconds: lhs.sumMilliseconds + rhs.sumMilliseconds)
    }

    /// The q-quantile in milliseconds, interpolated linearly inside its bucket as Prometheus's
    /// `histogram_quantile` does; nil with no observations. A quantile in the +Inf bucket is the
    /// highest finite bound (as Prometheus answers).
    public func quantile(_ q: Double) -> Double? {
        let total = count
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var below: Int64 = 0
        for (index, bucketCount) in counts.enumerated() {
            let cumulative = below + bucketCount
            if Double(cumulative) >= rank && bucketCount > 0 {
                guard index < Self.boundsMilliseconds.count else { return Double(Self.boundsMilliseconds.last!) }
                let lower = index == 0 ? 0 : Double(Self.boundsMilliseconds[index - 1])
                let upper = Double(Self.boundsMilliseconds[index])
                return lower + (upper - lower) * (rank - Double(below)) / Double(bucketCount)
            }
            below = cumulative
        }
        return Double(Self.boundsMilliseconds.last!)
    }
}

/// One channel account's calls over a window (one operation, or all).
public struct ChannelTraffic: Sendable, Equatable {
    public var channel: String
    public var account: String
    public var requests: Int64 = 0
    public var succeeded: Int64 = 0
    public var declined: Int64 = 0
    /// The channel answered with an error, or could not be reached.
    public var systemErrors: Int64 = 0
    /// No usable answer (timeout): the outcome is not known.
    public var unknown: Int64 = 0
    /// Pending answers (a pay code shown, a redirect): neither success nor failure yet.
    public var pending: Int64 { max(0, requests - succeeded - declined - systemErrors - unknown) }
    /// Amounts of successful payments in minor units, per currency code.
    public var amounts: [String: Int64] = [:]
    public var latency = LatencyHistogram()

    public init(channel: String, account: String) {
        self.channel = channel
        self.account = account
    }

    /// Successes ÷ requests; nil with no requests.
    public var successRate: Double? { requests == 0 ? nil : Double(succeeded) / Double(requests) }
}

/// A circuit breaker as monitoring shows it.
public struct BreakerView: Sendable, Equatable {
    public var channel: String
    public var account: String
    /// CLOSED, OPEN, HALF_OPEN.
    public var state: String
    public var since: Timestamp?

    public init(channel: String, account: String, state: String, since: Timestamp?) {
        self.channel = channel
        self.account = account
        self.state = state
        self.since = since
    }
}

/// What is true now (not counted over a window).
public struct MonitoringGauges: Sendable, Equatable {
    /// Merchant notifications not delivered yet (PENDING in the outbox).
    public var notificationBacklog: Int = 0
    /// Age of the oldest undelivered notification, ms; nil when none.
    public var oldestUndeliveredAge: Int64?
    public var unknownAttempts: Int = 0
    public var oldestUnknownAge: Int64?
    public var pendingAttempts: Int = 0
    public var oldestPendingAge: Int64?
    public var breakers: [BreakerView] = []
    /// When a worker last finished a round, from any process; nil when none ever ran.
    public var workerLastRun: Timestamp?

    public init() {}
}

/// The metrics as the alert rules, the dashboard and `paydesk metrics` read them. The store keeps
/// them as per-minute rollups (hourly ones further back), so every process sees the same figures.
public protocol MetricsReading {
    /// Channel calls per account in `[from, to)`, one entry per channel account the store has
    /// (accounts with no calls included, with zeros). `operation` nil: every operation; "pay": payments.
    func traffic(from: Timestamp, to: Timestamp, operation: String?) throws(PayError) -> [ChannelTraffic]
    /// The same per minute: for each account, `minutes` consecutive one-minute buckets ending at
    /// `to` (oldest first), for sparklines and the rule value history.
    func trafficSeries(minutes: Int, endingAt to: Timestamp, operation: String?) throws(PayError) -> [String: [ChannelTraffic]]
    /// How many of `event` in `[from, to)`, by the event's label value.
    func events(_ event: MonitoringEvent, from: Timestamp, to: Timestamp) throws(PayError) -> [String: Int64]
    /// The gauges at `now`.
    func gauges(at now: Timestamp) throws(PayError) -> MonitoringGauges
}
