import Foundation
import PayCore
import PayStore

/// What one delivery round did.
public struct DeliveryReport: Sendable, Equatable {
    public var delivered = 0
    public var retried = 0
    public var failed = 0
    public init() {}
}

/// Merchant notifications (§4): an outbox row written in the same transaction as the order change,
/// delivered later by the worker as a signed HTTP POST of the order's *current* state. The same
/// outbox carries the alert sinks' deliveries (topics `alert.*`), sent by `AlertSinkDelivery`.
public struct MerchantNotifications {
    let context: ServiceContext
    let poster: any HTTPPosting
    /// Seconds a merchant endpoint has to answer before the attempt counts as failed.
    let timeoutSeconds: Double
    /// Where alert deliveries of SMS sinks go (the sandbox SMS outbox); nil: they wait and retry.
    let sms: (any OneTimeCodeSender)?

    public init(_ context: ServiceContext, poster: any HTTPPosting = CurlPoster(), timeoutSeconds: Double = 10,
                sms: (any OneTimeCodeSender)? = nil) {
        self.context = context
        self.poster = poster
        self.timeoutSeconds = timeoutSeconds
        self.sms = sms
    }

    /// Queues a notification of `event` ("order.paid", "order.refunded", "order.closed") for the
    /// order's business line, when it has a notify URL. Call inside the write that changed the order.
    public func enqueue(_ order: Order, event: String) throws {
        try enqueue(orderId: order.id, businessLine: order.businessLine, event: event)
    }

    /// `enqueue` by the order's id and line; `line` when the caller has the business line read
    /// already (the payment path), so it is not read again.
    public func enqueue(orderId: Int64, businessLine: BusinessLineCode, event: String, line known: BusinessLine? = nil) throws {
        let store = context.store
        let line = try known.flatMap { $0.code == businessLine ? $0 : nil } ?? store.businessLines.find(businessLine)
        guard let line, !line.notifyURL.isEmpty else { return }
        try store.outbox.enqueue(topic: event, orderId: orderId, payload: event, at: context.now)
    }

