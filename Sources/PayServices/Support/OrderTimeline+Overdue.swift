import PayCore
import PayStore

/// The synthetic rows of the timeline: what should have happened by now and has not, so support
/// sees what is missing as well as what happened. Computed as of `now`, never stored.
enum OverdueRules {
    /// A pay code shown this long ago without a callback: the customer may have paid and the
    /// channel's callback been lost (the janitor's query will tell).
    static let callbackAfterMs: Int64 = 5 * 60_000
    /// A merchant notification undelivered this long after it was written.
    static let notificationAfterMs: Int64 = 2 * 3_600_000
    /// A payment UNKNOWN this long (the janitor's first query is due after a minute).
    static let unknownAfterMs: Int64 = 60_000

    static func entries(order: Order, sources: TimelineSources, now: Timestamp) -> [TimelineEntry] {
        var rows: [TimelineEntry] = []
        for attempt in sources.attempts {
            let check = sources.checks.first { $0.id == attempt.id }
            if attempt.status == .pending, check?.mode == "pay-code" {
                let shown = sources.events.last { $0.entity == .payment && $0.entityId == attempt.id && $0.toStatus == AttemptStatus.pending.rawValue }?.at
                    ?? attempt.createdAt
                let waited = now.milliseconds - shown.milliseconds
                let heard = sources.callbacks.contains { $0.attemptId == attempt.id }
                if waited >= callbackAfterMs, !heard {
                    rows.append(TimelineEntry(at: now, kind: .overdue, actor: nil,
                                              summary: "no callback \(duration(waited)) after the pay code was shown (payment \(attempt.serial) \(attempt.channel))",
                                              isProblem: true))
                }
            }
            if attempt.status == .unknown {
                let since = sources.events.last { $0.entity == .payment && $0.entityId == attempt.id && $0.toStatus == AttemptStatus.unknown.rawValue }?.at
                    ?? attempt.updatedAt
                let waited = now.milliseconds - since.milliseconds
                if waited >= unknownAfterMs {
                    var summary = "payment \(attempt.serial) \(attempt.channel) UNKNOWN for \(duration(waited))"
                    if let next = check?.nextCheckAt { summary += ", next check at \(next.iso8601)" } else { summary += ", no check scheduled" }
                    rows.append(TimelineEntry(at: now, kind: .overdue, actor: nil, summary: summary, isProblem: true))
                }
            }
        }
        for message in sources.outbox where message.status != OutboxRepository.Status.delivered {
            let waited = now.milliseconds - message.createdAt.milliseconds
            guard waited >= notificationAfterMs else { continue }
            var summary = "merchant notification \(message.topic) failing for \(duration(waited)) (\(message.attempts) attempts"
            if let error = message.lastError, !error.isEmpty { summary += ", last: \(error)" }
            summary += message.status == OutboxRepository.Status.failed ? ", given up)" : ", next retry \(message.nextAttemptAt.iso8601))"
            rows.append(TimelineEntry(at: now, kind: .overdue, actor: nil, summary: summary, isProblem: true))
        }
        return rows
    }

    /// "7 min", "2 h 5 min", "3 d 4 h".
    static func duration(_ milliseconds: Int64) -> String {
        let minutes = max(0, milliseconds) / 60_000
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 24 { return minutes % 60 == 0 ? "\(hours) h" : "\(hours) h \(minutes % 60) min" }
        return hours % 24 == 0 ? "\(hours / 24) d" : "\(hours / 24) d \(hours % 24) h"
    }
}
