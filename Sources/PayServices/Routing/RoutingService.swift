import PayCore
import PayStore

/// Picks the channel account for a payment from the routing rules in the store (DESIGN §6) and
/// keeps each account's circuit breaker.
///
/// Rules for the payment's method are tried in order; the first that covers its business line,
/// currency and amount decides. Its candidates are filtered (disabled, currency not taken, not
/// the barcode's channel, circuit open) and ordered by the rule's strategy: the first is chosen,
/// the rest are the fallbacks for a SYSTEM failure.
///
/// The weighted split draws at random per payment (in proportion to the weights) rather than
/// keeping round-robin state: every process on the store, and every one-shot command, then
/// holds the ratio over many payments without sharing a counter.
public struct RoutingService {
    let context: ServiceContext
    let random: RouteRandom
    public var breakerPolicy: BreakerPolicy
    /// How far back the success-rate strategy looks.
    public var successWindowMilliseconds: Int64 = 15 * 60_000
    /// The share of payments the success-rate strategy sends to an account other than the best,
    /// so the others stay measured.
    public var explorationShare: Double = 0.05

    public init(_ context: ServiceContext, random: RouteRandom = .system(), breakerPolicy: BreakerPolicy = .standard) {
        self.context = context
        self.random = random
        self.breakerPolicy = breakerPolicy
    }

    /// Decides where a payment goes. When the chosen account's breaker is due for a probe, this
    /// payment claims it (a guarded update: of racing processes only one probes).
    ///
    /// `channelHint` fixes the channel (a barcode's prefix names it): only that channel's
    /// accounts are considered. Throws `notFound` when no rule covers the payment or no
    /// candidate is available, naming business line, method, currency and amount.
    public func decide(businessLine: BusinessLineCode, method: PaymentMethod, amount: Money,
                       channelHint: String? = nil) throws(PayError) -> RouteDecision {
        try route(businessLine: businessLine, method: method, amount: amount, channelHint: channelHint, claimProbe: true)
    }

    /// The decision `decide` would make, without claiming a probe: nothing is written.
    public func explain(businessLine: BusinessLineCode, method: PaymentMethod, amount: Money,
                        channelHint: String? = nil) throws(PayError) -> RouteDecision {
        try route(businessLine: businessLine, method: method, amount: amount, channelHint: channelHint, claimProbe: false)
    }

    /// The decision a payment makes inside its read transaction (`Store.snapshot`), with the
    /// versions it read there: reads only; a probe it picks is claimed afterwards by `decide`.
    public func decide(businessLine: BusinessLineCode, method: PaymentMethod, amount: Money, channelHint: String? = nil,
                       readingAt versions: StoreVersions) throws(PayError) -> RouteDecision {
        try route(businessLine: businessLine, method: method, amount: amount, channelHint: channelHint, claimProbe: false,
                  detailed: false, versions: versions)
    }

    /// Feeds an account's circuit breaker with what came of a payment; returns its state after.
    @discardableResult
    public func recordOutcome(account: String, _ outcome: RouteOutcome) throws(PayError) -> BreakerRecord {
        let store = context.store
        let now = context.now
        return try store.write {
            guard try store.channelAccounts.find(account) != nil else {
                throw PayError.notFound("channel account '\(account)': does not exist")
            }
            switch outcome {
            case .succeeded, .declined: return try store.breakers.recordSuccess(account, at: now)
            case .systemFailure: return try store.breakers.recordSystemFailure(account, threshold: breakerPolicy.failureThreshold, at: now)
            case .unknown: return try store.breakers.state(account)
            }
        }
    }

    // MARK: - The decision

    /// The decision. `detailed` reads every rule of the method to say why each was passed over
    /// (explain); `versions`, when the caller read them in its transaction, spares reading them
    /// again; `lineChecked` when the caller has just read the business line.
    func route(businessLine: BusinessLineCode, method: PaymentMethod, amount: Money, channelHint: String?,
               claimProbe: Bool, detailed: Bool? = nil, versions known: StoreVersions? = nil,
               lineChecked: Bool = false) throws(PayError) -> RouteDecision {
        let store = context.store
        let now = context.now
        let subject = "business \(businessLine), method \(method.rawValue), currency \(amount.currency), amount \(amount.decimalString)"
            + (channelHint.map { ", channel \($0)" } ?? "")
        guard amount.isPositive else { throw PayError.invalidInput("amount '\(amount.decimalString)': must be above zero") }
        var reasons: [String] = []
        var excluded = Set<String>()
        while true {
            let (rule, options, skipped) = try store.read { () throws -> (RouteRule?, [RouteDecision.Option], [RouteDecision.Skip]) in
                let versions = try known ?? store.versions.current()
                if !lineChecked { _ = try context.lineBook.require(businessLine, store: store, version: versions.businessLines) }
                guard let rule = try matchRule(businessLine: businessLine, method: method, amount: amount, channelHint: channelHint,
                                               detailed: detailed ?? !claimProbe, versions: versions, reasons: &reasons) else { return (nil, [], []) }
                let (options, skipped) = try candidates(of: rule, amount: amount, channelHint: channelHint, now: now, excluded: excluded,
                                                        versions: versions)
                return (rule, options, skipped)
            }
            guard let rule else {
                let passedOver = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"
                throw PayError.notFound("no route for \(subject): no rule covers it\(passedOver); see `paydesk route list`").failing(.channelUnavailable)
            }
            guard !options.isEmpty else {
                let why = skipped.map { "\($0.accountId): \($0.reason)" }.joined(separator: "; ")
                throw PayError.notFound("no channel account available for \(subject) under rule '\(rule.name)': \(why)").failing(.channelUnavailable)
            }
            var steps: [String] = []
            let ordered = try store.read { try order(options, by: rule.strategy, amount: amount, now: now, steps: &steps) }
            let chosen = ordered[0]
            if claimProbe && chosen.probe {
                let claimed = try store.write {
                    try store.breakers.claimProbe(chosen.account.id,
                                                  openedAtOrBefore: now.adding(milliseconds: -breakerPolicy.coolDownMilliseconds),
                                                  probeUntil: now.adding(milliseconds: breakerPolicy.probeHoldMilliseconds), at: now)
                }
                if !claimed {
                    // why: another process claimed the probe between our read and our write; route again without it.
                    excluded.insert(chosen.account.id)
                    reasons = []
                    continue
                }
            }
            reasons += skipped.map { "skipped \($0.accountId): \($0.reason)" }
            reasons += steps
            return RouteDecision(rule: rule, chosen: chosen, fallbacks: Array(ordered.dropFirst()),
                                 skipped: skipped + excluded.sorted().map { RouteDecision.Skip(accountId: $0, reason: "another process is probing it") },
                                 reasons: reasons)
        }
    }

