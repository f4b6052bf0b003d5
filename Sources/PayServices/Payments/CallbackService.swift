import Foundation
import PayCore
import PayStore
import PayChannels

/// What became of one channel callback.
public struct CallbackOutcome: Sendable {
    public enum Verdict: String, Sendable {
        /// Verified, matched, applied (or already final: acknowledged, nothing changed).
        case accepted = "ACCEPTED"
        /// Verified but repeating what the store already knows (duplicate or stale): nothing changed.
        case duplicate = "DUPLICATE"
        /// Verified but not matching the attempt (amount, currency, serial): kept, alerted, nothing changed.
        case suspicious = "SUSPICIOUS"
        /// Failed verification or parsing: kept with the reason, nothing changed.
        case rejected = "REJECTED"
    }

    public let verdict: Verdict
    public let reason: String?
    public let ack: ChannelAck?
    public let orderId: Int64?
    /// The raw callback's row in `channel_callbacks`.
    public let callbackId: Int64
    /// What the callback said, when it verified.
    public var notification: ChannelNotification? = nil
}

/// Channel callbacks, from `paydesk notify` and from the sandbox's own deliveries alike: verify on
/// the raw bytes, match serial, amount and currency, apply through `Settlement`, keep the raw
/// callback with its verdict for the order's timeline.
public struct CallbackService {
    let context: ServiceContext
    let gateway: ChannelGateway

    /// The largest callback body accepted (a bigger one is refused unverified).
    public static let bodyLimit = CallbackInbox.Limits.bodyBytes

    public init(_ context: ServiceContext, gateway: ChannelGateway) {
        self.context = context
        self.gateway = gateway
    }

    /// `account`: the channel account the callback was addressed to (the `{account}` of
    /// `POST /notify/{channel}/{account}`); one that verifies under another account is kept as
    /// suspicious, alerted, and changes nothing. nil (`paydesk notify`, in-process sandbox): any.
    /// Throws `invalidInput` for an unknown channel and `notFound` for an `account` that is not
    /// one of the channel's (nothing recorded).
    public func receive(channel: String, headers: [String: String], body: [UInt8], account: String? = nil) throws(PayError) -> CallbackOutcome {
        _ = try ChannelRegistry.pluginType(for: channel)
        if let account {
            let store = context.store
            guard try store.read({ try store.channelAccounts.find(account)?.channel == channel }) else {
                throw PayError.notFound("no \(channel) account '\(account)'")
            }
        }
        let outcome = try receiveOne(channel: channel, headers: headers, body: body, account: account)
        try count(outcome, channel: channel)
        return outcome
    }

    /// Counts the callback in the metrics: received, and rejected or suspicious by its verdict.
    private func count(_ outcome: CallbackOutcome, channel: String) throws(PayError) {
        let store = context.store
        let now = context.now
        try store.write {
            try store.metrics.count(.callbackReceived, label: channel, at: now)
            switch outcome.verdict {
            case .rejected: try store.metrics.count(.callbackRejected, label: channel, at: now)
            case .suspicious: try store.metrics.count(.callbackSuspicious, label: channel, at: now)
            case .accepted, .duplicate: break
            }
        }
    }

    private func receiveOne(channel: String, headers: [String: String], body: [UInt8], account: String?) throws(PayError) -> CallbackOutcome {
        let receipt = try gateway.inbox(context.store).receive(channel: channel, headers: headers, body: body)
        guard let notification = receipt.notification else {
            if receipt.suspicious {
                let reason = receipt.rejection ?? "names another merchant"
                try fireSuspicious(channel: channel, key: "\(channel):another merchant",
                                   message: "a \(channel) callback verified but names another merchant or app: \(reason)")
                return CallbackOutcome(verdict: .suspicious, reason: reason, ack: receipt.ack, orderId: nil, callbackId: receipt.id)
            }
            return CallbackOutcome(verdict: .rejected, reason: receipt.rejection, ack: receipt.ack, orderId: nil, callbackId: receipt.id)
        }
        if let account, notification.account != account {
            var outcome = try suspicious(notification, ack: receipt.ack, callbackId: receipt.id, orderId: nil,
                                         reason: "sent to the notify URL of account '\(account)' but verified under account '\(notification.account)'")
            outcome.notification = notification
            return outcome
        }
        var outcome = try apply(notification, ack: receipt.ack, callbackId: receipt.id)
        outcome.notification = notification
        return outcome
    }

