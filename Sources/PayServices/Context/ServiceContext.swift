import PayCore
import PayStore

/// What every service works with: the store, the clock it runs on, the serial generator and the
/// actor on whose behalf it acts. One per isolation domain (the console, a command, the worker).
public final class ServiceContext {
    public let store: Store
    public private(set) var clock: any PayClock
    public let serials: SerialGenerator
    public var actor: Actor

    public init(store: Store, actor: Actor) throws(PayError) {
        self.store = store
        let clock = try store.clock()
        self.clock = clock
        self.serials = SerialGenerator(clock: clock)
        self.actor = actor
    }

    /// Reads the store's clock again (a simulated store's time may have been advanced by another process).
    public func refreshClock() throws(PayError) { clock = try store.clock() }

    public var now: Timestamp { clock.now() }
}
