import PayCore
import PayStore
import PayChannels

/// The knobs of reconciliation, kept in the store's `meta` so every process sees the same:
/// how many days a one-sided record waits in the holding pool (per channel, default 1), the hour
/// of the channel's day after which the worker runs yesterday's reconciliation (nil: the worker
/// does not reconcile — `reconcile schedule --hour H` turns it on), and the amount above which a
/// resolution that moves money needs a second person (minor units, default 100000).
public struct ReconciliationSettings: Sendable, Equatable {
    public static let defaultHoldDays = 1
    public static let defaultApprovalMinor: Int64 = 100_000

    public var holdDays: [String: Int]
    public var hour: Int?
    public var approvalMinor: Int64

    public func holdDays(for channel: String) -> Int { holdDays[channel] ?? Self.defaultHoldDays }

    static func holdKey(_ channel: String) -> String { "reconciliation.hold-days.\(channel)" }
    static let hourKey = "reconciliation.hour"
    static let approvalKey = "reconciliation.approval-minor"

    /// The settings of the store (defaults where none is set).
    public static func load(_ store: Store, channels: [String]) throws(PayError) -> ReconciliationSettings {
        try store.read {
            var hold: [String: Int] = [:]
            for channel in channels {
                if let text = try store.meta.value(holdKey(channel)), let days = Int(text) { hold[channel] = days }
            }
            let hour = try store.meta.value(hourKey).flatMap { Int($0) }
            let approval = try store.meta.value(approvalKey).flatMap { Int64($0) } ?? defaultApprovalMinor
            return ReconciliationSettings(holdDays: hold, hour: hour, approvalMinor: approval)
        }
    }

    /// Sets how many days a one-sided record of `channel` waits (0–30), the worker's hour (0–23,
    /// nil: off) or the approval threshold; only what is given changes.
    public static func save(_ store: Store, holdDays: (channel: String, days: Int)? = nil, hour: Int?? = nil,
                            approvalMinor: Int64? = nil) throws(PayError) {
        if let holdDays, !(0...30).contains(holdDays.days) { throw PayError.invalidInput("--hold-days '\(holdDays.days)': 0 to 30") }
        if let hour, let hour, !(0...23).contains(hour) { throw PayError.invalidInput("--hour '\(hour)': 0 to 23") }
        if let approvalMinor, approvalMinor < 0 { throw PayError.invalidInput("--approval-above: not below zero") }
        try store.write {
            if let holdDays { try store.meta.set(holdKey(holdDays.channel), String(holdDays.days)) }
            if let hour { try store.meta.set(hourKey, hour.map(String.init) ?? "") }
            if let approvalMinor { try store.meta.set(approvalKey, String(approvalMinor)) }
        }
    }

    /// [start, end) of the channel's day `date` (YYYY-MM-DD): `BillDay`'s cut (Beijing midnight for
    /// Alipay and WeChat Pay, 23:00 Beijing for UnionPay, UTC midnight for the rest).
    public static func window(date: String, channel: String) throws(PayError) -> (Timestamp, Timestamp) {
        _ = try parseDate(date, field: "--date")
        let range = try BillDay.window(channel: channel, date: date)
        return (range.lowerBound, range.upperBound)
    }

    /// A day as YYYY-MM-DD, refused with the field's name otherwise.
    public static func parseDate(_ text: String, field: String) throws(PayError) -> Timestamp {
        let bytes = Array(text.utf8)
        let shape = bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) }
        guard shape, let day = try? Timestamp.parse(text, field: field), day.iso8601.hasPrefix(text) else {
            throw PayError.invalidInput("\(field) '\(text)': a day as YYYY-MM-DD")
        }
        return day
    }

    /// The channel's date before the one `time` falls in (yesterday, as the channel counts days).
    public static func yesterday(channel: String, at time: Timestamp) -> String {
        BillDay.date(channel: channel, of: time.adding(milliseconds: -86_400_000))
    }

    /// Days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier.
    static func days(from: String, to: String) -> Int {
        guard let a = try? parseDate(from, field: "date"), let b = try? parseDate(to, field: "date") else { return 0 }
        return Int((b.milliseconds - a.milliseconds) / 86_400_000)
    }
}
