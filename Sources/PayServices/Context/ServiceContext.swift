import PayCore
import PayStore

/// What every service works with: the store, the clock it runs on, the serial generator and the
/// actor on whose behalf it acts. One per isolation domain (the console, a command, the worker).
public final class ServiceContext {
    public let store: Store
    public private(set) var clock: any PayClock
    public let serials: SerialGenerator
    public var actor: Actor
    /// Risk rules parsed once per context and parsed again only when the stored rules change.
    let ruleBook = RuleBook()
    /// Channel accounts read once and read again only when an account changes.
    let accountBook = AccountBook()
    /// Routing rules, business lines and circuit breakers, each read again only when its version moves.
    let routeBook = RouteBook()
    let lineBook = LineBook()
    let breakerBook = BreakerBook()

    public init(store: Store, actor: Actor) throws(PayError) {
        self.store = store
        var clock = try store.clock()
        // why: one shared instance, so a refresh moves the time of everything holding this clock.
        if let fixed = clock as? FixedClock { clock = SettableClock(fixed.instant) }
        self.clock = clock
        self.serials = SerialGenerator(clock: clock)
        self.actor = actor
    }

    /// Reads the store's clock again (a simulated store's time may have been advanced by another process).
    public func refreshClock() throws(PayError) {
        let fresh = try store.clock()
        if let settable = clock as? SettableClock {
            settable.set(fresh.now())
        } else {
            clock = fresh
        }
    }

    public var now: Timestamp { clock.now() }
}
