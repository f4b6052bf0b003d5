import PayCore
import PayStore

/// When a channel account's circuit breaker opens and how long it stays open.
public struct BreakerPolicy: Sendable {
    /// SYSTEM failures in a row that open the breaker.
    public var failureThreshold: Int
    /// How long an open breaker skips the account before one probe payment is let through.
    public var coolDownMilliseconds: Int64
    /// How long a probe holds a half-open account before another process may probe it (a probe
    /// whose outcome never came back must not keep the account shut for ever).
    public var probeHoldMilliseconds: Int64

    public init(failureThreshold: Int = 5, coolDownMilliseconds: Int64 = 30_000, probeHoldMilliseconds: Int64 = 60_000) {
        self.failureThreshold = failureThreshold
        self.coolDownMilliseconds = coolDownMilliseconds
        self.probeHoldMilliseconds = probeHoldMilliseconds
    }

    public static let standard = BreakerPolicy()

    /// What a breaker in `record` means for routing at `now`.
    func availability(_ record: BreakerRecord, now: Timestamp) -> BreakerAvailability {
        switch record.state {
        case .closed:
            return .available
        case .open:
            let opened = record.openedAt ?? Timestamp(milliseconds: 0)
            let halfOpens = opened.adding(milliseconds: coolDownMilliseconds)
            if now < halfOpens {
                return .skipped("circuit open since \(opened.iso8601) after \(record.consecutiveFailures) system errors in a row; half-opens at \(halfOpens.iso8601)")
            }
            return .probe("circuit cooled down (open since \(opened.iso8601)): one probe payment")
        case .halfOpen:
            let until = record.probeUntil ?? Timestamp(milliseconds: 0)
            if now < until { return .skipped("circuit half-open: a probe payment holds it until \(until.iso8601)") }
            return .probe("circuit half-open and its probe lapsed: one probe payment")
        }
    }
}

/// A breaker's answer for one candidate.
enum BreakerAvailability: Equatable {
    case available
    /// Usable as the one probe of a half-open breaker.
    case probe(String)
    case skipped(String)
}
