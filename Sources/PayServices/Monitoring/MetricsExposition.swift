import PayCore
import PayStore

/// The metrics in the Prometheus text exposition format (version 0.0.4), as `paydesk metrics`
/// prints them: `# HELP` and `# TYPE` before each family, label values escaped, counters ending in
/// `_total`, latency as a histogram in seconds (`_bucket{le=…}` cumulative up to `+Inf`, `_sum`,
/// `_count`), names prefixed `paydesk_`. Counters are totals over the rollups the store keeps, so
/// a prune is a counter reset (which Prometheus's `rate` handles).
/// Format: https://prometheus.io/docs/instrumenting/exposition_formats/
public enum MetricsExposition {
    /// `traffic`: channel calls per operation (`ChannelOperation.name`), each account's amounts on
    /// its "pay" entry; `events`: counts per label value; `gauges` at `now`; `openAlerts`: open
    /// alerts by state and severity (every open state and severity is written, zeros included).
    public static func render(traffic: [String: [ChannelTraffic]], events: [MonitoringEvent: [String: Int64]],
                              gauges: MonitoringGauges, openAlerts: [AlertState: [AlertSeverity: Int64]] = [:], at now: Timestamp) -> String {
        var text = Text()
        let operations = traffic.keys.sorted()

        text.family("paydesk_channel_calls_total", "counter", "Channel calls by channel account, operation and outcome.")
        for operation in operations {
            for account in traffic[operation] ?? [] where account.requests > 0 {
                let outcomes: [(String, Int64)] = [("succeeded", account.succeeded), ("pending", account.pending), ("declined", account.declined),
                                                   ("system_error", account.systemErrors), ("unknown", account.unknown)]
                for (outcome, value) in outcomes {
                    text.sample("paydesk_channel_calls_total", [("channel", account.channel), ("account", account.account),
                                                                ("operation", operation), ("outcome", outcome)], value)
                }
            }
        }

        text.family("paydesk_channel_call_duration_seconds", "histogram", "Latency of channel calls by channel account and operation.")
        for operation in operations {
            for account in traffic[operation] ?? [] where account.requests > 0 {
                let labels = [("channel", account.channel), ("account", account.account), ("operation", operation)]
                var cumulative: Int64 = 0
                for (index, bound) in LatencyHistogram.boundsMilliseconds.enumerated() {
                    cumulative += account.latency.counts[index]
                    text.sample("paydesk_channel_call_duration_seconds_bucket", labels + [("le", seconds(bound))], cumulative)
                }
                text.sample("paydesk_channel_call_duration_seconds_bucket", labels + [("le", "+Inf")], account.latency.count)
                text.line("paydesk_channel_call_duration_seconds_sum", labels, seconds(account.latency.sumMilliseconds))
                text.sample("paydesk_channel_call_duration_seconds_count", labels, account.latency.count)
            }
        }

        let paid = (traffic["pay"] ?? []).flatMap { account in account.amounts.keys.sorted().map { (account, $0) } }
        text.family("paydesk_payment_amount_minor_total", "counter",
                    "Amounts of successful payments in minor units (fen, cents) by channel account and currency.")
        for (account, currency) in paid {
            text.sample("paydesk_payment_amount_minor_total", [("channel", account.channel), ("account", account.account), ("currency", currency)],
                        account.amounts[currency] ?? 0)
        }

        for event in MonitoringEvent.allCases {
            let (name, help) = family(event)
            text.family(name, "counter", help)
            let counts = events[event] ?? [:]
            for label in counts.keys.sorted() {
                text.sample(name, [(event.labelName, label)], counts[label] ?? 0)
            }
        }

        text.family("paydesk_notification_backlog", "gauge", "Merchant notifications not delivered yet.")
        text.sample("paydesk_notification_backlog", [], Int64(gauges.notificationBacklog))
        text.family("paydesk_notification_oldest_age_seconds", "gauge", "Age of the oldest undelivered notification (0 when none).")
        text.line("paydesk_notification_oldest_age_seconds", [], seconds(gauges.oldestUndeliveredAge ?? 0))
        text.family("paydesk_payment_attempts", "gauge", "Payment attempts whose outcome is still open, by status.")
        text.sample("paydesk_payment_attempts", [("status", "UNKNOWN")], Int64(gauges.unknownAttempts))
        text.sample("paydesk_payment_attempts", [("status", "PENDING")], Int64(gauges.pendingAttempts))
        text.family("paydesk_payment_attempt_oldest_age_seconds", "gauge", "Age of the oldest attempt in the status (0 when none).")
        text.line("paydesk_payment_attempt_oldest_age_seconds", [("status", "UNKNOWN")], seconds(gauges.oldestUnknownAge ?? 0))
        text.line("paydesk_payment_attempt_oldest_age_seconds", [("status", "PENDING")], seconds(gauges.oldestPendingAge ?? 0))

        text.family("paydesk_circuit_breaker_state", "gauge", "Circuit breaker of each channel account: 1 for its current state, 0 for the others.")
        for breaker in gauges.breakers {
            for state in BreakerRecord.State.allCases {
                text.sample("paydesk_circuit_breaker_state", [("channel", breaker.channel), ("account", breaker.account), ("state", state.rawValue)],
                            breaker.state == state.rawValue ? 1 : 0)
            }
        }

        text.family("paydesk_alerts_open", "gauge", "Open alerts (pending, firing, acknowledged) by state and severity.")
        for state in [AlertState.pending, .firing, .acknowledged] {
            for severity in AlertSeverity.allCases {
                text.sample("paydesk_alerts_open", [("state", state.rawValue), ("severity", severity.rawValue)], openAlerts[state]?[severity] ?? 0)
            }
        }

        text.family("paydesk_worker_last_run_timestamp_seconds", "gauge", "When a worker last started a round (Unix time); absent when none ever ran.")
        if let last = gauges.workerLastRun {
            text.line("paydesk_worker_last_run_timestamp_seconds", [], seconds(last.milliseconds))
        }
        text.family("paydesk_metrics_timestamp_seconds", "gauge", "The store's time these figures were read at (Unix time).")
        text.line("paydesk_metrics_timestamp_seconds", [], seconds(now.milliseconds))
        return text.output
    }

