import PayCore

/// A callback that settled a payment or refund although it verified under another channel account
/// than the one the payment went through (what `paydesk check` reports).
public struct ForeignCallback: Sendable, Hashable {
    public let callbackId: Int64
    /// The account whose credentials the callback verified with.
    public let callbackAccount: String
    public let paymentSerial: String
    /// The account the payment went through.
    public let paymentAccount: String
    /// The refund it settled, for a refund callback.
    public let refundSerial: String?
}

/// How many callbacks of a channel were rejected for one reason.
public struct CallbackRejectionCount: Sendable, Hashable {
    public let channel: String
    public let reason: String
    public let count: Int64
    public let firstAt: Timestamp
    public let lastAt: Timestamp
}

/// The raw channel callbacks the center received (`channel_callbacks`), each with its verdict, and
/// the count of rejected ones per channel and reason (`callback_rejections`).
public struct ChannelCallbackRepository {
    let db: Connection

    /// What became of a callback, as stored.
    public enum Verdict: String, Sendable, CaseIterable {
        case accepted, duplicate, suspicious, rejected
    }

    /// Distinct rejection reasons counted per channel; later new reasons are counted under `otherReasons`.
    public static let maxReasonsPerChannel = 100
    public static let otherReasons = "(other reasons)"

    /// Records one callback. `body` is what is kept (all of it, or its first bytes for a rejection);
    /// `bodySize` the size received.
    public func insert(channel: String, account: String?, headers: String, body: [UInt8], bodySize: Int, bodySHA256: String? = nil,
                       verdict: Verdict, reason: String?, orderId: Int64?, attemptId: Int64?, refundId: Int64?,
                       at now: Timestamp) throws -> Int64 {
        try db.execute("""
            INSERT INTO channel_callbacks (channel, account, received_at, headers, body, body_size, body_sha256, verdict, reason,
                                           order_id, attempt_id, refund_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [channel, account, now.milliseconds, headers, body, Int64(bodySize), bodySHA256, verdict.rawValue, reason,
                  orderId, attemptId, refundId])
        return db.lastInsertRowID
    }

    /// How many callbacks of `channel` with exactly these bytes are kept, and the newest of them.
    public func kept(channel: String, bodySHA256: String) throws -> (count: Int, newest: Int64?) {
        let count = try db.scalarInt("SELECT count(*) FROM channel_callbacks WHERE channel = ? AND body_sha256 = ?", [channel, bodySHA256]) ?? 0
        let newest = try db.scalarInt("SELECT max(id) FROM channel_callbacks WHERE channel = ? AND body_sha256 = ?", [channel, bodySHA256])
        return (Int(count), newest)
    }

    /// Counts one more arrival of the callback kept as `id` instead of keeping it again.
    public func countRepeat(_ id: Int64) throws {
        try db.execute("UPDATE channel_callbacks SET repeats = repeats + 1 WHERE id = ?", [id])
    }

    /// Sets a recorded callback's verdict and what it was about (links already set are kept).
    public func setVerdict(_ id: Int64, _ verdict: Verdict, reason: String?, orderId: Int64? = nil, attemptId: Int64? = nil,
                           refundId: Int64? = nil) throws {
        try db.execute("""
            UPDATE channel_callbacks SET verdict = ?, reason = ?, order_id = coalesce(?, order_id),
                                         attempt_id = coalesce(?, attempt_id), refund_id = coalesce(?, refund_id)
            WHERE id = ?
            """, [verdict.rawValue, reason, orderId, attemptId, refundId, id])
    }

    /// Counts one rejection of `channel` under `reason` (a reason with the callback's own values
    /// taken out, so the number of rows stays bounded).
    public func countRejection(channel: String, reason: String, at now: Timestamp) throws {
        var key = reason
        let known = try db.row("SELECT count FROM callback_rejections WHERE channel = ? AND reason = ?", [channel, key]) != nil
        if !known, (try db.scalarInt("SELECT count(*) FROM callback_rejections WHERE channel = ?", [channel]) ?? 0) >= Int64(Self.maxReasonsPerChannel) {
            key = Self.otherReasons
        }
        try db.execute("""
            INSERT INTO callback_rejections (channel, reason, count, first_at, last_at) VALUES (?, ?, 1, ?, ?)
            ON CONFLICT (channel, reason) DO UPDATE SET count = callback_rejections.count + 1, last_at = excluded.last_at
            """, [channel, key, now.milliseconds, now.milliseconds])
    }

    /// The rejection counts, most frequent first.
    public func rejectionCounts(channel: String? = nil) throws -> [CallbackRejectionCount] {
        let rows = if let channel {
            try db.rows("SELECT * FROM callback_rejections WHERE channel = ? ORDER BY count DESC, reason", [channel])
        } else {
            try db.rows("SELECT * FROM callback_rejections ORDER BY count DESC, channel, reason")
        }
        return rows.map {
            CallbackRejectionCount(channel: $0.string("channel"), reason: $0.string("reason"), count: $0.int64("count"),
                                   firstAt: Timestamp(milliseconds: $0.int64("first_at")), lastAt: Timestamp(milliseconds: $0.int64("last_at")))
        }
    }

    /// Deletes the channel's rejected callbacks but the newest `keep`; returns how many went.
    @discardableResult
    public func pruneRejected(channel: String, keep: Int) throws -> Int {
        try db.execute("""
            DELETE FROM channel_callbacks
            WHERE channel = ? AND verdict = ? AND id <= (SELECT id FROM channel_callbacks WHERE channel = ? AND verdict = ?
                                                        ORDER BY id DESC LIMIT 1 OFFSET ?)
            """, [channel, Verdict.rejected.rawValue, channel, Verdict.rejected.rawValue, Int64(keep)])
    }

    /// How many callbacks are kept with `verdict` (all channels, or one).
    public func count(verdict: Verdict, channel: String? = nil) throws -> Int {
        if let channel {
            return Int(try db.scalarInt("SELECT count(*) FROM channel_callbacks WHERE verdict = ? AND channel = ?", [verdict.rawValue, channel]) ?? 0)
        }
        return Int(try db.scalarInt("SELECT count(*) FROM channel_callbacks WHERE verdict = ?", [verdict.rawValue]) ?? 0)
    }

    /// An accepted callback kept before the account it verified under was (schema 7), with the
    /// payment it settled: `paydesk check` verifies it again under that payment's account.
    public struct Unattributed: Sendable {
        public let callbackId: Int64
        public let channel: String
        public let headers: String
        public let body: [UInt8]
        public let receivedAt: Timestamp
        public let paymentSerial: String
        public let paymentAccount: String
        public let refundSerial: String?
    }

    /// Accepted callbacks linked to a payment that do not say which account they verified under.
    public func acceptedWithoutAccount() throws -> [Unattributed] {
        try db.rows("""
            SELECT c.id AS id, c.channel AS channel, c.headers AS headers, c.body AS body, c.received_at AS received_at,
                   a.serial AS serial, a.account_id AS payment_account, r.serial AS refund_serial
            FROM channel_callbacks c
            JOIN payment_attempts a ON a.id = c.attempt_id
            LEFT JOIN refunds r ON r.id = c.refund_id
            WHERE c.verdict = ? AND c.account IS NULL
            ORDER BY c.id
            """, [Verdict.accepted.rawValue]).map {
            Unattributed(callbackId: $0.int64("id"), channel: $0.string("channel"), headers: $0.string("headers"), body: $0.blob("body"),
                         receivedAt: Timestamp(milliseconds: $0.int64("received_at")), paymentSerial: $0.string("serial"),
                         paymentAccount: $0.string("payment_account"), refundSerial: $0.optionalString("refund_serial"))
        }
    }

    /// Accepted callbacks (they changed a payment or refund) that verified under another account
    /// than the one the payment went through. Callbacks recorded before the account was kept
    /// (schema 7) have none and are not judged.
    public func acceptedFromAnotherAccount() throws -> [ForeignCallback] {
        try db.rows("""
            SELECT c.id AS id, c.account AS callback_account, a.serial AS serial, a.account_id AS payment_account, r.serial AS refund_serial
            FROM channel_callbacks c
            JOIN payment_attempts a ON a.id = c.attempt_id
            LEFT JOIN refunds r ON r.id = c.refund_id
            WHERE c.verdict = ? AND c.account IS NOT NULL AND c.account <> a.account_id
            ORDER BY c.id
            """, [Verdict.accepted.rawValue]).map {
            ForeignCallback(callbackId: $0.int64("id"), callbackAccount: $0.string("callback_account"), paymentSerial: $0.string("serial"),
                            paymentAccount: $0.string("payment_account"), refundSerial: $0.optionalString("refund_serial"))
        }
    }
}