    /// The first rule that covers the payment; the rules passed over go into `reasons`.
    func matchRule(businessLine: BusinessLineCode, method: PaymentMethod, amount: Money, channelHint: String?,
                   detailed: Bool, versions: StoreVersions, reasons: inout [String]) throws -> RouteRule? {
        let store = context.store
        // why: explaining lists every rule passed over; deciding looks only at the enabled rules of
        // the method and currency (the book's index), passing over the rest without a word.
        let rules = try detailed ? context.routeBook.rules(for: method, store: store, version: versions.routeRules)
            : context.routeBook.enabledRules(for: method, currency: amount.currency, store: store, version: versions.routeRules)
        for rule in rules {
            if !detailed {
                guard rule.covers(businessLine: businessLine, amount: amount) else { continue }
            } else if let why = rule.mismatch(businessLine: businessLine, method: method, amount: amount) {
                reasons.append("rule '\(rule.name)' passed over: \(why)")
                continue
            }
            if let channelHint {
                let onChannel = try rule.candidates.contains { try account($0.accountId, versions)?.channel == channelHint }
                if !onChannel {
                    reasons.append("rule '\(rule.name)' passed over: no candidate on channel \(channelHint)")
                    continue
                }
            }
            reasons.append("rule '\(rule.name)' matched (\(rule.scopeDescription)); strategy \(rule.strategy.rawValue)")
            return rule
        }
        return nil
    }

    /// The account as stored at `versions`, from the context's account book.
    func account(_ id: String, _ versions: StoreVersions) throws -> ChannelAccount? {
        try context.accountBook.account(id, store: context.store, version: versions.channelAccounts)
    }

    /// What came of a payment, fed to the account's breaker inside the caller's write (the
    /// transaction that settles the payment): a success or decline writes only when the breaker
    /// is not already closed and clean, a system failure counts, an unknown outcome is not counted.
    func recordOutcomeInTransaction(account: String, _ outcome: RouteOutcome) throws {
        let store = context.store
        let now = context.now
        switch outcome {
        case .succeeded, .declined: try store.breakers.noteSuccess(account, at: now)
        case .systemFailure: _ = try store.breakers.recordSystemFailure(account, threshold: breakerPolicy.failureThreshold, at: now)
        case .unknown: break
        }
    }

    /// The rule's candidates that may take the payment, and those skipped with the reason.
    func candidates(of rule: RouteRule, amount: Money, channelHint: String?, now: Timestamp,
                    excluded: Set<String>, versions: StoreVersions) throws -> ([RouteDecision.Option], [RouteDecision.Skip]) {
        let store = context.store
        var options: [RouteDecision.Option] = []
        var skipped: [RouteDecision.Skip] = []
        for candidate in rule.candidates where !excluded.contains(candidate.accountId) {
            func skip(_ reason: String) { skipped.append(RouteDecision.Skip(accountId: candidate.accountId, reason: reason)) }
            guard let account = try account(candidate.accountId, versions) else { skip("the account no longer exists"); continue }
            if !account.enabled { skip("account disabled"); continue }
            if let channelHint, account.channel != channelHint { skip("channel \(account.channel), the barcode is \(channelHint)"); continue }
            if !account.currencies.contains(amount.currency) { skip("does not take \(amount.currency)"); continue }
            var probe = false
            switch breakerPolicy.availability(try context.breakerBook.state(account.id, store: store, version: versions.breakers), now: now) {
            case .available: break
            case .skipped(let why): skip(why); continue
            case .probe: probe = true
            }
            // why Int128: amount × basis points passes Int64 for amounts near the largest; a fee
            // that does not fit is the most expensive option, never a trap.
            let rated = (Int128(amount.minorUnits) * Int128(candidate.feeRateBps ?? account.feeRateBps) + 5_000) / 10_000
                + Int128(candidate.feeFixedMinor ?? account.feeFixedMinor)
            let fee = Money(minorUnits: Int64(clamping: rated), currency: amount.currency)
            options.append(RouteDecision.Option(account: account, fee: fee, priority: candidate.priority, weight: candidate.weight, probe: probe))
        }
        return (options, skipped)
    }
}
