import Foundation
import PayCore
import PayStore

/// The alert sinks as the alert engine calls them (`AlertNotifying`): for each enabled sink whose
/// minimum severity the alert meets, one token is taken from the sink's bucket and a delivery is
/// queued in the outbox (topic `alert.webhook`, `alert.dingtalk` or `alert.sms`), where the worker
/// sends it on the merchant-notification retry schedule. A sink with an empty bucket drops the
/// notice and counts it (`dropped`): a storm of alerts never becomes a storm of messages.
///
/// The panel is a sink too, with no bucket: it reads the alerts themselves.
public struct AlertSinks: AlertNotifying {
    public init() {}

    /// Queues `notice` of `alert` for every sink that takes it, in the caller's transaction (the
    /// engine's, which moves the alert's notification cursor): queued exactly when that commits.
    public func notify(_ alert: AlertSummary, _ notice: AlertNotice, context: ServiceContext) throws(PayError) {
        let store = context.store
        let now = context.now
        let body = AlertNoticeBody(alert, notice, at: now)
        // why `write`: inside the engine's transaction it is a savepoint; a failure rolls back every
        // sink's token and row together, and the engine's cursor with them (the notice comes again).
        try store.write {
            for sink in try store.alertSinks.enabled() where alert.severity >= sink.minSeverity {
                if try store.alertSinks.takeToken(sink.id, at: now) {
                    try store.outbox.enqueue(topic: sink.kind.topic, orderId: nil,
                                             payload: try AlertOutboxPayload(sink: sink.id, body: body).encoded(), at: now)
                } else {
                    try store.alertSinks.countDropped(sink.id)
                }
            }
        }
    }
}

/// What a webhook receives for one notice: the alert as it was when the notice was raised, plus
/// the delivery's id (`A<outbox id>`, the same on every retry: receivers deduplicate on it) and
/// the time it was sent. Keys are camelCase, sorted; times ISO 8601 UTC; absent values left out.
public struct AlertNoticeBody: Codable, Sendable, Equatable {
    public var delivery: String?
    public var notice: String
    public var alertId: Int64
    public var rule: String
    public var labels: [String: String]
    public var state: String
    public var severity: String
    public var message: String
    public var value: String?
    public var threshold: String?
    public var firings: Int64
    public var startedAt: String
    public var firedAt: String?
    public var resolvedAt: String?
    public var acknowledgedBy: String?
    public var noticedAt: String
    public var sentAt: String?

    public init(_ alert: AlertSummary, _ notice: AlertNotice, at now: Timestamp) {
        delivery = nil
        self.notice = notice.rawValue
        alertId = alert.id
        rule = alert.rule
        labels = alert.labels.dictionary
        state = alert.state.rawValue
        severity = alert.severity.rawValue
        message = alert.message
        value = alert.value
        threshold = alert.threshold
        firings = alert.firings
        startedAt = alert.startedAt.iso8601
        firedAt = alert.firedAt?.iso8601
        resolvedAt = alert.resolvedAt?.iso8601
        acknowledgedBy = alert.acknowledgedBy
        noticedAt = now.iso8601
        sentAt = nil
    }

    /// The labels as `name=value` pairs sorted by name, for texts.
    var labelText: String { labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// The outbox row of one alert delivery: which sink, and the notice. The secret and the target
/// stay in the sink's row, read again at delivery.
struct AlertOutboxPayload: Codable {
    var sink: Int64
    var body: AlertNoticeBody

    func encoded() throws(PayError) -> String {
        do {
            return String(decoding: try AlertNoticeBody.encoder().encode(self), as: UTF8.self)
        } catch {
            throw PayError.internal("alert notice: \(error)")
        }
    }

    static func decode(_ text: String) -> AlertOutboxPayload? {
        try? JSONDecoder().decode(AlertOutboxPayload.self, from: Data(text.utf8))
    }
}
