/// A parsed risk rule: a boolean expression over one payment and its customer's history.
indirect enum RuleExpression: Equatable, Sendable {
    case and(RuleExpression, RuleExpression)
    case or(RuleExpression, RuleExpression)
    case not(RuleExpression)
    /// `amount > 5000.00`, `count(customer, 10m) >= 5`, `method == "card"`.
    case compare(RuleOperand, RuleComparison, RuleLiteral)
    /// `customer in blocklist`.
    case member(RuleField, list: String)
}

/// What a value in a rule is.
enum RuleValueKind: Sendable {
    /// An amount in the payment's currency, compared with a decimal number.
    case money
    /// A whole number (a count, the hour).
    case integer
    /// Text, compared with a double-quoted string.
    case text
}

/// A fact of the payment being decided.
enum RuleField: String, Sendable, CaseIterable {
    case amount, currency, method, business, customer, hour

    var kind: RuleValueKind {
        switch self {
        case .amount: .money
        case .hour: .integer
        case .currency, .method, .business, .customer: .text
        }
    }
}

/// A counter over the customer's past payments in a window ending now.
enum RuleFunction: String, Sendable, CaseIterable {
    /// Payment attempts, any outcome.
    case count
    /// Amounts of attempts not failed or closed, in the payment's currency.
    case sum
    /// Attempts the channel declined.
    case declines

    var kind: RuleValueKind { self == .sum ? .money : .integer }
}

/// The left side of a comparison.
enum RuleOperand: Equatable, Sendable {
    case field(RuleField)
    /// The function over `customer` and a window in milliseconds (`windowText` as written).
    case function(RuleFunction, windowMilliseconds: Int64, windowText: String)

    var kind: RuleValueKind {
        switch self {
        case .field(let field): field.kind
        case .function(let function, _, _): function.kind
        }
    }

    var name: String {
        switch self {
        case .field(let field): field.rawValue
        case .function(let function, _, let window): "\(function.rawValue)(customer, \(window))"
        }
    }
}

/// The right side of a comparison.
enum RuleLiteral: Equatable, Sendable {
    /// A decimal number as `mantissa / 10^scale` ("5000.00" is 500000 / 10^2).
    case number(mantissa: Int64, scale: Int)
    case text(String)
}
