import PayCore

/// The recursive-descent parser of the risk rule language (DESIGN §6):
///
///     rule       := or
///     or         := and ("or" and)*
///     and        := unary ("and" unary)*
///     unary      := "not" unary | primary
///     primary    := "(" or ")" | operand COMPARISON literal | field "in" NAME
///     operand    := field | function "(" "customer" "," WINDOW ")"
///     field      := amount | currency | method | business | customer | hour
///     function   := count | sum | declines
///     literal    := NUMBER | STRING
///
/// `not` binds tighter than `and`, which binds tighter than `or`. Comparisons are typed when
/// parsed: amounts and counters take numbers; text fields take double-quoted strings and only
/// `==` / `!=`. Every error names the column and what was expected there.
public struct RuleParser {
    /// The longest window a counter may look back: keeps each counter one bounded index range.
    public static let maxWindowMilliseconds: Int64 = 31 * 86_400_000
    /// How deep parentheses and `not` may nest. why: the parser and the evaluator recurse once a
    /// level, so an unbounded depth (12,000 parentheses) overflows the stack.
    public static let maxDepth = 64
    /// How many conditions one rule may hold. why: `a and b and …` builds one level of the tree
    /// per operator, which the evaluator (and freeing the tree) walks recursively.
    public static let maxConditions = 256

    var tokens: [RuleToken]
    var position = 0
    var depth = 0
    var conditions = 0

    /// Parses a rule's text, or throws the first syntax error.
    static func parse(_ text: String) throws(RuleSyntaxError) -> RuleExpression {
        var parser = RuleParser(tokens: try RuleTokenizer(text).tokens())
        let expression = try parser.parseOr(after: nil)
        let next = parser.peek
        guard case .end = next.kind else {
            throw RuleSyntaxError(column: next.column, message: "expected 'and', 'or' or the end of the rule, found \(next.quoted)")
        }
        return expression
    }

    /// Checks a rule's text; nil when it parses, else the error ("column 14: expected …").
    public static func check(_ text: String) -> RuleSyntaxError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    var peek: RuleToken { tokens[position] }

    mutating func advance() -> RuleToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func fail(_ token: RuleToken, _ message: String) -> RuleSyntaxError {
        RuleSyntaxError(column: token.column, message: message)
    }

    mutating func parseOr(after previous: RuleToken?) throws(RuleSyntaxError) -> RuleExpression {
        var left = try parseAnd(after: previous)
        while peek.isKeyword("or") {
            let op = advance()
            left = .or(left, try parseAnd(after: op))
        }
        return left
    }

    mutating func parseAnd(after previous: RuleToken?) throws(RuleSyntaxError) -> RuleExpression {
        var left = try parseUnary(after: previous)
        while peek.isKeyword("and") {
            let op = advance()
            left = .and(left, try parseUnary(after: op))
        }
        return left
    }

    mutating func parseUnary(after previous: RuleToken?) throws(RuleSyntaxError) -> RuleExpression {
        if peek.isKeyword("not") {
            let op = advance()
            try enter(op)
            defer { depth -= 1 }
            return .not(try parseUnary(after: op))
        }
        return try parsePrimary(after: previous)
    }

