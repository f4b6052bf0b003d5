import PayCore
import PayStore

/// How services raise event alerts (a payment UNKNOWN for 24 h, a suspicious callback, a failed
/// notification…): one open alert per rule and subject, later raises counted on it. Called
/// inside the caller's write transaction, so the alert commits with the change that caused it.
public struct Alerting {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Raises (or counts) the event alert of `rule` about `subject` (`attempt:12`, `refund:3`,
    /// `order:7`, `outbox:9`, or any key). Attempts and refunds add their channel and account
    /// labels, orders their channel. Severity comes from the rule; a disabled rule raises nothing
    /// (nil). Untyped throws: it runs inside `store.write` bodies.
    @discardableResult
    public func raise(rule: String, subject: String, labels: [String: String] = [:], message: String) throws -> Int64? {
        let store = context.store
        let ruleRow = try store.alertRules.find(rule)
        if let ruleRow, !ruleRow.enabled { return nil }
        var all = try subjectLabels(subject)
        for (name, value) in labels { all[name] = value }
        if let ruleRow, let ruleLabels = AlertLabels(fingerprint: ruleRow.labels) {
            for (name, value) in ruleLabels.pairs where all[name] == nil { all[name] = value }
        }
        return try store.alerts.fire(rule: rule, key: subject, labels: all.fingerprint, severity: ruleRow?.severity ?? AlertSeverity.warning.rawValue,
                                     message: message, at: context.now).id
    }

    /// The labels an alert about `subject` carries: where the money went.
    func subjectLabels(_ subject: String) throws -> AlertLabels {
        let store = context.store
        var labels = AlertLabels()
        let parts = subject.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let id = Int64(parts[1]) else { return labels }
        switch parts[0] {
        case "attempt":
            if let attempt = try store.attempts.find(id: id) {
                labels["channel"] = attempt.channel
                labels["account"] = attempt.account
            }
        case "refund":
            if let refund = try store.refunds.find(id: id), let attempt = try store.attempts.find(id: refund.attemptId) {
                labels["channel"] = attempt.channel
                labels["account"] = attempt.account
            }
        case "order":
            if let order = try store.orders.find(id: id), let channel = order.channel { labels["channel"] = channel }
        default:
            break
        }
        return labels
    }
}
