/// One token of the risk rule language, with the column (1-based, in characters) it starts at.
struct RuleToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A name: a field, a function, a keyword (`and`, `or`, `not`, `in`) or a list.
        case identifier(String)
        /// A decimal number as written ("5000.00", "3").
        case number(String)
        /// A window: digits and a unit ("10m", "24h", "1h30m").
        case duration(String)
        /// A double-quoted string, escapes resolved.
        case string(String)
        case comparison(RuleComparison)
        case leftParen
        case rightParen
        case comma
        case end
    }

    let kind: Kind
    let column: Int
    /// The text as written, for messages.
    let text: String

    /// "'>'", "\"card\"", "the end of the rule": how a message names the token.
    var quoted: String {
        if case .end = kind { return "the end of the rule" }
        return "'\(text)'"
    }

    func isKeyword(_ word: String) -> Bool {
        if case .identifier(let name) = kind { return name == word }
        return false
    }
}

/// The comparison operators.
enum RuleComparison: String, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// Whether the operator orders values (and so needs numbers).
    var orders: Bool { self != .equal && self != .notEqual }

    func holds<T: Comparable>(_ lhs: T, _ rhs: T) -> Bool {
        switch self {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        }
    }
}

/// A rule that does not parse or scan: where, and what was expected.
public struct RuleSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based column in characters.
    public let column: Int
    public let message: String

    public var description: String { "column \(column): \(message)" }
}
