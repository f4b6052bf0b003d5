import PayCore
import PayStore
import PayChannels

/// Delivers the callbacks the sandbox PSPs have queued by now to the center's callback path, as
/// the network would: each through `CallbackService` (verify, match, apply, record). A callback
/// is marked delivered once applied; a failure leaves it for the next round, as a channel
/// retries an unacknowledged callback, without holding up the others of the batch.
public struct SandboxCallbackJob: WorkerJob {
    public let name = "callbacks"
    let gateway: ChannelGateway

    public init(gateway: ChannelGateway) { self.gateway = gateway }

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let service = CallbackService(context, gateway: gateway)
        let due = try gateway.sandbox.undeliveredCallbacks(limit: 100)
        var delivered = 0
        var failure: PayError?
        for callback in due {
            do {
                _ = try service.receive(channel: callback.channel, headers: callback.headers, body: callback.body)
                _ = try gateway.sandbox.markDelivered(callback.id)
                delivered += 1
            } catch {
                failure = failure ?? error
            }
        }
        // why: the round still reports the failure (the worker alerts on it) after the rest went through.
        if let failure { throw failure }
        return delivered
    }
}

/// The worker's jobs over one gateway, in the order each round runs them: callbacks first (they
/// settle most payments), then the janitor's queries, duplicate refunds, expiry, notifications last
/// (so a round's changes are announced in the same round).
public enum PaymentJobs {
    /// `metrics` builds the alert rules' reader over the worker's context (nil: only event alerts
    /// move); `alertNotifier` gets the alert notices (the sinks: webhook, DingTalk, SMS).
    public static func all(gateway: ChannelGateway, poster: any HTTPPosting = URLSessionPoster(),
                           metrics: @escaping (ServiceContext) -> (any MetricsReading)? = { MetricsService($0) },
                           alertNotifier: any AlertNotifying = AlertSinks()) -> [any WorkerJob] {
        [
            SandboxCallbackJob(gateway: gateway),
            Janitor(gateway: gateway),
            DuplicateScanner(gateway: gateway),
            ExpiryJob(closeInFlight: { context, order throws(PayError) in
                _ = try CloseService(context, gateway: gateway).close(order)
            }),
            MetricsRollupJob(),
            NotificationJob(poster: poster, sms: SandboxSMSSender(gateway.sandbox)),
            AlertEvaluationJob(metrics: metrics, notifier: alertNotifier),
        ]
    }
}
