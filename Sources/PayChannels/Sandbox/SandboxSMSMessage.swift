import PayCore

/// One text message the sandbox "sent".
public struct SandboxSMSMessage: Hashable, Sendable {
    public let to: String
    public let text: String
    public let sentAt: Timestamp
}
