import PayCore

/// What an alert rule's expression may read: windowed signals over the metrics rollups and
/// instant ones over the gauges.
public enum AlertSignal: String, CaseIterable, Sendable {
    // Pay calls per channel account (labels channel, account), over a window.
    case requests, successes, declines
    case systemErrors = "system_errors"
    case unknowns
    case successRate = "success_rate"
    case failureRate = "failure_rate"
    case latencyP50 = "latency_p50"
    case latencyP95 = "latency_p95"
    case latencyP99 = "latency_p99"
    // Events per channel or per business line, over a window.
    case callbacksReceived = "callbacks_received"
    case callbacksRejected = "callbacks_rejected"
    case callbacksSuspicious = "callbacks_suspicious"
    case duplicatesFound = "duplicates_found"
    case duplicatesRefunded = "duplicates_refunded"
    case riskAllows = "risk_allows"
    case riskChallenges = "risk_challenges"
    case riskBlocks = "risk_blocks"
    // Instant, per channel account.
    case breakerOpen = "breaker_open"
    // Instant scalars.
    case notificationBacklog = "notification_backlog"
    case notificationOldestAge = "notification_oldest_age"
    case unknownAttempts = "unknown_attempts"
    case unknownOldestAge = "unknown_oldest_age"
    case pendingAttempts = "pending_attempts"
    case pendingOldestAge = "pending_oldest_age"
    case workerLastRunAge = "worker_last_run_age"

    /// What the number means, which decides the literals it may be compared with.
    public enum Unit: Sendable {
        /// A count: plain numbers.
        case count
        /// A fraction 0…1: percents (`90%`) or plain numbers.
        case ratio
        /// Milliseconds: durations (`2s`, `10m`) or plain numbers of milliseconds.
        case milliseconds
    }

    public var unit: Unit {
        switch self {
        case .successRate, .failureRate: .ratio
        case .latencyP50, .latencyP95, .latencyP99, .notificationOldestAge, .unknownOldestAge, .pendingOldestAge,
             .workerLastRunAge: .milliseconds
        default: .count
        }
    }

    /// Read over a window (`name(5m)`), or at an instant (`name`).
    public var isWindowed: Bool {
        switch self {
        case .breakerOpen, .notificationBacklog, .notificationOldestAge, .unknownAttempts, .unknownOldestAge,
             .pendingAttempts, .pendingOldestAge, .workerLastRunAge: false
        default: true
        }
    }

    /// The monitoring event it counts, for the event signals.
    public var event: MonitoringEvent? {
        switch self {
        case .callbacksReceived: .callbackReceived
        case .callbacksRejected: .callbackRejected
        case .callbacksSuspicious: .callbackSuspicious
        case .duplicatesFound: .duplicateFound
        case .duplicatesRefunded: .duplicateRefunded
        case .riskAllows: .riskAllow
        case .riskChallenges: .riskChallenge
        case .riskBlocks: .riskBlock
        default: nil
        }
    }

    /// Reads over the pay calls of each channel account.
    public var isTraffic: Bool {
        switch self {
        case .requests, .successes, .declines, .systemErrors, .unknowns, .successRate, .failureRate, .latencyP50,
             .latencyP95, .latencyP99: true
        default: false
        }
    }

    /// A value as people read it: "72.0 %", "2.5s", "12".
    public func format(_ value: Double) -> String {
        switch unit {
        case .ratio: return "\(Self.oneDecimal(value * 100)) %"
        case .milliseconds:
            return value >= 1000 ? "\(Self.oneDecimal(value / 1000))s" : "\(Int64(value.rounded()))ms"
        case .count:
            return value == value.rounded() ? String(Int64(value)) : Self.oneDecimal(value)
        }
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int64(tenths / 10)
        let fraction = Int64(abs(tenths)) % 10
        return "\(tenths < 0 && whole == 0 ? "-" : "")\(whole).\(fraction)"
    }
}

/// A comparison operator of a rule.
public enum AlertComparison: String, Sendable, CaseIterable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

    public func holds(_ lhs: Double, _ rhs: Double) -> Bool {
        switch self {
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        }
    }
}

