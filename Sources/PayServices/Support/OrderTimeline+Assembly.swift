import PayCore
import PayStore

/// Turns the stored records of one order into timeline rows, oldest first.
struct TimelineAssembly {
    let order: Order
    let sources: TimelineSources

    /// Rows at the same millisecond keep a causal order: what was created, what was asked, what
    /// the channel said, what changed because of it, and what followed.
    enum Rank: Int { case created, risk, call, callback, transition, operatorAction, notification, alert }

    func entries() -> [TimelineEntry] {
        var rows: [(rank: Rank, entry: TimelineEntry)] = []
        for event in sources.events { rows.append(transition(event)) }
        for call in sources.calls { rows.append((.call, channelCall(call))) }
        for callback in sources.callbacks { rows.append((.callback, self.callback(callback))) }
        for delivery in sources.deliveries { rows.append((.notification, notification(delivery))) }
        for record in sources.audit { rows.append(operatorAction(record)) }
        for alert in sources.alerts { rows.append((.alert, self.alert(alert))) }
        for challenge in sources.challenges { rows.append((.risk, self.challenge(challenge))) }
        return rows.enumerated()
            .sorted { a, b in
                if a.element.entry.at != b.element.entry.at { return a.element.entry.at < b.element.entry.at }
                if a.element.rank != b.element.rank { return a.element.rank.rawValue < b.element.rank.rawValue }
                return a.offset < b.offset
            }
            .map(\.element.entry)
    }

    // MARK: Rows

    func transition(_ event: OrderEventRecord) -> (Rank, TimelineEntry) {
        var subject: String
        switch event.entity {
        case .order: subject = "order"
        case .payment: subject = "payment " + (sources.attempts.first { $0.id == event.entityId }.map { "\($0.serial) \($0.channel)" } ?? "#\(event.entityId)")
        case .refund: subject = "refund " + (sources.refunds.first { $0.id == event.entityId }.map { "\($0.serial) \($0.amount.decimalString) \($0.amount.currency)" } ?? "#\(event.entityId)")
        }
        guard let from = event.fromStatus else {
            if event.entity == .refund, let lines = sources.refundLines[event.entityId], !lines.isEmpty {
                subject += " (" + RefundLine.describe(lines) + ")"
            }
            return (.created, TimelineEntry(at: event.at, kind: .transition, actor: creator(event),
                                            summary: "\(subject) created \(event.toStatus)" + detailsNote(event)))
        }
        let problem = ["FAILED", "UNKNOWN"].contains(event.toStatus)
        return (.transition, TimelineEntry(at: event.at, kind: .transition, actor: mover(event),
                                           summary: "\(subject) \(from) → \(event.toStatus)" + detailsNote(event), isProblem: problem))
    }

    /// The business details on the order's creation ("· Guest … · Stay …"), and the insurance
    /// policy issued on its payment ("· policy PL… issued"); nothing for other rows.
    func detailsNote(_ event: OrderEventRecord) -> String {
        guard event.entity == .order, !order.attributes.isEmpty else { return "" }
        let details = LineDetails(stored: order.attributes, currency: order.amount.currency)
        if event.fromStatus == nil {
            let rows = details.rows()
            return rows.isEmpty ? "" : " · " + rows.map { "\($0.label) \($0.value)" }.joined(separator: " · ")
        }
        guard event.toStatus == OrderStatus.paid.rawValue, let policy = InsurancePolicy.number(for: order, details: details) else { return "" }
        return " · policy \(policy) issued"
    }

    /// Who created a row: the order's operator; a payment's operator; for a refund the operator
    /// whose action on the order was audited at that moment, else the system (an automatic refund).
    func creator(_ event: OrderEventRecord) -> String {
        switch event.entity {
        case .order: return order.operatorName ?? "system"
        case .payment: return sources.checks.first { $0.id == event.entityId }?.operatorName ?? order.operatorName ?? "system"
        case .refund:
            let around = (event.at.milliseconds - Self.causeWindowMs)...(event.at.milliseconds + Self.causeWindowMs)
            return sources.audit.first { around.contains($0.at.milliseconds) && $0.action.hasPrefix("refund") }?.actor ?? "system"
        }
    }

    /// How close in time a cause must lie to the change it caused (same transaction or the next).
    static let causeWindowMs: Int64 = 2_000

    /// What moved a status: an accepted callback about it just before; else a channel call about
    /// that payment or refund just before ("janitor" for a query or revoke, the channel for the
    /// answer to a pay or refund); else an operator action on the order at that moment; else the system.
    func mover(_ event: OrderEventRecord) -> String {
        let window = (event.at.milliseconds - Self.causeWindowMs)...event.at.milliseconds
        let callbackMatch = sources.callbacks.contains { callback in
            callback.verdict == ChannelCallbackRepository.Verdict.accepted.rawValue && window.contains(callback.receivedAt.milliseconds)
                && (event.entity == .payment ? callback.attemptId == event.entityId
                    : event.entity == .refund ? callback.refundId == event.entityId : true)
        }
        if callbackMatch { return "callback" }
        let serial: String? = switch event.entity {
        case .payment: sources.attempts.first { $0.id == event.entityId }?.serial.rawValue
        case .refund: sources.refunds.first { $0.id == event.entityId }?.serial.rawValue
        case .order: nil
        }
        if let serial, let call = sources.calls.last(where: { call in
            window.contains(call.at.milliseconds) && (event.entity == .refund ? call.refundSerial == serial : call.serial == serial && call.refundSerial == nil)
        }) {
            return Self.janitorOperations.contains(call.operation) ? "janitor" : call.channel
        }
        let around = (event.at.milliseconds - Self.causeWindowMs)...(event.at.milliseconds + Self.causeWindowMs)
        if let action = sources.audit.last(where: { around.contains($0.at.milliseconds) && $0.actor != Actor.system.name }) {
            return action.actor
        }
        if sources.calls.contains(where: { window.contains($0.at.milliseconds) && Self.janitorOperations.contains($0.operation) }) {
            return "janitor"
        }
        return "system"
    }

