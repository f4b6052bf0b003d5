import PayCore

/// The sandbox's SMS outbox: one-time codes "sent" to customers land here, for the demo and tests
/// to read back. Nothing leaves the machine.
public struct SandboxSMS {
    let sandbox: Sandbox

    /// Records a message to `to` at the sandbox's current time.
    public func send(to: String, text: String) throws(PayError) {
        guard !to.isEmpty, to.count <= 32 else { throw PayError.invalidInput("SMS recipient '\(to)': 1 to 32 characters") }
        guard !text.isEmpty, text.count <= 480 else { throw PayError.invalidInput("SMS text: 1 to 480 characters") }
        try sandbox.write {
            _ = try sandbox.db.execute("INSERT INTO sandbox_sms (to_number, text, sent_at) VALUES (?, ?, ?)", [to, text, sandbox.now.milliseconds])
        }
    }

    /// Every message sent (optionally to one recipient), oldest first.
    public func list(to: String? = nil) throws(PayError) -> [SandboxSMSMessage] {
        try sandbox.read {
            let rows = if let to {
                try sandbox.db.rows("SELECT * FROM sandbox_sms WHERE to_number = ? ORDER BY id", [to])
            } else {
                try sandbox.db.rows("SELECT * FROM sandbox_sms ORDER BY id")
            }
            return rows.map { SandboxSMSMessage(to: $0.string("to_number"), text: $0.string("text"), sentAt: Timestamp(milliseconds: $0.int64("sent_at"))) }
        }
    }
}
