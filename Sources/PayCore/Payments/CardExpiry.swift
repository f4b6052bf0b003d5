/// A card's expiry as printed on it, "MM/YY" (or "MM/YYYY"): the card is good through the last
/// day of that month. Compared in UTC on the store's clock, which may be simulated.
public struct CardExpiry: Hashable, Sendable, CustomStringConvertible {
    public let month: Int
    /// Four digits.
    public let year: Int

    /// How far ahead an expiry may lie: cards are issued for a few years, never twenty.
    public static let maximumYearsAhead = 20

    /// What is wrong with an expiry, in words short enough to stand beside the field.
    public enum Problem: Hashable, Sendable {
        case format
        case month(String)
        case year(Int)
        case expired(CardExpiry, today: Timestamp)
        case tooFarAhead(CardExpiry)

        public var phrase: String {
            switch self {
            case .format: "expected MM/YY, such as 08/29"
            case .month(let text): "month \(text) is not a month (01–12)"
            case .year(let year): "year \(year): expected 2000–2099"
            case .expired(let expiry, let today): "expired at the end of \(expiry) (today is \(today.iso8601.prefix(10)))"
            case .tooFarAhead: "expires more than \(CardExpiry.maximumYearsAhead) years ahead (mistyped?)"
            }
        }
    }

    /// Checks the month (1–12) and the year (2000–2099).
    public init(month: Int, year: Int) throws(PayError) {
        guard (1...12).contains(month) else { throw PayError.invalidInput("expiry: \(Problem.month(String(month)).phrase)") }
        guard (2000...2099).contains(year) else { throw PayError.invalidInput("expiry: \(Problem.year(year).phrase)") }
        self.month = month
        self.year = year
    }

    /// Parses "MM/YY" or "MM/YYYY" exactly: two digits for the month, two or four for the year,
    /// one slash, nothing else. `field` names the input in messages ("expiry", "--expiry").
    public static func parse(_ text: String, field: String = "expiry") throws(PayError) -> CardExpiry {
        switch read(text) {
        case .success(let expiry): return expiry
        case .failure(let problem): throw PayError.invalidInput("\(field) '\(text)': \(problem.phrase)")
        }
    }

    /// The expiry `text` stands for, or what is wrong with it (format, month, year).
    public static func read(_ text: String) -> Result<CardExpiry, ProblemError> {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count == 5 || bytes.count == 7, bytes[2] == UInt8(ascii: "/"),
              let month = digits(0..<2), let year = digits(3..<bytes.count) else { return .failure(ProblemError(.format)) }
        guard (1...12).contains(month) else { return .failure(ProblemError(.month(String(text.prefix(2))))) }
        let fullYear = bytes.count == 5 ? 2000 + year : year
        guard (2000...2099).contains(fullYear) else { return .failure(ProblemError(.year(fullYear))) }
        return .success(CardExpiry(checkedMonth: month, year: fullYear))
    }

    private init(checkedMonth month: Int, year: Int) {
        self.month = month
        self.year = year
    }

    /// Whether the card's last month is over at `now` (UTC).
    public func isExpired(at now: Timestamp) -> Bool {
        let today = now.components
        return (today.year, today.month) > (year, month)
    }

    /// Why the card cannot be charged at `now`: expired, or an expiry more than
    /// `maximumYearsAhead` years ahead (a mistyped year); nil when it can.
    public func problem(at now: Timestamp) -> Problem? {
        if isExpired(at: now) { return .expired(self, today: now) }
        if year > now.components.year + Self.maximumYearsAhead { return .tooFarAhead(self) }
        return nil
    }

    /// Throws `invalidInput` (exit 3) when `problem(at:)` finds one.
    public func requireUsable(at now: Timestamp, field: String = "expiry") throws(PayError) {
        if let problem = problem(at: now) { throw PayError.invalidInput("\(field) \(self): the card \(problem.phrase)") }
    }

    /// "MM/YYYY".
    public var description: String { (month < 10 ? "0" : "") + "\(month)/\(year)" }

    /// A `Problem` as an `Error`, for `Result`.
    public struct ProblemError: Error, Hashable, Sendable {
        public let problem: Problem
        init(_ problem: Problem) { self.problem = problem }
        public var phrase: String { problem.phrase }
    }
}