    /// Operations the janitor makes to settle what was left open.
    static let janitorOperations: Set<String> = ["query", "close", "refund query"]

    func channelCall(_ call: ChannelCallRecord) -> TimelineEntry {
        var summary = "\(call.channel) \(call.operation) \(call.latencyMilliseconds) ms \(call.result)"
        if !call.channelStatus.isEmpty { summary += " \(call.channelStatus)" }
        if let status = call.httpStatus { summary += " HTTP \(status)" }
        if let id = call.requestId { summary += " req \(id)" }
        let problem = !(call.result == "SUCCEEDED" || call.result == "PENDING")
        let janitor = Self.janitorOperations.contains(call.operation)
        return TimelineEntry(at: call.at, kind: janitor ? .janitor : .channelCall, actor: call.channel, summary: summary,
                             raw: .channelCall(call.id), isProblem: problem)
    }

    func callback(_ callback: CallbackSummary) -> TimelineEntry {
        var summary = "\(callback.channel) callback \(callback.verdict)"
        if let reason = callback.reason, !reason.isEmpty { summary += ": \(reason)" }
        if callback.repeats > 0 { summary += " (came \(callback.repeats) more times)" }
        let accepted = [ChannelCallbackRepository.Verdict.accepted.rawValue, ChannelCallbackRepository.Verdict.duplicate.rawValue]
        return TimelineEntry(at: callback.receivedAt, kind: .callback, actor: "callback", summary: summary, raw: .callback(callback.id),
                             isProblem: !accepted.contains(callback.verdict))
    }

    func notification(_ delivery: DeliveryRecord) -> TimelineEntry {
        let ok = delivery.httpStatus.map { (200..<300).contains($0) } ?? false
        var summary = "merchant notification \(delivery.topic): "
        summary += delivery.httpStatus.map { "HTTP \($0)" } ?? "no answer"
        if let ms = delivery.durationMilliseconds { summary += " in \(ms) ms" }
        if !ok, let error = delivery.error, !error.isEmpty { summary += " (\(error))" }
        if !ok, let message = sources.outbox.first(where: { $0.id == delivery.outboxId }) {
            let last = sources.deliveries.last { $0.outboxId == delivery.outboxId }
            if last == delivery {
                if message.status == OutboxRepository.Status.pending {
                    summary += ", next retry \(message.nextAttemptAt.iso8601)"
                } else if message.status == OutboxRepository.Status.failed {
                    summary += ", given up"
                }
            }
        }
        return TimelineEntry(at: delivery.at, kind: .notification, actor: "worker", summary: summary, isProblem: !ok)
    }

    func operatorAction(_ record: AuditRecord) -> (Rank, TimelineEntry) {
        let kind: TimelineEntry.Kind = record.action.hasPrefix("duplicate.") ? .duplicate
            : record.action == "payment.blocked" || record.action.hasPrefix("risk.") ? .risk : .operatorAction
        var summary = record.action
        if record.outcome != AuditOutcome.ok.rawValue { summary += " \(record.outcome)" }
        if let detail = record.detail, !detail.isEmpty { summary += ": \(detail)" }
        return (kind == .risk ? .risk : .operatorAction,
                TimelineEntry(at: record.at, kind: kind, actor: record.actor, summary: summary, isProblem: record.outcome != AuditOutcome.ok.rawValue))
    }

    /// A risk challenge: the one-time code sent, and how it stands (the code itself is never kept).
    func challenge(_ challenge: ChallengeRecord) -> TimelineEntry {
        let summary = "risk challenge: one-time code sent, \(challenge.status.rawValue) (\(challenge.tries) of \(challenge.maxTries) tries), valid until \(challenge.expiresAt.iso8601)"
        let problem = challenge.status == .failed || challenge.status == .expired
        return TimelineEntry(at: challenge.createdAt, kind: .risk, actor: "risk", summary: summary, isProblem: problem)
    }

    func alert(_ alert: AlertRow) -> TimelineEntry {
        var summary = "alert \(alert.rule) \(alert.severity) \(alert.state.rawValue): \(alert.message)"
        if alert.count > 1 { summary += " (×\(alert.count))" }
        let kind: TimelineEntry.Kind = alert.rule.contains("duplicate") ? .duplicate : .alert
        return TimelineEntry(at: alert.firstAt, kind: kind, actor: "monitor", summary: summary, isProblem: true)
    }
}
