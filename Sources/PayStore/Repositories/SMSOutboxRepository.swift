import PayCore

/// One text message the sandbox "sent".
public struct SMSMessage: Hashable, Sendable {
    public let id: Int64
    public let recipient: String
    public let text: String
    public let challengeId: String?
    public let sentAt: Timestamp

    public init(id: Int64, recipient: String, text: String, challengeId: String?, sentAt: Timestamp) {
        self.id = id
        self.recipient = recipient
        self.text = text
        self.challengeId = challengeId
        self.sentAt = sentAt
    }
}

/// The sandbox SMS outbox: text messages (one-time codes) the center sent, kept for
/// `paydesk sandbox sms` and the console.
public struct SMSOutboxRepository {
    let db: Connection

    @discardableResult
    public func insert(recipient: String, text: String, challengeId: String?, at now: Timestamp) throws -> SMSMessage {
        try db.execute("INSERT INTO sms_outbox (recipient, text, challenge_id, sent_at) VALUES (?, ?, ?, ?)",
                       [recipient, text, challengeId, now.milliseconds])
        return SMSMessage(id: db.lastInsertRowID, recipient: recipient, text: text, challengeId: challengeId, sentAt: now)
    }

    /// The newest messages first, optionally to one recipient.
    public func recent(recipient: String? = nil, limit: Int = 50) throws -> [SMSMessage] {
        let rows: [Row]
        if let recipient {
            rows = try db.rows("SELECT * FROM sms_outbox WHERE recipient = ? ORDER BY sent_at DESC, id DESC LIMIT ?", [recipient, limit])
        } else {
            rows = try db.rows("SELECT * FROM sms_outbox ORDER BY sent_at DESC, id DESC LIMIT ?", [limit])
        }
        return rows.map { row in
            SMSMessage(id: row.int64("id"), recipient: row.string("recipient"), text: row.string("text"),
                       challengeId: row.optionalString("challenge_id"), sentAt: Timestamp(milliseconds: row.int64("sent_at")))
        }
    }
}
