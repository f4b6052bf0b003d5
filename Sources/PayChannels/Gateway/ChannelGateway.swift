import PayCore
import PayStore

/// The one object a service needs to talk to the channels of a store: the sandbox PSPs beside
/// the store (the transport), the plugin registry over it, and the callback inbox.
/// Not `Sendable`: open one per isolation domain, like the store.
public final class ChannelGateway {
    public let sandbox: Sandbox
    public let registry: ChannelRegistry

    /// Opens the sandbox beside `store` on `clock` (the store's clock, so simulated time drives it).
    public init(store: Store, clock: any PayClock) throws(PayError) {
        sandbox = try Sandbox(storePath: store.path, clock: clock)
        registry = ChannelRegistry(transport: sandbox, clock: clock)
        registry.recorder = StoreCallRecorder(store: store)
        registry.seal = try ConfigSeal(storePath: store.path)
    }

    /// A gateway whose plugins reach the sandbox through `wrap(sandbox)`: a seam for tests that put
    /// faults between the center and the channels (a revoke that times out, an answer lost).
    public init(store: Store, clock: any PayClock, wrap: (Sandbox) -> any ChannelTransport) throws(PayError) {
        sandbox = try Sandbox(storePath: store.path, clock: clock)
        registry = ChannelRegistry(transport: wrap(sandbox), clock: clock)
        registry.recorder = StoreCallRecorder(store: store)
        registry.seal = try ConfigSeal(storePath: store.path)
    }

    /// The plugin for a channel account.
    public func plugin(for account: ChannelAccount) throws(PayError) -> ChannelPlugin { try registry.plugin(for: account) }

    /// The door for raw callbacks, recording into `store`.
    public func inbox(_ store: Store) -> CallbackInbox { CallbackInbox(store: store, registry: registry) }

    /// Hands every callback the sandbox PSPs have sent by now to the inbox, as the network would:
    /// each is verified and recorded, `apply` gets the accepted ones, and the callback is marked
    /// delivered once `apply` returned (a throw leaves it for the next round, as a channel retries
    /// an unacknowledged callback). The worker's "sandbox callbacks" job.
    @discardableResult
    public func deliverDueCallbacks(to store: Store, limit: Int = 100,
                                    apply: (ChannelNotification) throws -> Void) throws -> [CallbackInbox.Receipt] {
        let inbox = inbox(store)
        var receipts: [CallbackInbox.Receipt] = []
        for callback in try sandbox.undeliveredCallbacks(limit: limit) {
            let receipt = try inbox.receive(channel: callback.channel, headers: callback.headers, body: callback.body)
            if let notification = receipt.notification { try apply(notification) }
            try sandbox.markDelivered(callback.id)
            receipts.append(receipt)
        }
        return receipts
    }
}

extension ChannelResult {
    /// The attempt status this result moves a `PROCESSING` payment to.
    public var attemptStatus: AttemptStatus {
        switch self {
        case .succeeded: .succeeded
        case .pending: .pending
        case .declined(let code, _) where code == DeclineCode.closed: .closed
        case .declined, .systemError: .failed
        case .unknown: .unknown
        }
    }

    /// The failure kind of DESIGN §3 for a result that is not a success (nil for success and pending).
    public var failureKind: FailureKind? {
        switch self {
        case .succeeded, .pending: nil
        case .declined(let code, _) where code == DeclineCode.notFound: .system
        case .declined: .declined
        case .systemError: .system
        case .unknown: .unknown
        }
    }
}