    /// The metric family name and help of an event counter.
    static func family(_ event: MonitoringEvent) -> (String, String) {
        switch event {
        case .callbackReceived: ("paydesk_callbacks_received_total", "Channel callbacks received, by channel.")
        case .callbackRejected: ("paydesk_callbacks_rejected_total", "Channel callbacks refused (bad signature, unknown serial, malformed), by channel.")
        case .callbackSuspicious: ("paydesk_callbacks_suspicious_total", "Channel callbacks that verified but did not match their payment, by channel.")
        case .riskAllow: ("paydesk_risk_allows_total", "Payments the risk rules allowed, by business line.")
        case .riskChallenge: ("paydesk_risk_challenges_total", "Payments the risk rules challenged, by business line.")
        case .riskBlock: ("paydesk_risk_blocks_total", "Payments the risk rules blocked, by business line.")
        case .duplicateFound: ("paydesk_duplicate_payments_found_total", "Second successes on one order, by channel.")
        case .duplicateRefunded: ("paydesk_duplicate_payments_refunded_total", "Duplicate payments refunded, by channel.")
        }
    }

    /// Milliseconds as decimal seconds, exactly ("0.05", "2", "1.234").
    static func seconds(_ milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        let fraction = magnitude % 1000
        guard fraction > 0 else { return "\(sign)\(magnitude / 1000)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(magnitude / 1000).\(digits)"
    }

    /// A label value escaped as the format asks: backslash, double quote and line feed.
    static func escape(_ value: String) -> String { AlertLabels.escape(value) }

    struct Text {
        var output = ""

        mutating func family(_ name: String, _ type: String, _ help: String) {
            output += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Int64) {
            line(name, labels, String(value))
        }

        mutating func line(_ name: String, _ labels: [(String, String)], _ value: String) {
            output += name
            if !labels.isEmpty {
                output += "{" + labels.map { "\($0.0)=\"\(MetricsExposition.escape($0.1))\"" }.joined(separator: ",") + "}"
            }
            output += " \(value)\n"
        }
    }
}
