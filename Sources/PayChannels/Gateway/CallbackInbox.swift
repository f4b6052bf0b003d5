import Foundation
import PayCore
import PayStore

/// The center's door for channel callbacks: takes the raw bytes and headers exactly as an HTTP
/// endpoint would, verifies and parses them through the channel's plugin, and records every
/// callback with its verdict in `channel_callbacks` (linked to the attempt or refund it names,
/// when the center has it, and with the channel account it verified under). Applying an accepted
/// notification to a payment is the payment core's job: it receives the parsed
/// `ChannelNotification` from here.
///
/// What is kept is bounded: a callback over the size limits is refused before it is verified, and
/// a rejected callback (anyone can send one) is kept truncated, only the newest ones per channel,
/// and counted per channel and reason in `callback_rejections`; the same verified bytes again (a
/// channel's retries, a replay) are kept a few times, then counted.
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
        /// Rejected although its signature verified: what it signed names another merchant or app
        /// of the channel. Kept whole as suspicious, for the payment core to alert.
        public var suspicious = false
    }

    /// The most a callback may be, and the most kept of one that is rejected.
    public enum Limits {
        /// Bytes of body: far above any real channel callback (they are a few KiB).
        public static let bodyBytes = ChannelPlugin.maxNotificationBytes
        /// Header fields.
        public static let headerCount = 64
        /// Bytes of header names and values together.
        public static let headerBytes = 16 * 1024
        /// Of a rejected callback: the first bytes of its body …
        public static let keptBodyBytes = 4096
        /// … its first header fields, each name and value cut to this many bytes …
        public static let keptHeaders = 16
        public static let keptHeaderBytes = 256
        /// … and of the reason.
        public static let keptReasonBytes = 512
        /// Times the same verified bytes are kept (a channel's retries, a replay); later arrivals
        /// are counted on the newest of them.
        public static let keptRepeats = 10
        /// The newest rejected callbacks kept per channel; older ones are deleted (they stay counted).
        /// At most about 12 KiB each: a few MiB per channel whatever is sent.
        public static let keptRejectedPerChannel = 200
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
        if let refusal = Self.refusal(headers: headers, bodySize: body.count) {
            return try reject(channel: channel, headers: headers, body: body, reason: refusal)
        }
        let accounts = try store.read { try store.channelAccounts.forChannel(channel) }
        var result = registry.receiveNotification(channel: channel, accounts: accounts, headers: headers, body: body)
        var target = Target()
        if case .success(let note) = result {
            target = try self.target(of: note)
            // why: a callback counts only under the credentials of the account the payment went
            // through. Should another account's credentials also verify it (shared keys), it is
            // verified again under the payment's own, so the notification names the right account.
            if let owner = target.account, owner != note.account, let account = accounts.first(where: { $0.id == owner }),
               let plugin = try? registry.plugin(for: account),
               let again = try? plugin.receiveNotification(headers: headers, body: body) {
                result = .success(again)
            }
        }
        switch result {
        case .failure(let rejection) where rejection.verified:
            let id = try keep(channel: channel, account: nil, headers: headers, body: body, verdict: .suspicious, reason: rejection.reason,
                              target: Target())
            var receipt = Receipt(id: id, notification: nil, rejection: rejection.reason, ack: try ChannelRegistry.acknowledgement(channel: channel))
            receipt.suspicious = true
            return receipt
        case .failure(let rejection):
            return try reject(channel: channel, headers: headers, body: body, reason: rejection.reason)
        case .success(let note):
            let id = try keep(channel: channel, account: note.account, headers: headers, body: body, verdict: .accepted, reason: nil,
                              target: target)
            return Receipt(id: id, notification: note, rejection: nil, ack: try ChannelRegistry.acknowledgement(channel: channel))
        }
    }

    /// Keeps a callback that verified, whole; the same bytes again (a channel's retries, or a
    /// replay of a captured callback, which no time window stops on channels without one) only
    /// `Limits.keptRepeats` times, then counted on the newest copy. Returns the row.
    private func keep(channel: String, account: String?, headers: [String: String], body: [UInt8],
                      verdict: ChannelCallbackRepository.Verdict, reason: String?, target: Target) throws(PayError) -> Int64 {
        let now = registry.clock.now()
        let headerText = String(decoding: SafeJSON.encode(headers), as: UTF8.self)
        let digest = Crypto.sha256Hex(body)
        return try store.write {
            let kept = try store.callbacks.kept(channel: channel, bodySHA256: digest)
            if kept.count >= Limits.keptRepeats, let newest = kept.newest {
                try store.callbacks.countRepeat(newest)
                return newest
            }
            return try store.callbacks.insert(channel: channel, account: account, headers: headerText, body: body, bodySize: body.count,
                                              bodySHA256: digest, verdict: verdict, reason: reason, orderId: target.orderId,
                                              attemptId: target.attemptId, refundId: target.refundId, at: now)
        }
    }

    /// Why a callback is refused before anything looks at it: too big a body, too many or too big headers.
    static func refusal(headers: [String: String], bodySize: Int) -> String? {
        if bodySize > Limits.bodyBytes {
            return "body of \(bodySize) bytes is over the \(Limits.bodyBytes)-byte limit for a channel callback; refused unverified"
        }
        if headers.count > Limits.headerCount {
            return "\(headers.count) headers are over the limit of \(Limits.headerCount) for a channel callback; refused unverified"
        }
        let headerBytes = headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        if headerBytes > Limits.headerBytes {
            return "headers of \(headerBytes) bytes are over the \(Limits.headerBytes)-byte limit for a channel callback; refused unverified"
        }
        return nil
    }

    /// Keeps a bounded record of a rejected callback: the first bytes of its body and headers, the
    /// reason, a count per channel and reason; only the newest rejections of the channel stay.
    private func reject(channel: String, headers: [String: String], body: [UInt8], reason: String) throws(PayError) -> Receipt {
        let now = registry.clock.now()
        let kept = Self.truncated(reason, bytes: Limits.keptReasonBytes)
        let headerText = String(decoding: SafeJSON.encode(Self.keptHeaders(headers)), as: UTF8.self)
        return try store.write {
            let id = try store.callbacks.insert(channel: channel, account: nil, headers: headerText, body: Array(body.prefix(Limits.keptBodyBytes)),
                                                bodySize: body.count, verdict: .rejected, reason: kept, orderId: nil, attemptId: nil,
                                                refundId: nil, at: now)
            try store.callbacks.countRejection(channel: channel, reason: Self.reasonKey(reason), at: now)
            try store.callbacks.pruneRejected(channel: channel, keep: Limits.keptRejectedPerChannel)
            return Receipt(id: id, notification: nil, rejection: kept, ack: ChannelAck(status: 400, body: "FAIL"))
        }
    }

    /// What a verified notification names in the store: its order, attempt, refund, and the
    /// account the payment went through.
    private struct Target {
        var orderId: Int64?
        var attemptId: Int64?
        var refundId: Int64?
        var account: String?
    }

    private func target(of note: ChannelNotification) throws(PayError) -> Target {
        guard let serial = try? Serial(note.centerSerial) else { return Target() }
        return try store.read {
            switch note.kind {
            case .payment:
                guard let attempt = try store.attempts.find(serial: serial) else { return Target() }
                return Target(orderId: attempt.orderId, attemptId: attempt.id, account: attempt.account)
            case .refund:
                guard let refund = try store.refunds.find(serial: serial) else { return Target() }
                let attempt = try store.attempts.find(id: refund.attemptId)
                return Target(orderId: refund.orderId, attemptId: refund.attemptId, refundId: refund.id, account: attempt?.account)
            }
        }
    }

    /// The first header fields (by name), each name and value cut short, and how many were left out.
    static func keptHeaders(_ headers: [String: String]) -> [String: Any] {
        var kept: [String: Any] = [:]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }).prefix(Limits.keptHeaders) {
            kept[truncated(name, bytes: Limits.keptHeaderBytes)] = truncated(value, bytes: Limits.keptHeaderBytes)
        }
        if headers.count > Limits.keptHeaders { kept["(headers left out)"] = String(headers.count - Limits.keptHeaders) }
        return kept
    }

    /// `text` cut to at most `bytes` bytes of UTF-8 (on a character boundary), with "…" when cut.
    static func truncated(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var out = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > bytes - 3 { break }
            out.append(character)
            used += size
        }
        return out + "…"
    }

    /// The reason a rejection is counted under: the callback's own values (quoted text, numbers)
    /// taken out, so that junk cannot make a new counter per callback.
    static func reasonKey(_ reason: String) -> String {
        var out = ""
        var quoted = false
        var lastWasDigit = false
        var previous: Character?
        for character in reason {
            defer { previous = character }
            if character == "'" {
                if quoted {
                    quoted = false
                    continue
                }
                // why: an apostrophe inside a word ("account's") opens no quote.
                if previous.map({ $0.isWhitespace || "([=:,".contains($0) }) ?? true {
                    out += "'…'"
                    quoted = true
                    lastWasDigit = false
                    continue
                }
            }
            if quoted { continue }
            if character.isASCII && character.isNumber {
                if !lastWasDigit { out.append("N") }
                lastWasDigit = true
                continue
            }
            lastWasDigit = false
            out.append(character)
        }
        return truncated(out, bytes: 120)
    }
}

extension CallbackInbox {
    /// Verifies a kept callback again as it was received: under `account`'s credentials, on a
    /// clock stopped at `receivedAt` (so its time window is judged as it was then). Nil when it
    /// verifies and parses; else why not. For `paydesk check` on callbacks recorded before the
    /// account they verified under was kept.
    public static func reverify(under account: ChannelAccount, headersText: String, body: [UInt8],
                                receivedAt: Timestamp, seal: ConfigSeal? = nil) -> NotificationRejection? {
        let headers = (try? JSONSerialization.jsonObject(with: Data(headersText.utf8))) as? [String: String] ?? [:]
        let registry = ChannelRegistry(transport: OfflineTransport(), clock: FixedClock(receivedAt))
        registry.seal = seal
        do {
            let plugin = try registry.plugin(for: account)
            _ = try plugin.receiveNotification(headers: headers, body: body)
            return nil
        } catch let rejection as NotificationRejection {
            return rejection
        } catch {
            return NotificationRejection("\(error)")
        }
    }
}

/// A transport for verifying only: nothing is sent.
private final class OfflineTransport: ChannelTransport {
    func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage {
        throw TransportError.unreachable("verifying only: nothing is sent")
    }
}