/// A parsed alert rule expression: comparisons of a signal with a number, joined by `and` / `or`.
public indirect enum AlertExpression: Sendable, Equatable {
    /// `signal(window) op threshold`; `literal` is the threshold as written ("90%").
    case compare(signal: AlertSignal, windowMilliseconds: Int64?, op: AlertComparison, threshold: Double, literal: String)
    case and(AlertExpression, AlertExpression)
    case or(AlertExpression, AlertExpression)

    /// The first comparison, left-most: its signal is the value the alert shows and the
    /// history draws, against its threshold.
    public var primary: (signal: AlertSignal, windowMilliseconds: Int64?, op: AlertComparison, threshold: Double, literal: String) {
        switch self {
        case let .compare(signal, window, op, threshold, literal): (signal, window, op, threshold, literal)
        case let .and(lhs, _), let .or(lhs, _): lhs.primary
        }
    }

    /// Parses a rule's expression; errors name the column (1-based) and what was expected.
    public static func parse(_ text: String, field: String = "expression") throws(PayError) -> AlertExpression {
        var parser = AlertExpressionParser(text: text, field: field)
        return try parser.parseAll()
    }
}

/// A small recursive-descent parser: `or` binds looser than `and`; parentheses group.
struct AlertExpressionParser {
    enum Token: Equatable {
        case word(String)
        case number(Double, unit: String, text: String)
        case op(AlertComparison)
        case open, close
        case end
    }

    let text: String
    let field: String
    let characters: [Character]
    var position = 0
    /// The column where the current token starts (1-based).
    var tokenColumn = 1
    var token: Token = .end
    /// Parentheses open now; bounded so a run of '(' cannot exhaust the stack.
    var depth = 0
    static let maxDepth = 32
    static let maxLength = 1_000
    /// Thresholds beyond this are refused (they would not fit the figures they are compared with).
    static let maxMagnitude = 1e15

    init(text: String, field: String) {
        self.text = text
        self.field = field
        self.characters = Array(text)
    }

    func fail(_ why: String, column: Int? = nil) -> PayError {
        PayError.invalidInput("\(field) '\(text)' column \(column ?? tokenColumn): \(why)")
    }

    mutating func parseAll() throws(PayError) -> AlertExpression {
        if text.allSatisfy(\.isWhitespace) { throw PayError.invalidInput("\(field): empty; e.g. success_rate(5m) < 90% and requests(5m) >= 20") }
        guard characters.count <= Self.maxLength else {
            throw PayError.invalidInput("\(field): \(characters.count) characters; at most \(Self.maxLength)")
        }
        try advance()
        let expression = try parseOr()
        guard token == .end else { throw fail("expected 'and', 'or' or the end, found \(describe(token))") }
        return expression
    }

    mutating func parseOr() throws(PayError) -> AlertExpression {
        var lhs = try parseAnd()
        while token == .word("or") {
            try advance()
            lhs = .or(lhs, try parseAnd())
        }
        return lhs
    }

    mutating func parseAnd() throws(PayError) -> AlertExpression {
        var lhs = try parseFactor()
        while token == .word("and") {
            try advance()
            lhs = .and(lhs, try parseFactor())
        }
        return lhs
    }