    /// The body sent for an order: its state now, whatever it was when the row was written.
    static func body(event: String, messageId: Int64, order: Order, at now: Timestamp) -> [UInt8] {
        struct Body: Encodable {
            let id: String, event: String, orderNo: String, businessLine: String, serial: String, status: String
            let amount: String, currency: String, paidAmount: String, refundedAmount: String, sentAt: String
        }
        let body = Body(id: "N\(messageId)", event: event, orderNo: order.orderNo.rawValue, businessLine: order.businessLine.rawValue,
                        serial: order.serial.rawValue, status: order.status.rawValue, amount: order.amount.decimalString,
                        currency: order.amount.currency.code, paidAmount: order.paidAmount.decimalString,
                        refundedAmount: order.refundedAmount.decimalString, sentAt: now.iso8601)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(body)) ?? Data())
    }

    /// Delivers what is due now: each POST outside any transaction, each result recorded with a
    /// guarded update. A failure is rescheduled on the §4 schedule; the last one fails and alerts.
    ///
    /// why `budgetSeconds`: a round stops starting new deliveries after this much wall time, inside
    /// the worker lease (30 s), so slow endpoints do not make this process lose the lease; the
    /// per-message claim below is what keeps a second worker from sending the same message.
    public func deliverDue(limit: Int = 100, budgetSeconds: Double = 15) throws(PayError) -> DeliveryReport {
        let store = context.store
        let now = context.now
        // why merchants first: alert deliveries share the outbox, and a burst of them or a hanging
        // webhook must not spend the round's budget before the merchants are told.
        let due = try store.read {
            try store.outbox.due(at: now, limit: limit, alertDeliveries: false) + store.outbox.due(at: now, limit: limit, alertDeliveries: true)
        }
        var report = DeliveryReport()
        let wall = ContinuousClock()
        let started = wall.now
        // why: the worker lease (30 s) can expire during a slow round (each POST may take the full
        // timeout), and another process then takes it and reads the same due rows; each message is
        // claimed for longer than one POST can last before it is sent, so only one of them sends it.
        let claimUntil = now.adding(milliseconds: Int64(timeoutSeconds * 1000) + 60_000)
        for message in due {
            if wall.now - started > .milliseconds(Int64(budgetSeconds * 1000)) { break }
            guard try store.write({ try store.outbox.claim(message, until: claimUntil) }) else { continue }
            if let kind = AlertSinkKind(topic: message.topic) {
                try AlertSinkDelivery(context: context, poster: poster, sms: sms, timeoutSeconds: timeoutSeconds)
                    .deliver(message, kind: kind, at: now, report: &report)
                continue
            }
            let target: (order: Order, line: BusinessLine)? = try store.read {
                guard let id = message.orderId, let order = try store.orders.find(id: id),
                      let line = try store.businessLines.find(order.businessLine) else { return nil }
                return (order, line)
            }
            var result: HTTPPostResult
            if let target, !target.line.notifyURL.isEmpty {
                do throws(PayError) {
                    let secret = try LineSecrets.notifySecret(of: target.line, storePath: store.path)
                    let body = Self.body(event: message.topic, messageId: message.id, order: target.order, at: now)
                    let signature = NotificationSignature.header(secret: secret, body: body, unixSeconds: now.seconds)
                    result = poster.post(url: target.line.notifyURL, body: body,
                                         headers: ["Content-Type": "application/json", NotificationSignature.headerName: signature],
                                         timeoutSeconds: timeoutSeconds)
                } catch {
                    // why: never sent unsigned; the message is retried on its schedule once the key file is back.
                    result = HTTPPostResult(statusCode: nil, error: "not sent: \(error.message)", durationMs: 0)
                }
            } else {
                result = HTTPPostResult(statusCode: nil, error: "the business line has no notify URL", durationMs: 0)
            }
            try Self.record(result, of: message, context: context, at: now, report: &report) { error in
                try Alerting(context).raise(rule: "notification.failed", subject: "outbox:\(message.id)",
                                            message: "merchant notification \(message.topic) for order \(target?.order.orderNo.rawValue ?? "?") failed after \(message.attempts + 1) attempts: \(error)")
            }
        }
        return report
    }

    /// Sends the order's latest notification again now (an operator's resend). Returns how many.
    public func resend(orderId: Int64) throws(PayError) -> Int {
        try Authorizer.require(.resendNotification, actor: context.actor)
        let store = context.store
        let now = context.now
        return try store.write {
            let messages = try store.outbox.forOrder(orderId)
            guard let last = messages.last else {
                let order = try store.orders.find(id: orderId)
                throw PayError.notFound("order \(order.map { "\($0.orderNo) (\($0.businessLine))" } ?? "asked for") has no merchant notification to resend")
            }
            try AuditLog(context).append(actor: context.actor, action: "notification.resend", target: "order:\(orderId)",
                                         detail: "\(last.topic) #\(last.id)")
            return try store.outbox.resend(last.id, at: now) ? 1 : 0
        }
    }
}

extension MerchantNotifications {
    /// Records one delivery attempt of an outbox row with a guarded update and moves it on:
    /// delivered, rescheduled on `NotificationSchedule`, or (schedule spent, or `permanent`)
    /// failed, when `failedForGood` runs in the same transaction with the error. Counted in `report`.
    static func record(_ result: HTTPPostResult, of message: OutboxMessage, permanent: Bool = false, context: ServiceContext,
                       at now: Timestamp, report: inout DeliveryReport,
                       failedForGood: (String) throws -> Void = { _ in }) throws(PayError) {
        let store = context.store
        let next = result.isSuccess || permanent
            ? nil : NotificationSchedule.delay(afterFailedAttempt: message.attempts + 1).map { now.adding(milliseconds: $0) }
        let error = result.isSuccess ? nil : (result.error ?? "HTTP \(result.statusCode ?? 0)")
        try store.write {
            guard try store.outbox.recordAttempt(message, httpStatus: result.statusCode, error: error, durationMs: result.durationMs,
                                                 delivered: result.isSuccess, nextAttemptAt: next, at: now) else { return }
            if result.isSuccess {
                report.delivered += 1
            } else if next != nil {
                report.retried += 1
            } else {
                report.failed += 1
                try failedForGood(error ?? "")
            }
        }
    }
}
