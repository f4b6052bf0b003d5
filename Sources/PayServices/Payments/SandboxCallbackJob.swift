import PayCore
import PayStore
import PayChannels

/// Delivers the callbacks the sandbox PSPs have queued by now to the center's callback path, as
/// the network would: each through `CallbackService` (verify, match, apply, record). A callback
/// is marked delivered once applied; a store failure leaves it for the next round, as a channel
/// retries an unacknowledged callback.
public struct SandboxCallbackJob: WorkerJob {
    public let name = "callbacks"
    let gateway: ChannelGateway

    public init(gateway: ChannelGateway) { self.gateway = gateway }

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let service = CallbackService(context, gateway: gateway)
        let due = try gateway.sandbox.undeliveredCallbacks(limit: 100)
        for callback in due {
            _ = try service.receive(channel: callback.channel, headers: callback.headers, body: callback.body)
            _ = try gateway.sandbox.markDelivered(callback.id)
        }
        return due.count
    }
}

/// The worker's jobs over one gateway, in the order each round runs them: callbacks first (they
/// settle most payments), then the janitor's queries, duplicate refunds, expiry, notifications last
/// (so a round's changes are announced in the same round).
public enum PaymentJobs {
    public static func all(gateway: ChannelGateway, poster: any HTTPPosting = URLSessionPoster()) -> [any WorkerJob] {
        [
            SandboxCallbackJob(gateway: gateway),
            Janitor(gateway: gateway),
            DuplicateScanner(gateway: gateway),
            ExpiryJob(closeInFlight: { context, order throws(PayError) in
                _ = try CloseService(context, gateway: gateway).close(order)
            }),
            NotificationJob(poster: poster),
        ]
    }
}