    mutating func parseFactor() throws(PayError) -> AlertExpression {
        if token == .open {
            guard depth < Self.maxDepth else { throw fail("more than \(Self.maxDepth) parentheses open") }
            depth += 1
            defer { depth -= 1 }
            try advance()
            let inner = try parseOr()
            guard token == .close else { throw fail("expected ')', found \(describe(token))") }
            try advance()
            return inner
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(PayError) -> AlertExpression {
        guard case .word(let name) = token else { throw fail("expected a signal name, found \(describe(token))") }
        guard let signal = AlertSignal(rawValue: name) else {
            throw fail("unknown signal '\(name)' (known: \(AlertSignal.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let signalColumn = tokenColumn
        try advance()
        var window: Int64?
        if token == .open {
            guard signal.isWindowed else { throw fail("\(name) is read at an instant: no window", column: signalColumn) }
            try advance()
            guard case .number(let amount, let unit, let literal) = token, ["s", "m", "h", "d"].contains(unit) else {
                throw fail("expected a window such as 5m, found \(describe(token))")
            }
            // why compared as a Double first: `Int64(_:)` traps on a value past Int64 (a window of 1e20d).
            let exact = amount * Double(Self.unitMilliseconds(unit))
            guard exact >= 60_000, exact <= 86_400_000, exact == exact.rounded(), Int64(exact) % 60_000 == 0 else {
                throw fail("window \(literal): give whole minutes from 1m to 24h")
            }
            window = Int64(exact)
            try advance()
            guard token == .close else { throw fail("expected ')', found \(describe(token))") }
            try advance()
        } else if signal.isWindowed {
            throw fail("\(name) is counted over a window: write \(name)(5m)", column: signalColumn)
        }
        guard case .op(let op) = token else { throw fail("expected a comparison (< <= > >= == !=), found \(describe(token))") }
        try advance()
        guard case .number(let amount, let unit, let literal) = token else { throw fail("expected a number, found \(describe(token))") }
        let threshold: Double
        switch (signal.unit, unit) {
        case (.ratio, "") where amount > 1:
            // why: "success_rate(5m) < 90" reads as 90 %, but as a ratio it is 9,000 % and always holds.
            throw fail("\(name) is a ratio from 0 to 1: write \(literal)% for a percent")
        case (_, ""): threshold = amount
        case (.ratio, "%"): threshold = amount / 100
        case (.milliseconds, let unit) where unit != "%": threshold = amount * Double(Self.unitMilliseconds(unit))
        case (.ratio, _): throw fail("\(name) is a ratio: compare it with a percent such as 90% or a number from 0 to 1")
        case (.milliseconds, _): throw fail("\(name) is a duration: compare it with a duration such as 2s or 10m")
        case (.count, _): throw fail("\(name) is a count: compare it with a plain number")
        }
        guard abs(threshold) <= Self.maxMagnitude else { throw fail("threshold \(literal) is out of range") }
        try advance()
        return .compare(signal: signal, windowMilliseconds: window, op: op, threshold: threshold, literal: literal)
    }

    static func unitMilliseconds(_ unit: String) -> Int64 {
        switch unit {
        case "ms": 1
        case "s": 1000
        case "m": 60_000
        case "h": 3_600_000
        case "d": 86_400_000
        default: 1
        }
    }

    func describe(_ token: Token) -> String {
        switch token {
        case .word(let w): "'\(w)'"
        case .number(_, _, let text): "'\(text)'"
        case .op(let op): "'\(op.rawValue)'"
        case .open: "'('"
        case .close: "')'"
        case .end: "the end"
        }
    }

    mutating func advance() throws(PayError) {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
        tokenColumn = position + 1
        guard position < characters.count else {
            token = .end
            return
        }
        let c = characters[position]
        if c == "(" { position += 1; token = .open; return }
        if c == ")" { position += 1; token = .close; return }
        if "<>=!".contains(c) {
            var symbol = ""
            while position < characters.count, "<>=!".contains(characters[position]) {
                symbol.append(characters[position])
                position += 1
            }
            guard let op = AlertComparison(rawValue: symbol) else {
                throw fail("unknown operator '\(symbol)' (known: < <= > >= == !=)")
            }
            token = .op(op)
            return
        }
        if c.isNumber || c == "." {
            let start = position
            while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
            let digits = String(characters[start..<position])
            let unitStart = position
            while position < characters.count, characters[position].isLetter || characters[position] == "%" { position += 1 }
            let unit = String(characters[unitStart..<position])
            guard let amount = Double(digits), amount.isFinite else { throw fail("'\(digits)' is not a number") }
            guard ["", "%", "ms", "s", "m", "h", "d"].contains(unit) else {
                throw fail("unknown unit '\(unit)' (known: %, ms, s, m, h, d)")
            }
            token = .number(amount, unit: unit, text: digits + unit)
            return
        }
        if c.isLetter || c == "_" {
            let start = position
            while position < characters.count, characters[position].isLetter || characters[position].isNumber || characters[position] == "_" {
                position += 1
            }
            token = .word(String(characters[start..<position]).lowercased())
            return
        }
        throw fail("unexpected '\(c)'")
    }
}
