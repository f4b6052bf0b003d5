import Foundation
import PayCore
import PayStore

/// The center's door for channel callbacks: takes the raw bytes and headers exactly as an HTTP
/// endpoint would, verifies and parses them through the channel's plugin, and records every
/// callback raw with its verdict in `channel_callbacks` (linked to the attempt or refund it names,
/// when the center has it). Applying an accepted notification to a payment is the payment core's
/// job: it receives the parsed `ChannelNotification` from here.
public struct CallbackInbox {
    /// What became of one callback.
    public struct Receipt: Sendable {
        /// The `channel_callbacks` row.
        public let id: Int64
        /// The parsed notification, or nil when rejected.
        public let notification: ChannelNotification?
        /// Why it was rejected.
        public let rejection: String?
        /// What to answer the channel (its ack when accepted).
        public let ack: ChannelAck
    }

    public let store: Store
    public let registry: ChannelRegistry

    public init(store: Store, registry: ChannelRegistry) {
        self.store = store
        self.registry = registry
    }

    /// Verifies, parses and records one callback. Never throws for a bad callback: the receipt
    /// says it was rejected and why; throws only when the store itself fails.
    public func receive(channel: String, headers: [String: String], body: [UInt8]) throws(PayError) -> Receipt {
        _ = try ChannelRegistry.pluginType(for: channel)
        let accounts = try store.read { try store.channelAccounts.forChannel(channel) }
        let result = registry.receiveNotification(channel: channel, accounts: accounts, headers: headers, body: body)
        let now = registry.clock.now()
        let headerText = String(decoding: SafeJSON.encode(headers), as: UTF8.self)
        return try store.write {
            var orderId: Int64?
            var attemptId: Int64?
            var refundId: Int64?
            let notification: ChannelNotification?
            let reason: String?
            switch result {
            case .success(let note):
                notification = note
                reason = nil
                if note.kind == .payment, let row = try store.db.row("SELECT id, order_id FROM payment_attempts WHERE serial = ?", [note.centerSerial]) {
                    attemptId = row.int64("id"); orderId = row.int64("order_id")
                } else if note.kind == .refund, let row = try store.db.row("SELECT id, attempt_id, order_id FROM refunds WHERE serial = ?", [note.centerSerial]) {
                    refundId = row.int64("id"); attemptId = row.int64("attempt_id"); orderId = row.int64("order_id")
                }
            case .failure(let rejection):
                notification = nil
                reason = rejection.reason
            }
            try store.db.execute("""
                INSERT INTO channel_callbacks (channel, received_at, headers, body, verdict, reason, order_id, attempt_id, refund_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [channel, now.milliseconds, headerText, body, notification == nil ? "rejected" : "accepted", reason, orderId, attemptId, refundId])
            let ack = notification == nil ? ChannelAck(status: 400, body: "FAIL") : try ChannelRegistry.acknowledgement(channel: channel)
            return Receipt(id: store.db.lastInsertRowID, notification: notification, rejection: reason, ack: ack)
        }
    }
}
