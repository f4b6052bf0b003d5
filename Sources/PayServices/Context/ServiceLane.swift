import PayCore
import PayChannels

/// One request's worth of the payment center for a long-running server: a service context (its own
/// store connection, clock and actor) and a channel gateway over it. `paydesk serve` keeps a pool of
/// lanes, one per handler thread, so concurrent requests never share a connection; a lane is used
/// by one request at a time (`ServiceLanes.withLane`).
public final class ServiceLane {
    public let context: ServiceContext
    public let gateway: ChannelGateway

    public init(context: ServiceContext, gateway: ChannelGateway) {
        self.context = context
        self.gateway = gateway
    }
}

/// Where a server gets a lane for one request. The lane is lent for the duration of `body` only:
/// `body` must not keep it. Implementations block until a lane is free.
public protocol ServiceLanes: AnyObject, Sendable {
    func withLane<T>(_ body: (ServiceLane) throws -> T) throws -> T
}
