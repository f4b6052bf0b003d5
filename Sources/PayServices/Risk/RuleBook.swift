import PayCore
import PayStore

/// Parsed and compiled rules, kept while the stored rules do not change. A class so copies of a
/// `RiskService` share one cache.
final class RuleBook {
    private var version: Int64 = -1
    private var set = RuleSet(records: [])

    /// The rules, parsed and compiled again only when the stored rules' version
    /// (`store_versions`) moved: `version` when the caller read it already, else read here (one
    /// statement).
    func rules(_ store: Store, version known: Int64? = nil) throws -> RuleSet {
        let current = try known ?? store.versions.current().riskRules
        if current != version {
            set = RuleSet(records: try store.riskRules.all())
            version = current
        }
        return set
    }
}

/// The stored rules as a decision evaluates them: each enabled rule compiled (`RiskCheck`), what
/// the store must answer for all of them gathered (the counters' windows, the lists each field is
/// tested against) so a decision asks it in one statement, the notes on rules left out written
/// once, and the rules indexed by the method they are limited to.
struct RuleSet {
    struct Rule {
        let record: RiskRuleRecord
        /// nil: disabled, or its text no longer parses.
        let check: RiskCheck?
    }

    let rules: [Rule]
    /// The counters' windows (milliseconds), each once; `RiskCheck.counter` names one by index.
    let windows: [Int64]
    /// The fields tested for list membership, each with the lists named; `RiskCheck.member` names
    /// the field's slot here and the list's index in it.
    let lists: [(field: RuleField, names: [String])]
    /// Rules left out (disabled, or not parsing), for the decision's notes.
    let notes: [String]
    /// How many rules a decision evaluates (enabled and parsing).
    let evaluated: Int
    /// A rule as the decision's loop reads it: its check and action, and where its record is.
    struct Entry {
        let check: RiskCheck
        let action: RiskRuleRecord.Action
        let rule: Int
    }

    /// The rules to evaluate for a payment of a method: those whose text limits them to another
    /// method (`method == "…"` as a condition the whole rule needs) are left out. why entries:
    /// the loop copies one reference a rule, not the record with its texts.
    private let byMethod: [PaymentMethod: [Entry]]

    init(records: [RiskRuleRecord]) {
        var compiler = RiskCompiler()
        var rules: [Rule] = []
        var notes: [String] = []
        var byMethod: [PaymentMethod: [Entry]] = [:]
        for record in records {
            guard record.enabled else {
                notes.append("rule '\(record.name)' is disabled")
                rules.append(Rule(record: record, check: nil))
                continue
            }
            let expression: RuleExpression
            do throws(RuleSyntaxError) { expression = try RuleParser.parse(record.expression) } catch {
                notes.append("rule '\(record.name)' does not parse and was left out: \(error)")
                rules.append(Rule(record: record, check: nil))
                continue
            }
            let entry = Entry(check: compiler.compile(expression), action: record.action, rule: rules.count)
            rules.append(Rule(record: record, check: entry.check))
            let only = RiskCompiler.requiredMethods(expression)
            for method in PaymentMethod.allCases where only?.contains(method.rawValue.lowercased()) ?? true {
                byMethod[method, default: []].append(entry)
            }
        }
        self.rules = rules
        self.windows = compiler.windows
        self.lists = compiler.listFields.map { ($0, compiler.listNames[$0] ?? []) }
        self.notes = notes
        self.evaluated = rules.count { $0.check != nil }
        self.byMethod = byMethod
    }

    /// The rules a payment of `method` evaluates, in the rules' order.
    func applicable(to method: PaymentMethod) -> [Entry] { byMethod[method] ?? [] }
}

/// A rule compiled for evaluation: text literals normalised as their field is, counters and
/// lists resolved to slots of the decision's facts, so evaluating a rule allocates nothing and
/// hashes no text.
indirect enum RiskCheck: Sendable {
    case and(RiskCheck, RiskCheck)
    case or(RiskCheck, RiskCheck)
    case not(RiskCheck)
    /// A text field against a literal (normalised as the field is).
    case text(RuleField, RuleComparison, String)
    /// The payment's amount against `mantissa / 10^scale`.
    case amount(RuleComparison, mantissa: Int64, scale: Int)
    case hour(RuleComparison, Int64)
    /// A counter of the window at `window` in `RuleSet.windows`.
    case counter(RuleFunction, window: Int, RuleComparison, mantissa: Int64, scale: Int)
    /// Whether the value of the field at `field` in `RuleSet.lists` is on the list at `list` there.
    case member(field: Int, list: Int)
    /// A comparison the parser's types rule out: never true.
    case never
}

/// Compiles parsed rules into `RiskCheck`s, gathering the windows and lists they read.
struct RiskCompiler {
    private(set) var windows: [Int64] = []
    private var windowIndex: [Int64: Int] = [:]
    private(set) var listFields: [RuleField] = []
    private(set) var listNames: [RuleField: [String]] = [:]
    private var listIndex: [RuleField: [String: Int]] = [:]

    mutating func compile(_ expression: RuleExpression) -> RiskCheck {
        switch expression {
        case .and(let left, let right): return .and(compile(left), compile(right))
        case .or(let left, let right): return .or(compile(left), compile(right))
        case .not(let inner): return .not(compile(inner))
        case .member(let field, let list):
            if listNames[field] == nil { listFields.append(field) }
            let slot = listFields.firstIndex(of: field)!
            if let known = listIndex[field]?[list] { return .member(field: slot, list: known) }
            let index = listNames[field, default: []].count
            listNames[field, default: []].append(list)
            listIndex[field, default: [:]][list] = index
            return .member(field: slot, list: index)
        case .compare(let operand, let op, let literal):
            switch (operand, literal) {
            case (.field(let field), .text(let expected)):
                return .text(field, op, RuleEvaluation.normalized(field, expected))
            case (.field(.amount), .number(let mantissa, let scale)):
                return .amount(op, mantissa: mantissa, scale: scale)
            case (.field(.hour), .number(let mantissa, _)):
                return .hour(op, mantissa)
            case (.function(let function, let window, _), .number(let mantissa, let scale)):
                let index: Int
                if let known = windowIndex[window] { index = known } else {
                    index = windows.count
                    windows.append(window)
                    windowIndex[window] = index
                }
                return .counter(function, window: index, op, mantissa: mantissa, scale: scale)
            default:
                return .never
            }
        }
    }

    /// The methods a rule is limited to by conditions it cannot match without (`method == "card"`
    /// joined by `and` at its top), or nil when it is not limited.
    static func requiredMethods(_ expression: RuleExpression) -> Set<String>? {
        switch expression {
        case .and(let left, let right):
            switch (requiredMethods(left), requiredMethods(right)) {
            case (nil, nil): return nil
            case (let only?, nil), (nil, let only?): return only
            case (let a?, let b?): return a.intersection(b)
            }
        case .or(let left, let right):
            guard let a = requiredMethods(left), let b = requiredMethods(right) else { return nil }
            return a.union(b)
        case .compare(.field(.method), .equal, .text(let expected)):
            return [RuleEvaluation.normalized(.method, expected)]
        default:
            return nil
        }
    }
}
