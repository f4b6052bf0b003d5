import Foundation
import PayCore
import PayStore
import PayChannels

/// Delivers the callbacks the sandbox PSPs have queued by now to the center's callback path, as
/// the network would: each through `CallbackService` (verify, match, apply, record), or — when
/// the sandbox is set to (`paydesk sandbox callbacks-to URL`) — by HTTP POST of the callback's own
/// headers and body to `{base}/notify/{channel}/{account}`, the real path through `paydesk serve`.
/// A callback is marked delivered once applied, or once the HTTP answer is the channel's expected
/// ack; otherwise it is left for the next round, as a channel retries an unacknowledged callback,
/// without holding up the others of the batch (over HTTP, an endpoint that cannot be reached ends
/// the round: the rest wait for the next one).
public struct SandboxCallbackJob: WorkerJob {
    public let name = "callbacks"
    let gateway: ChannelGateway
    let poster: any HTTPPosting
    /// Seconds an HTTP delivery may take.
    public static let timeoutSeconds = 10.0

    public init(gateway: ChannelGateway, poster: any HTTPPosting = CurlPoster()) {
        self.gateway = gateway
        self.poster = poster
    }

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let due = try gateway.sandbox.undeliveredCallbacks(limit: 100)
        if due.isEmpty { return 0 }
        if let base = try gateway.sandbox.callbacksTo() { return try post(due, to: base) }
        let service = CallbackService(context, gateway: gateway)
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

    /// POSTs each callback outside any store transaction; marks it delivered on the expected ack.
    func post(_ due: [SandboxCallback], to base: String) throws(PayError) -> Int {
        var delivered = 0
        var failure: String?
        for callback in due {
            let url = Sandbox.callbackURL(base: base, channel: callback.channel, account: callback.account)
            let answer = poster.post(url: url, body: callback.body, headers: callback.headers, timeoutSeconds: Self.timeoutSeconds)
            guard let status = answer.statusCode else {
                failure = "sandbox callback #\(callback.id) to \(url): \(answer.error ?? "no answer")"
                break
            }
            guard Self.isAck(channel: callback.channel, status: status, body: answer.body) else {
                failure = failure ?? "sandbox callback #\(callback.id) to \(url): HTTP \(status) is not \(callback.channel)'s ack; resent next round"
                continue
            }
            if try gateway.sandbox.markDelivered(callback.id) { delivered += 1 }
        }
        if let failure { throw PayError.internal(failure) }
        return delivered
    }

    /// Whether an HTTP answer is what the channel takes as "received": Alipay the body `success`,
    /// WeChat Pay 200 or 204, UnionPay 200, the HMAC channels (card, PayPal) any 2xx.
    public static func isAck(channel: String, status: Int, body: [UInt8]) -> Bool {
        switch channel {
        case "alipay":
            return (200..<300).contains(status) && String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "success"
        case "wechat": return status == 200 || status == 204
        case "unionpay": return status == 200
        default: return (200..<300).contains(status)
        }
    }
}

/// The worker's jobs over one gateway, in the order each round runs them: callbacks first (they
/// settle most payments), then the janitor's queries, duplicate refunds, expiry, notifications last
/// (so a round's changes are announced in the same round).
public enum PaymentJobs {
    /// `metrics` builds the alert rules' reader over the worker's context (nil: only event alerts
    /// move); `alertNotifier` gets the alert notices (the sinks: webhook, DingTalk, SMS).
    public static func all(gateway: ChannelGateway, poster: any HTTPPosting = CurlPoster(),
                           metrics: @escaping (ServiceContext) -> (any MetricsReading)? = { MetricsService($0) },
                           alertNotifier: any AlertNotifying = AlertSinks()) -> [any WorkerJob] {
        [
            SandboxCallbackJob(gateway: gateway, poster: poster),
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
