import Foundation
import PayCore
import PayServices
import TUIKit

/// How the monitoring screens write figures: ages, rates, latencies, labels, amounts.
enum MonitoringText {
    static let notConnected = "monitoring not connected"

    /// "42s", "7m", "2h 5m", "3d 4h": the age of something `milliseconds` old.
    static func age(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds) / 1_000
        if seconds < 60 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 60 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 24 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h \(minutes % 60)m" }
        return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d \(hours % 24)h"
    }

    /// The age of `since` at `now`, or "—".
    static func age(since: Timestamp?, now: Timestamp) -> String {
        guard let since else { return "—" }
        return age(now.milliseconds - since.milliseconds)
    }

    /// "97.5 %" of a 0…1 rate, or "—".
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "—" }
        return String(format: "%.1f %%", rate * 100)
    }

    /// "180 ms", "2.4 s", or "—".
    static func latency(_ milliseconds: Double?) -> String {
        guard let milliseconds else { return "—" }
        if milliseconds < 1_000 { return "\(Int(milliseconds.rounded())) ms" }
        return String(format: "%.1f s", milliseconds / 1_000)
    }

    /// The labels as `name=value` pairs, account and channel first (what an operator looks for),
    /// the rest by name.
    static func labels(_ labels: AlertLabels) -> String {
        let first = ["account", "channel"]
        let pairs = labels.pairs.sorted { lhs, rhs in
            let l = first.firstIndex(of: lhs.name) ?? first.count, r = first.firstIndex(of: rhs.name) ?? first.count
            return l != r ? l < r : lhs.name < rhs.name
        }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }

    /// "¥1,234.50 · $12.00": amounts per currency in minor units, or "—"; an unknown currency
    /// code shows its minor units.
    static func amounts(_ amounts: [String: Int64]) -> String {
        let shown = amounts.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        guard !shown.isEmpty else { return "—" }
        return shown.map { code, minor in
            if let currency = Currency(code: code) { return Money(minorUnits: minor, currency: currency).displayString }
            return "\(minor) \(code)"
        }.joined(separator: " · ")
    }

    /// The sparkline side a threshold text ("< 90 %", "> 2s") names as bad; nil when it names none.
    static func breach(of threshold: String?) -> Sparkline.Breach? {
        guard let first = threshold?.trimmingCharacters(in: .whitespaces).first else { return nil }
        switch first {
        case "<": return .below
        case ">": return .above
        default: return nil
        }
    }
}
