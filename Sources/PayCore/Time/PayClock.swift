import Synchronization

/// Where "now" comes from. Services never read the system clock directly, so a store made with
/// `--simulated-clock` can drive every schedule from its stored time.
public protocol PayClock: Sendable {
    func now() -> Timestamp
}

/// The machine's wall clock.
public struct SystemClock: PayClock {
    public init() {}
    public func now() -> Timestamp { Timestamp(milliseconds: currentUnixMilliseconds()) }
}

/// A clock fixed at one instant, for tests and for one command's view of a simulated store.
public struct FixedClock: PayClock {
    public let instant: Timestamp
    public init(_ instant: Timestamp) { self.instant = instant }
    public func now() -> Timestamp { instant }
}

/// A clock that stands still until told the time: a simulated store's clock, shared by every
/// service, plugin and sandbox of one process so that one refresh moves them all.
public final class SettableClock: PayClock {
    private let instant: Mutex<Timestamp>

    public init(_ instant: Timestamp) { self.instant = Mutex(instant) }

    public func now() -> Timestamp { instant.withLock { $0 } }

    public func set(_ new: Timestamp) { instant.withLock { $0 = new } }
}
