import PayCore
import PayChannels

/// Delivers a one-time code to the customer. The sandbox keeps it in its SMS outbox; a real
/// deployment would call an SMS gateway.
public protocol OneTimeCodeSender {
    /// Sends `text` to `recipient` (a customer id or a phone number). `challengeId` ties the
    /// message to its challenge for the timeline.
    func send(to recipient: String, text: String, challengeId: String?) throws
}

/// The sandbox's SMS outbox (`paydesk sandbox sms`, and the console's demo panel, read it back).
public struct SandboxSMSSender: OneTimeCodeSender {
    let sms: SandboxSMS

    public init(_ sandbox: Sandbox) { self.sms = sandbox.sms }

    public func send(to recipient: String, text: String, challengeId: String?) throws {
        try sms.send(to: recipient, text: text)
    }
}
