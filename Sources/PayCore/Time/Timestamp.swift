/// A point in time as Unix milliseconds UTC, the unit the store keeps every time in.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let milliseconds: Int64

    /// The last instant a time may take: 9999-12-31T23:59:59.999Z, the end of what `parse` and
    /// `iso8601` write with four-digit years. A simulated clock stops there, so adding any
    /// range-checked duration to "now" stays far inside `Int64`.
    public static let latest = Timestamp(milliseconds: 253_402_300_799_999)

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    public var seconds: Int64 { milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000 }

    public func adding(milliseconds delta: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds + delta) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// ISO 8601 UTC with milliseconds: "2026-11-21T09:30:12.345Z".
    public var iso8601: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millisecond, 3))Z"
    }

    /// "2026-11-21 09:30:12" for people (UTC).
    public var displayString: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
    }

    public var description: String { iso8601 }

    /// Calendar fields in UTC (proleptic Gregorian).
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        let ms = milliseconds
        var days = ms / 86_400_000
        var rest = ms % 86_400_000
        if rest < 0 { rest += 86_400_000; days -= 1 }
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let seconds = Int(rest / 1000)
        return (y, m, d, seconds / 3600, (seconds / 60) % 60, seconds % 60, Int(rest % 1000))
    }

    /// Parses "2026-11-21", "2026-11-21T09:30:12Z", "2026-11-21T09:30:12.345Z" or
    /// "2026-11-21 09:30" (all UTC).
    public static func parse(_ text: String, field: String = "time") throws(PayError) -> Timestamp {
        func fail() -> PayError {
            PayError.invalidInput("\(field) '\(text)': expected a UTC date or time such as 2026-11-21 or 2026-11-21T09:30:00Z")
        }
        var chars = Array(text.utf8)
        if chars.last == UInt8(ascii: "Z") { chars.removeLast() }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var value = 0
            for c in chars[range] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard chars.count >= 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), (1...31).contains(day) else { throw fail() }
        var hour = 0, minute = 0, second = 0, millis = 0
        if chars.count > 10 {
            guard chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " "),
                  let h = number(11..<13), chars.count >= 16, chars[13] == UInt8(ascii: ":"),
                  let mi = number(14..<16), h < 24, mi < 60 else { throw fail() }
            hour = h; minute = mi
            if chars.count > 16 {
                guard chars[16] == UInt8(ascii: ":"), let s = number(17..<19), s < 60 else { throw fail() }
                second = s
                if chars.count > 19 {
                    guard chars[19] == UInt8(ascii: "."), chars.count == 23, let f = number(20..<23) else { throw fail() }
                    millis = f
                }
            }
        }
        let days = civilToDays(year: year, month: month, day: day)
        guard civil(fromDays: days) == (year, month, day) else { throw fail() }
        let total = ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60 + Int64(second)
        return Timestamp(milliseconds: total * 1000 + Int64(millis))
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func civilToDays(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Durations as people type them: "90s", "10m", "2h", "1d", "500ms", or "1h30m".
public enum DurationText {
    /// Parses the text into milliseconds; a bad text names the field and what was expected.
    public static func milliseconds(_ text: String, field: String = "duration") throws(PayError) -> Int64 {
        guard let value = try parse(text, field: field) else {
            throw PayError.invalidInput("\(field) '\(text)': too large; expected a number with a unit, e.g. 90s, 10m, 2h, 1d")
        }
        return value
    }

    /// Parses the text and checks it lies in `range`; out of range (overflowing `Int64`
    /// included) is refused naming the range ("from 1ms to 3650d").
    public static func milliseconds(_ text: String, field: String, in range: ClosedRange<Int64>) throws(PayError) -> Int64 {
        guard let value = try parse(text, field: field), range.contains(value) else {
            throw PayError.invalidInput("\(field) '\(text)': out of range; give from \(describe(range.lowerBound)) to \(describe(range.upperBound))")
        }
        return value
    }

    /// "3650d", "90s", "1500ms": the largest whole unit.
    public static func describe(_ milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        for (factor, unit) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")]
        where milliseconds != 0 && milliseconds % factor == 0 {
            return "\(milliseconds / factor)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    /// The milliseconds, or nil when they do not fit `Int64`; a malformed text throws.
    static func parse(_ text: String, field: String) throws(PayError) -> Int64? {
        func fail(_ why: String) -> PayError {
            PayError.invalidInput("\(field) '\(text)': \(why); expected a number with a unit, e.g. 90s, 10m, 2h, 1d")
        }
        if text.isEmpty { throw fail("empty") }
        var total: Int64 = 0
        var overflowed = false
        var digits = ""
        var unit = ""
        func flush() throws(PayError) {
            guard !digits.isEmpty else { throw fail("a unit without a number") }
            let n = Int64(digits)
            let factor: Int64
            switch unit {
            case "ms": factor = 1
            case "s": factor = 1000
            case "m": factor = 60_000
            case "h": factor = 3_600_000
            case "d": factor = 86_400_000
            case "": throw fail("missing unit")
            default: throw fail("unknown unit '\(unit)'")
            }
            if let n {
                let (product, o1) = n.multipliedReportingOverflow(by: factor)
                let (sum, o2) = total.addingReportingOverflow(product)
                if o1 || o2 { overflowed = true } else { total = sum }
            } else {
                overflowed = true
            }
            digits = ""; unit = ""
        }
        for character in text {
            if character.isASCII && character.isNumber {
                if !unit.isEmpty { try flush() }
                digits.append(character)
            } else if character.isASCII && character.isLetter {
                unit.append(character)
            } else {
                throw fail("unexpected character '\(character)'")
            }
        }
        try flush()
        return overflowed ? nil : total
    }
}
