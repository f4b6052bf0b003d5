import Foundation
import PayCore
import PayStore
import PayChannels

/// Sends one queued alert delivery through its sink, for the outbox deliverer
/// (`MerchantNotifications.deliverDue`), which claims the row first. The result is recorded like a
/// merchant notification's: a failure is tried again on `NotificationSchedule`; a delivery that
/// can never succeed (its sink removed or disabled, its row unreadable) fails at once.
///
/// why no alert when a delivery finally fails: the alert would go to the same sinks; the panel
/// shows the alert itself whatever the sinks do.
struct AlertSinkDelivery {
    let context: ServiceContext
    let poster: any HTTPPosting
    let sms: (any OneTimeCodeSender)?
    let timeoutSeconds: Double

    /// Sends `message` and records the attempt, counting it in `report`.
    func deliver(_ message: OutboxMessage, kind: AlertSinkKind, at now: Timestamp, report: inout DeliveryReport) throws(PayError) {
        let (result, permanent) = try send(message, kind: kind, at: now)
        try MerchantNotifications.record(result, of: message, permanent: permanent, context: context, at: now, report: &report)
    }

    /// One try; `permanent` when trying again cannot help.
    func send(_ message: OutboxMessage, kind: AlertSinkKind, at now: Timestamp) throws(PayError) -> (HTTPPostResult, permanent: Bool) {
        let store = context.store
        guard let payload = AlertOutboxPayload.decode(message.payload) else {
            return (HTTPPostResult(statusCode: nil, error: "alert delivery #\(message.id): unreadable payload", durationMs: 0), true)
        }
        guard let sink = try store.read({ try store.alertSinks.find(id: payload.sink) }), sink.enabled else {
            return (HTTPPostResult(statusCode: nil, error: "alert sink #\(payload.sink) is disabled or gone", durationMs: 0), true)
        }
        var body = payload.body
        body.delivery = "A\(message.id)"
        body.sentAt = now.iso8601
        switch kind {
        case .webhook:
            let bytes = Self.encode(body)
            let signature = NotificationSignature.header(secret: sink.secret, body: bytes, unixSeconds: now.seconds)
            return (poster.post(url: sink.target, body: bytes,
                                headers: ["Content-Type": "application/json", NotificationSignature.headerName: signature],
                                timeoutSeconds: timeoutSeconds), false)
        case .dingtalk:
            let url = DingTalkSign.signedURL(sink.target, secret: sink.secret, timestampMs: now.milliseconds)
            return (poster.post(url: url, body: DingTalkSign.textMessage(Self.text(body, long: true)),
                                headers: ["Content-Type": "application/json"], timeoutSeconds: timeoutSeconds), false)
        case .sms:
            guard let sms else {
                return (HTTPPostResult(statusCode: nil, error: "no SMS gateway in this process", durationMs: 0), false)
            }
            do {
                try sms.send(to: sink.target, text: Self.text(body, long: false), challengeId: nil)
                return (HTTPPostResult(statusCode: 200, error: nil, durationMs: 0), false)
            } catch let error as PayError {
                // why: the gateway refusing the number or the text will refuse it again.
                return (HTTPPostResult(statusCode: nil, error: error.message, durationMs: 0), error.kind == .invalidInput)
            } catch {
                return (HTTPPostResult(statusCode: nil, error: "\(error)", durationMs: 0), false)
            }
        }
    }

    static func encode(_ body: AlertNoticeBody) -> [UInt8] {
        Array((try? AlertNoticeBody.encoder().encode(body)) ?? Data())
    }

    /// The plain text of a notice: a few lines for DingTalk, one short line (at most 160
    /// characters) for a text message.
    static func text(_ body: AlertNoticeBody, long: Bool) -> String {
        let head = "PayDesk \(body.notice == AlertNotice.resolved.rawValue ? "RESOLVED" : body.state) \(body.severity) \(body.rule)"
        guard long else {
            let line = [head, body.labelText].filter { !$0.isEmpty }.joined(separator: " ") + ": " + body.message
            return line.count <= 160 ? line : String(line.prefix(159)) + "…"
        }
        var lines = [head]
        if !body.labelText.isEmpty { lines.append(body.labelText) }
        lines.append(body.message)
        if let value = body.value { lines.append("value \(value)" + (body.threshold.map { " (threshold \($0))" } ?? "")) }
        if body.notice == AlertNotice.returned.rawValue { lines.append("still firing after its silence ended") }
        lines.append("alert #\(body.alertId), since \(body.startedAt), \(body.firings) firing\(body.firings == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}

/// A DingTalk group robot's "加签" security setting: the webhook URL gets `&timestamp=<ms>&sign=<s>`
/// appended, where `s` is the URL-encoded Base64 of HMAC-SHA256 under the robot's secret of
/// `"<ms>\n<secret>"` (DingTalk open platform, custom robot access: security settings).
public enum DingTalkSign {
    public static func sign(secret: String, timestampMs: Int64) -> String {
        let mac = Crypto.hmacSHA256(key: Array(secret.utf8), data: Array("\(timestampMs)\n\(secret)".utf8))
        return percentEncode(Base64.encode(mac))
    }

    /// `url` with the timestamp and the sign appended to its query.
    public static func signedURL(_ url: String, secret: String, timestampMs: Int64) -> String {
        url + (url.contains("?") ? "&" : "?") + "timestamp=\(timestampMs)&sign=\(sign(secret: secret, timestampMs: timestampMs))"
    }

    /// The robot's text message body: `{"msgtype":"text","text":{"content":…}}`.
    public static func textMessage(_ content: String) -> [UInt8] {
        struct Text: Encodable { let content: String }
        struct Message: Encodable { let msgtype: String; let text: Text }
        return Array((try? AlertNoticeBody.encoder().encode(Message(msgtype: "text", text: Text(content: content)))) ?? Data())
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (`+`, `/`, `=` of
    /// Base64 become `%2B`, `%2F`, `%3D`).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
