import PayCore
import PayChannels
import PayServices

/// Composition of the services the command line and the console share.
enum ServiceWiring {
    /// The worker's jobs over the store's channels, in the order each round runs them.
    static func workerJobs(_ context: ServiceContext) throws(PayError) -> [any WorkerJob] {
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        return PaymentJobs.all(gateway: gateway) + [ReconciliationJob(gateway: gateway)]
    }
}
