import PayCore
import PayStore

/// Delivers a one-time code to the customer. The sandbox writes it to the store's SMS outbox; a
/// real deployment would call an SMS gateway.
public protocol OneTimeCodeSender {
    /// Sends `text` to `recipient` (a customer id or a phone number). `challengeId` ties the
    /// message to its challenge for the timeline.
    func send(to recipient: String, text: String, challengeId: String?) throws
}

/// The sandbox's SMS: messages go to the `sms_outbox` table, where `paydesk sandbox sms` and the
/// console read them. Joins the caller's write transaction when there is one.
public struct StoreSMSOutbox: OneTimeCodeSender {
    let store: Store
    let now: () -> Timestamp

    public init(store: Store, clock: any PayClock) {
        self.store = store
        self.now = { clock.now() }
    }

    /// Sends at the context's time, read at each message (a simulated clock may move).
    public init(_ context: ServiceContext) {
        self.store = context.store
        self.now = { context.now }
    }

    public func send(to recipient: String, text: String, challengeId: String?) throws {
        _ = try store.write { try store.smsOutbox.insert(recipient: recipient, text: text, challengeId: challengeId, at: now()) }
    }
}
