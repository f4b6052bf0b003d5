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
        /// Its root in `nodes`; nil: disabled, or its text no longer parses.
        let root: Int32?
    }

    let rules: [Rule]
    /// Every compiled rule's nodes, children before parents (`RiskNode`).
    let nodes: [RiskNode]
    /// The text literals the nodes compare with, normalised as their field is.
    let literals: [String]
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
        let root: Int32
        let action: RiskRuleRecord.Action
        let rule: Int
    }

    /// The rules to evaluate for a payment of a method: those whose text limits them to another
    /// method (`method == "…"` as a condition the whole rule needs) are left out. why entries:
    /// the loop copies two numbers a rule, not the record with its texts.
    private let byMethod: [PaymentMethod: [Entry]]

    init(records: [RiskRuleRecord]) {
        var compiler = RiskCompiler()
        var rules: [Rule] = []
        var notes: [String] = []
        var byMethod: [PaymentMethod: [Entry]] = [:]
        for record in records {
            guard record.enabled else {
                notes.append("rule '\(record.name)' is disabled")
                rules.append(Rule(record: record, root: nil))
                continue
            }
            let expression: RuleExpression
            do throws(RuleSyntaxError) { expression = try RuleParser.parse(record.expression) } catch {
                notes.append("rule '\(record.name)' does not parse and was left out: \(error)")
                rules.append(Rule(record: record, root: nil))
                continue
            }
            let entry = Entry(root: compiler.compile(expression), action: record.action, rule: rules.count)
            rules.append(Rule(record: record, root: entry.root))
            let only = RiskCompiler.requiredMethods(expression)
            for method in PaymentMethod.allCases where only?.contains(method.rawValue.lowercased()) ?? true {
                byMethod[method, default: []].append(entry)
            }
        }
        self.rules = rules
        self.nodes = compiler.nodes
        self.literals = compiler.literals
        self.windows = compiler.windows
        self.lists = compiler.listFields.map { ($0, compiler.listNames[$0] ?? []) }
        self.notes = notes
        self.evaluated = rules.count { $0.root != nil }
        self.byMethod = byMethod
    }

    /// The rules a payment of `method` evaluates, in the rules' order.
    func applicable(to method: PaymentMethod) -> [Entry] { byMethod[method] ?? [] }
}

/// One node of a compiled rule: plain numbers (no references), so the evaluator walks an array
/// without retaining anything. Text literals are in `RuleSet.literals`, counters and lists are
/// slots of the decision's facts.
struct RiskNode {
    enum Kind: UInt8 {
        /// `a` and `b` are the children (`not`: `a`).
        case and, or, not
        /// The text field at position `a` against the literal at `b`.
        case text
        /// The payment's amount against `mantissa / 10^scale`.
        case amount
        /// The hour against `mantissa`.
        case hour
        /// The counter of the window at `a` in `RuleSet.windows` against `mantissa` (`sum`: `/ 10^scale`).
        case count, sum, declines
        /// Whether the value of the field at `a` in `RuleSet.lists` is on that field's list at `b`.
        case member
        /// A comparison the parser's types rule out: never true.
        case never
    }

    var kind: Kind
    var op: RuleComparison = .equal
    var a: Int32 = 0
    var b: Int32 = 0
    var mantissa: Int64 = 0
    var scale: Int32 = 0
}

/// Compiles parsed rules into `RiskNode`s, gathering the windows and lists they read.
struct RiskCompiler {
    private(set) var nodes: [RiskNode] = []
    private(set) var literals: [String] = []
    private(set) var windows: [Int64] = []
    private var windowIndex: [Int64: Int] = [:]
    private(set) var listFields: [RuleField] = []
    private(set) var listNames: [RuleField: [String]] = [:]
    private var listIndex: [RuleField: [String: Int]] = [:]

    /// Appends the expression's nodes; returns its root.
    mutating func compile(_ expression: RuleExpression) -> Int32 {
        var node: RiskNode
        switch expression {
        case .and(let left, let right): node = RiskNode(kind: .and, a: compile(left), b: compile(right))
        case .or(let left, let right): node = RiskNode(kind: .or, a: compile(left), b: compile(right))
        case .not(let inner): node = RiskNode(kind: .not, a: compile(inner))
        case .member(let field, let list):
            if listNames[field] == nil { listFields.append(field) }
            let slot = listFields.firstIndex(of: field)!
            let index: Int
            if let known = listIndex[field]?[list] { index = known } else {
                index = listNames[field, default: []].count
                listNames[field, default: []].append(list)
                listIndex[field, default: [:]][list] = index
            }
            node = RiskNode(kind: .member, a: Int32(slot), b: Int32(index))
        case .compare(let operand, let op, let literal):
            switch (operand, literal) {
            case (.field(let field), .text(let expected)):
                literals.append(RuleEvaluation.normalized(field, expected))
                node = RiskNode(kind: .text, op: op, a: Int32(field.position), b: Int32(literals.count - 1))
            case (.field(.amount), .number(let mantissa, let scale)):
                node = RiskNode(kind: .amount, op: op, mantissa: mantissa, scale: Int32(scale))
            case (.field(.hour), .number(let mantissa, _)):
                node = RiskNode(kind: .hour, op: op, mantissa: mantissa)
            case (.function(let function, let window, _), .number(let mantissa, let scale)):
                let index: Int
                if let known = windowIndex[window] { index = known } else {
                    index = windows.count
                    windows.append(window)
                    windowIndex[window] = index
                }
                let kind: RiskNode.Kind = switch function {
                case .count: .count
                case .sum: .sum
                case .declines: .declines
                }
                node = RiskNode(kind: kind, op: op, a: Int32(index), mantissa: mantissa, scale: Int32(scale))
            default:
                node = RiskNode(kind: .never)
            }
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
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
