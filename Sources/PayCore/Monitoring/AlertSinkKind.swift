/// Where an alert sink sends its notices: a signed JSON webhook, a DingTalk group robot, or a text
/// message (through the sandbox SMS outbox here). Each kind has its own outbox topic, so the
/// deliverer tells alert deliveries from merchant notifications by topic alone.
public enum AlertSinkKind: String, CaseIterable, Sendable {
    case webhook
    case dingtalk
    case sms

    /// The outbox topic of this kind's deliveries (`alert.webhook`, `alert.dingtalk`, `alert.sms`).
    public var topic: String { "alert.\(rawValue)" }

    /// The kind whose deliveries use `topic`; nil for any other topic (merchant notifications).
    public init?(topic: String) {
        guard topic.hasPrefix("alert."), let kind = AlertSinkKind(rawValue: String(topic.dropFirst(6))) else { return nil }
        self = kind
    }

    public static func parse(_ text: String, field: String = "kind") throws(PayError) -> AlertSinkKind {
        if let kind = AlertSinkKind(rawValue: text.lowercased()) { return kind }
        throw PayError.invalidInput("\(field) '\(text)': unknown sink kind (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
    }
}