    /// Applies a notification that verified (recorded as callback `callbackId`) and sets its verdict.
    public func apply(_ notification: ChannelNotification, ack: ChannelAck, callbackId: Int64) throws(PayError) -> CallbackOutcome {
        switch notification.kind {
        case .payment: return try applyPayment(notification, ack: ack, callbackId: callbackId)
        case .refund: return try applyRefund(notification, ack: ack, callbackId: callbackId)
        }
    }

    private func applyPayment(_ n: ChannelNotification, ack: ChannelAck, callbackId: Int64) throws(PayError) -> CallbackOutcome {
        let store = context.store
        let serial = try? Serial(n.centerSerial)
        let attempt: PaymentAttempt? = try store.read { try serial.flatMap { try store.attempts.find(serial: $0) } }
        guard let attempt else {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: nil,
                                  reason: "no payment has serial '\(n.centerSerial)'")
        }
        if let foreign = foreignAccount(n, attempt: attempt) {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: attempt.orderId, reason: foreign)
        }
        if attempt.channel != n.channel || attempt.amount != n.amount {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: attempt.orderId,
                                  reason: "callback says \(n.amount.decimalString) \(n.amount.currency) on \(n.channel), payment \(attempt.serial) is \(attempt.amount.decimalString) \(attempt.amount.currency) on \(attempt.channel)")
        }
        if let known = attempt.channelSerial, known != n.channelSerial {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: attempt.orderId,
                                  reason: "callback names channel serial \(n.channelSerial), payment \(attempt.serial) has \(known)")
        }
        let before = attempt.status
        if (before == .failed || before == .closed) && n.status == .succeeded {
            // why: the center settled this payment as not paid, yet the channel says the money was taken.
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: attempt.orderId,
                                  reason: "callback says \(attempt.serial) was paid, but the payment is \(before.rawValue): the customer may have been charged; check and refund by hand")
        }
        let result: ChannelResult = switch n.status {
        case .succeeded: .succeeded(channelSerial: n.channelSerial)
        case .pending: .pending
        case .failed: .declined(code: DeclineCode.closed, message: "channel says \(n.channelStatus)")
        }
        var after = before
        var changed = false
        if !before.isFinal && n.status != .pending {
            // why: `changed` comes from inside the settling transaction: another process may have
            // applied the same callback between the read above and it.
            let settled = try Settlement(context).settle(result, to: attempt, barcode: false)
            after = settled.attempt.status
            changed = settled.changed
        }
        let verdict: CallbackOutcome.Verdict = changed ? .accepted : .duplicate
        try record(callbackId, verdict: verdict,
                   reason: changed ? "\(before.rawValue) → \(after.rawValue)" : "payment already \(after.rawValue); \(n.channelStatus) changes nothing",
                   orderId: attempt.orderId, attemptId: attempt.id)
        return CallbackOutcome(verdict: verdict, reason: nil, ack: ack, orderId: attempt.orderId, callbackId: callbackId)
    }

    private func applyRefund(_ n: ChannelNotification, ack: ChannelAck, callbackId: Int64) throws(PayError) -> CallbackOutcome {
        let store = context.store
        let serial = try? Serial(n.centerSerial)
        let refund: Refund? = try store.read { try serial.flatMap { try store.refunds.find(serial: $0) } }
        guard let refund else {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: nil, reason: "no refund has serial '\(n.centerSerial)'")
        }
        if n.amountIsRefundedTotal {
            // why: the channel states the payment's total refunded so far (Alipay's refund_fee), and
            // callbacks of several partial refunds may arrive in any order: the total must cover this
            // refund when it succeeded and never pass what the center asked back on the payment.
            let committed = try store.read { try store.refunds.committedMinor(attemptId: refund.attemptId) }
            let ceiling = committed + (refund.status == .failed ? refund.amount.minorUnits : 0)
            let floor = n.status == .succeeded ? refund.amount.minorUnits : 0
            guard n.amount.currency == refund.amount.currency, n.amount.minorUnits >= floor, n.amount.minorUnits <= ceiling else {
                return try suspicious(n, ack: ack, callbackId: callbackId, orderId: refund.orderId,
                                      reason: "callback says \(n.amount.decimalString) \(n.amount.currency) refunded in all, refund \(refund.serial) is \(refund.amount.decimalString) \(refund.amount.currency) of \(Money(minorUnits: ceiling, currency: refund.amount.currency).decimalString) asked back on the payment")
            }
        } else if refund.amount != n.amount {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: refund.orderId,
                                  reason: "callback says \(n.amount.decimalString) \(n.amount.currency), refund \(refund.serial) is \(refund.amount.decimalString) \(refund.amount.currency)")
        }
        // why: as for payments, a callback must come from the channel the refunded payment went
        // through and agree with what is already known of it, or it changes nothing.
        let attempt: PaymentAttempt? = try store.read { try store.attempts.find(id: refund.attemptId) }
        if let attempt, let foreign = foreignAccount(n, attempt: attempt) {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: refund.orderId, reason: "refund \(refund.serial): \(foreign)")
        }
        if let attempt, attempt.channel != n.channel {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: refund.orderId,
                                  reason: "callback on \(n.channel) for refund \(refund.serial) of payment \(attempt.serial) on \(attempt.channel)")
        }
        if let attempt, let named = n.paymentSerial, named != attempt.serial.rawValue {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: refund.orderId,
                                  reason: "callback names payment \(named), refund \(refund.serial) is of payment \(attempt.serial)")
        }
        if let known = refund.channelRefundSerial, known != n.channelSerial {
            return try suspicious(n, ack: ack, callbackId: callbackId, orderId: refund.orderId,
                                  reason: "callback names channel refund serial \(n.channelSerial), refund \(refund.serial) has \(known)")
        }
        let before = refund.status
        var after = before
        var changed = false
        if !before.isFinal && n.status != .pending {
            let result: ChannelResult = n.status == .succeeded ? .succeeded(channelSerial: n.channelSerial)
                : .declined(code: DeclineCode.refundFailed, message: "channel says \(n.channelStatus)")
            let settled = try RefundSettlement(context).settle(result, to: refund, channelRefundSerial: n.channelSerial)
            after = settled.refund.status
            changed = settled.changed
        }
        let verdict: CallbackOutcome.Verdict = changed ? .accepted : .duplicate
        try record(callbackId, verdict: verdict,
                   reason: changed ? "\(before.rawValue) → \(after.rawValue)" : "refund already \(after.rawValue)",
                   orderId: refund.orderId, refundId: refund.id)
        return CallbackOutcome(verdict: verdict, reason: nil, ack: ack, orderId: refund.orderId, callbackId: callbackId)
    }

    /// Why a callback may not touch `attempt` because it verified under another channel account
    /// than the one the payment went through; nil when it is that account's.
    private func foreignAccount(_ n: ChannelNotification, attempt: PaymentAttempt) -> String? {
        guard n.account != attempt.account else { return nil }
        return "callback verified with account \(n.account)'s credentials, but payment \(attempt.serial) went through \(attempt.account): only that account's callbacks count"
    }

    private func suspicious(_ n: ChannelNotification, ack: ChannelAck, callbackId: Int64, orderId: Int64?,
                            reason: String) throws(PayError) -> CallbackOutcome {
        try record(callbackId, verdict: .suspicious, reason: reason, orderId: orderId)
        try fireSuspicious(channel: n.channel, key: "\(n.channel):\(n.centerSerial)",
                           message: "a \(n.channel) callback verified but does not match: \(reason)")
        return CallbackOutcome(verdict: .suspicious, reason: reason, ack: ack, orderId: orderId, callbackId: callbackId)
    }

    private func fireSuspicious(channel: String, key: String, message: String) throws(PayError) {
        let store = context.store
        _ = try store.write {
            try Alerting(context).raise(rule: "callback.suspicious", subject: key, labels: ["channel": channel], message: message)
        }
    }

    /// Sets the verdict of the callback the inbox recorded raw, with what it did.
    func record(_ callbackId: Int64, verdict: CallbackOutcome.Verdict, reason: String?, orderId: Int64? = nil,
                attemptId: Int64? = nil, refundId: Int64? = nil) throws(PayError) {
        let store = context.store
        let stored: ChannelCallbackRepository.Verdict = switch verdict {
        case .accepted: .accepted
        case .duplicate: .duplicate
        case .suspicious: .suspicious
        case .rejected: .rejected
        }
        _ = try store.write {
            try store.callbacks.setVerdict(callbackId, stored, reason: reason, orderId: orderId, attemptId: attemptId, refundId: refundId)
        }
    }
}
