import PayChannels
import PayCore
import PayServices
import PayStore

/// The store a console desk opens on its first call, with the services' context and the channel
/// gateway over it, kept for the next calls. Each desk is an actor holding one of these.
///
/// why not Sendable: the context and the gateway are not; the owning actor alone touches them.
struct ServicesOnDemand {
    let storePath: String
    private(set) var opened: (context: ServiceContext, gateway: ChannelGateway)?

    init(storePath: String) { self.storePath = storePath }

    /// The context acting as `actor` with its clock refreshed, and the gateway; opens the store
    /// the first time.
    mutating func open(as actor: Actor) throws(PayError) -> (context: ServiceContext, gateway: ChannelGateway) {
        if let opened {
            opened.context.actor = actor
            try opened.context.refreshClock()
            return opened
        }
        let store = try Store.open(path: storePath)
        let context = try ServiceContext(store: store, actor: actor)
        let opened = (context: context, gateway: try ChannelGateway(store: store, clock: context.clock))
        self.opened = opened
        return opened
    }
}