    /// One level deeper at `token` ('(' or 'not'), refused past `maxDepth`.
    mutating func enter(_ token: RuleToken) throws(RuleSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw fail(token, "parentheses and 'not' nested more than \(Self.maxDepth) deep; write the rule flatter")
        }
    }

    static let expectedCondition = "a field (\(RuleField.allCases.map(\.rawValue).joined(separator: ", "))), a function (\(RuleFunction.allCases.map(\.rawValue).joined(separator: ", "))), 'not' or '('"

    mutating func parsePrimary(after previous: RuleToken?) throws(RuleSyntaxError) -> RuleExpression {
        let token = advance()
        let context = previous.map { " after \($0.quoted)" } ?? ""
        switch token.kind {
        case .leftParen:
            try enter(token)
            defer { depth -= 1 }
            let inner = try parseOr(after: token)
            let close = peek
            guard case .rightParen = close.kind else {
                throw fail(close, "expected ')' to close the '(' at column \(token.column), found \(close.quoted)")
            }
            _ = advance()
            return inner
        case .identifier(let name):
            conditions += 1
            guard conditions <= Self.maxConditions else {
                throw fail(token, "more than \(Self.maxConditions) conditions in one rule; split it into several rules")
            }
            if let field = RuleField(rawValue: name) {
                if peek.isKeyword("in") {
                    let keyword = advance()
                    let list = advance()
                    guard case .identifier(let listName) = list.kind, !["and", "or", "not", "in"].contains(listName) else {
                        throw fail(list, "expected a list name after \(keyword.quoted), found \(list.quoted)")
                    }
                    guard field.kind == .text else {
                        throw fail(keyword, "'in' tests a text field (currency, method, business, customer), not \(field.rawValue)")
                    }
                    return .member(field, list: listName)
                }
                return try parseComparison(.field(field), operandToken: token)
            }
            if let function = RuleFunction(rawValue: name) {
                return try parseComparison(try parseFunction(function, nameToken: token), operandToken: token)
            }
            if ["and", "or", "in"].contains(name) {
                throw fail(token, "expected a condition\(context), found \(token.quoted)")
            }
            throw fail(token, "unknown name '\(name)'; expected \(Self.expectedCondition)")
        case .number, .string, .duration:
            throw fail(token, "expected a field or function before the value \(token.quoted), e.g. amount > 5000.00")
        case .end:
            throw fail(token, "expected a condition\(context)")
        default:
            throw fail(token, "expected a condition\(context), found \(token.quoted)")
        }
    }

    /// `(customer, 10m)` after a function's name.
    mutating func parseFunction(_ function: RuleFunction, nameToken: RuleToken) throws(RuleSyntaxError) -> RuleOperand {
        let open = advance()
        guard case .leftParen = open.kind else {
            throw fail(open, "expected '(' after '\(function.rawValue)', e.g. \(function.rawValue)(customer, 10m)")
        }
        let key = advance()
        guard key.isKeyword("customer") else {
            throw fail(key, "expected 'customer' as the first argument of '\(function.rawValue)', found \(key.quoted)")
        }
        let comma = advance()
        guard case .comma = comma.kind else { throw fail(comma, "expected ',' after 'customer', found \(comma.quoted)") }
        let window = advance()
        guard case .duration(let text) = window.kind else {
            throw fail(window, "expected a window such as 10m, 24h or 7d after ',', found \(window.quoted)")
        }
        let milliseconds: Int64
        do {
            milliseconds = try DurationText.milliseconds(text, field: "window")
        } catch {
            throw fail(window, error.message)
        }
        guard milliseconds > 0 else { throw fail(window, "window '\(text)' must be longer than zero") }
        guard milliseconds <= Self.maxWindowMilliseconds else { throw fail(window, "window '\(text)' is longer than 31 days") }
        let close = advance()
        guard case .rightParen = close.kind else { throw fail(close, "expected ')' after the window, found \(close.quoted)") }
        return .function(function, windowMilliseconds: milliseconds, windowText: text)
    }

    /// `OP literal` after an operand, checked against the operand's kind.
    mutating func parseComparison(_ operand: RuleOperand, operandToken: RuleToken) throws(RuleSyntaxError) -> RuleExpression {
        let opToken = advance()
        guard case .comparison(let op) = opToken.kind else {
            let alsoIn = operand.kind == .text ? " or 'in'" : ""
            throw fail(opToken, "expected a comparison (==, !=, <, <=, >, >=)\(alsoIn) after '\(operand.name)', found \(opToken.quoted)")
        }
        let value = advance()
        switch (operand.kind, value.kind) {
        case (.text, .string(let text)):
            guard !op.orders else {
                throw fail(opToken, "'\(op.rawValue)' orders numbers; \(operand.name) is text and takes == or !=")
            }
            return .compare(operand, op, .text(text))
        case (.text, .number), (.text, .identifier), (.text, .duration):
            throw fail(value, "expected a string in double quotes after \(opToken.quoted) (\(operand.name) is text), e.g. \"card\"")
        case (.money, .number(let text)), (.integer, .number(let text)):
            let literal = try number(text, token: value)
            if operand.kind == .integer, case .number(_, let scale) = literal, scale > 0 {
                throw fail(value, "expected a whole number after \(opToken.quoted) (\(operand.name) counts), found \(value.quoted)")
            }
            return .compare(operand, op, literal)
        case (_, .string):
            throw fail(value, "expected a number after \(opToken.quoted) (\(operand.name) is a number), found \(value.quoted)")
        default:
            throw fail(value, "expected a value after \(opToken.quoted)\(value.kind == .end ? "" : ", found \(value.quoted)")")
        }
    }

    func number(_ text: String, token: RuleToken) throws(RuleSyntaxError) -> RuleLiteral {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let digits = parts.joined()
        guard let mantissa = Int64(digits), digits.count <= 18 else {
            throw fail(token, "number '\(text)' is too large")
        }
        return .number(mantissa: mantissa, scale: parts.count > 1 ? parts[1].count : 0)
    }
}
