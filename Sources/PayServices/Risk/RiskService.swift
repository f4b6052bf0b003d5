import PayCore
import PayChannels
import PayStore

/// Answers allow / block / challenge for a payment from the rules in the store (DESIGN §6), and
/// runs the one-time-code challenges.
///
/// Every enabled rule is evaluated and every match reported; the decision follows the order
/// allow (a match allows) → block → challenge; no match allows. Compiled rules are cached per
/// context (`RuleBook`) and compiled again when the rules change.
public struct RiskService {
    let context: ServiceContext
    let book: RuleBook
    let sender: (any OneTimeCodeSender)?

    /// How long a one-time code holds.
    public static let codeValidityMilliseconds: Int64 = 5 * 60_000
    /// Wrong codes allowed per challenge.
    public static let maxTries = 3

    public init(_ context: ServiceContext, sender: (any OneTimeCodeSender)? = nil) {
        self.context = context
        self.book = context.ruleBook
        self.sender = sender
    }

    // MARK: - Rules

    /// Adds a rule after checking that it parses. A rule that does not parse is refused with the
    /// column and what was expected there (invalid input; nothing written); a name taken: conflict.
    @discardableResult
    public func addRule(name: String, action: RiskRuleRecord.Action, expression: String) throws(PayError) -> RiskRuleRecord {
        try Authorizer.require(.manageRisk, actor: context.actor)
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ".") }) else {
            throw PayError.invalidInput("rule name '\(name)': use 1–64 letters, digits, '-', '_' or '.'")
        }
        // why mask: customer ids are masked where they enter (`CardNumberMask`), so a rule naming a
        // card number keeps matching them, and the number itself is never stored.
        let expression = CardNumberMask.mask(expression)
        if let error = RuleParser.check(expression) {
            let shown = expression.count <= 80 ? expression : "\(expression.prefix(60))…"
            throw PayError.invalidInput("rule '\(name)' `\(shown)`: \(error)")
        }
        let store = context.store
        let now = context.now
        let actor = context.actor
        return try store.write {
            let rule = try store.riskRules.insert(name: name, action: action, expression: expression, createdBy: actor.name, at: now)
            try AuditLog(context).append(actor: actor, action: "risk.rule.add", target: "risk-rule:\(name)",
                                         detail: "\(action.rawValue) when \(expression)")
            return rule
        }
    }

    /// The stored rules, each with its parse error if its text no longer parses.
    public func rules() throws(PayError) -> [(rule: RiskRuleRecord, error: RuleSyntaxError?)] {
        let store = context.store
        return try store.read { try store.riskRules.all().map { ($0, RuleParser.check($0.expression)) } }
    }

    // MARK: - Decisions

    /// Decides a payment. Reads only: every counter and list the rules need in one statement.
    public func evaluate(_ request: RiskRequest) throws(PayError) -> RiskDecision {
        try evaluate(request, versions: nil)
    }

    /// `evaluate`, with the store's versions when the caller read them in the same transaction.
    public func evaluate(_ request: RiskRequest, versions: StoreVersions?) throws(PayError) -> RiskDecision {
        let store = context.store
        let now = context.now
        return try store.read {
            let set = try book.rules(store, version: versions?.riskRules)
            let evaluation = try RuleEvaluation(request: request, now: now, store: store, rules: set)
            // why three lists: the decision reports allow matches first, then block, then challenge,
            // each in the rules' order — appended in place, never sorted.
            var allows: [RiskDecision.Match] = [], blocks: [RiskDecision.Match] = [], challenges: [RiskDecision.Match] = []
            for entry in set.applicable(to: request.method) where evaluation.matches(entry.root) {
                let record = set.rules[entry.rule].record
                let match = RiskDecision.Match(name: record.name, action: record.action, expression: record.expression)
                switch entry.action {
                case .allow: allows.append(match)
                case .block: blocks.append(match)
                case .challenge: challenges.append(match)
                }
            }
            let matched = allows + blocks + challenges
            let decidedBy = matched.first
            return RiskDecision(action: decidedBy?.action ?? .allow, matched: matched, decidedBy: decidedBy, notes: set.notes,
                                rulesEvaluated: set.evaluated, queries: evaluation.queries)
        }
    }

    // MARK: - Challenges

    /// Starts a challenge: a 6-digit code from the system's secure generator, kept only as a
    /// salted SHA-256 hash, valid 5 minutes for at most 3 tries, sent to `recipient` through the
    /// sender. `reference` names what it guards (a payment serial) for the timeline.
    public func issueChallenge(recipient: String, customerId: String?, reference: String?,
                               amount: Money? = nil) throws(PayError) -> IssuedChallenge {
        guard !recipient.isEmpty else { throw PayError.invalidInput("challenge: no recipient for the one-time code (the payer's customer id is needed)").about("customer") }
        var generator = SystemRandomNumberGenerator()
        let code = String(UInt32.random(in: 0..<1_000_000, using: &generator))
        let padded = String(repeating: "0", count: 6 - code.count) + code
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let id = "ch_" + (0..<12).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let now = context.now
        let expiresAt = now.adding(milliseconds: Self.codeValidityMilliseconds)
        let record = ChallengeRecord(id: id, recipient: recipient, customerId: customerId, reference: reference, codeSalt: salt,
                                     codeHash: Crypto.sha256(salt + Array(padded.utf8)), status: .pending, tries: 0,
                                     maxTries: Self.maxTries, createdAt: now, expiresAt: expiresAt)
        let what = amount.map { " to pay \($0.decimalString) \($0.currency)" } ?? ""
        let text = "PayDesk: your one-time code is \(padded)\(what). Valid 5 minutes. Never share it."
        let store = context.store
        guard let sender = self.sender else {
            throw PayError.internal("challenge: no one-time code sender is configured")
        }
        try store.write {
            try store.challenges.insert(record)
            try sender.send(to: recipient, text: text, challengeId: id)
        }
        return IssuedChallenge(id: id, recipient: recipient, expiresAt: expiresAt)
    }

    /// Checks a code against a challenge and counts the try (a guarded update). A wrong third
    /// try fails the challenge; a try after 5 minutes expires it. Throws `notFound` for an
    /// unknown id.
    public func verifyChallenge(id: String, code: String) throws(PayError) -> ChallengeVerdict {
        let store = context.store
        let now = context.now
        return try store.write {
            guard let challenge = try store.challenges.find(id) else {
                throw PayError.notFound("challenge '\(id)': no such challenge")
            }
            switch challenge.status {
            case .passed: return .alreadyUsed
            case .failed: return .exhausted
            case .expired: return .expired
            case .pending: break
            }
            if now >= challenge.expiresAt {
                _ = try store.challenges.expire(id, at: now)
                return .expired
            }
            let right = Crypto.constantTimeEquals(Crypto.sha256(challenge.codeSalt + Array(code.utf8)), challenge.codeHash)
            let triesLeft = challenge.maxTries - challenge.tries - 1
            let next: ChallengeRecord.Status = right ? .passed : (triesLeft <= 0 ? .failed : .pending)
            guard try store.challenges.recordTry(id, triesBefore: challenge.tries, status: next, at: now) else {
                throw PayError.conflict("challenge '\(id)': another try was counted at the same time; try again")
            }
            return right ? .passed : .wrongCode(triesLeft: max(0, triesLeft))
        }
    }
}
