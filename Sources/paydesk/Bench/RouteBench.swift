import Foundation
import PayCore
import PayStore
import PayServices

/// `paydesk bench route`: builds a throwaway demo store with many routing and risk rules and a
/// customer with a long history, then times route and risk decisions. Prints figures, no verdict.
enum RouteBench {
    struct Settings {
        var rules = 1_000
        var payments = 10_000
        var decisions = 2_000
    }

    struct Report: Encodable {
        let store: String
        let routeRules: Int64
        let riskRules: Int
        let customerPayments: Int
        let buildSeconds: Double
        let route: [BenchStats]
        let risk: [BenchStats]
        let riskRulesEvaluated: Int
        let riskQueriesPerDecision: Int
        let riskAction: String
        /// A payment's route and risk decision together, in one read transaction, as `pay` makes them.
        let routeAndRisk: BenchStats
        /// The same decision's statements (traced once) replayed raw, each prepared once: its floor.
        let routeAndRiskFloor: BenchStats
        let routeAndRiskStatements: Int
        /// The aim for route + risk's p99, beside what was measured.
        let routeAndRiskAimP99Micros: Double
    }

    /// Issue 18's aim: route + risk p99 ≤ 0.5 ms with 1,000 rules and a customer of 10k payments.
    static let aimP99Micros = 500.0

    static let customer = "C-BENCH"

    static func run(_ settings: Settings, io: CommandIO) throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bench.db").path
        let buildClock = ContinuousClock()
        let buildStart = buildClock.now
        let store = try Store.open(path: path, create: true)
        let context = try ServiceContext(store: store, actor: .system)
        try DemoSeeder(context).seed()
        io.err("bench route: building \(settings.rules) routing rules, \(settings.rules) risk rules, \(settings.payments) payments of \(customer) …")
        try buildRoutes(context, count: settings.rules)
        try buildRiskRules(context, count: settings.rules)
        try buildHistory(context, payments: settings.payments)
        let built = buildClock.now - buildStart
        let buildSeconds = Double(built.components.seconds) + Double(built.components.attoseconds) / 1e18

        let routing = RoutingService(context, random: RouteRandom(SeededGenerator(seed: 7)))
        let retail = try BusinessLineCode("retail"), hotel = try BusinessLineCode("hotel")
        let hundred = Money(minorUnits: 10_000, currency: .CNY)
        let large = Money(minorUnits: 250_000, currency: .CNY)
        let route = [
            try BenchStats.measure("route card (lowest-fee)", count: settings.decisions) { _ in
                _ = try routing.decide(businessLine: retail, method: .card, amount: hundred)
            },
            try BenchStats.measure("route wechat (weighted)", count: settings.decisions) { _ in
                _ = try routing.decide(businessLine: retail, method: .wechat, amount: hundred)
            },
            try BenchStats.measure("route hotel card (success-rate)", count: settings.decisions) { _ in
                _ = try routing.decide(businessLine: hotel, method: .card, amount: large)
            },
            try BenchStats.measure("route explain card (every rule read)", count: max(1, settings.decisions / 10)) { _ in
                _ = try routing.explain(businessLine: retail, method: .card, amount: hundred)
            },
        ]

        let request = RiskRequest(businessLine: retail, method: .card, amount: hundred, customerId: customer)
        let cold = try BenchStats.measure("risk first decision (parses rules)", count: 1) { _ in
            _ = try RiskService(context).evaluate(request)
        }
        let risk = RiskService(context)
        let sample = try risk.evaluate(request)
        let warm = try BenchStats.measure("risk decision (\(customer))", count: settings.decisions) { _ in
            _ = try risk.evaluate(request)
        }
        let anonymous = try BenchStats.measure("risk decision (no customer)", count: settings.decisions) { _ in
            _ = try risk.evaluate(RiskRequest(businessLine: retail, method: .card, amount: hundred))
        }
        // A payment's decision: the route and the risk of one card payment of the long-history
        // customer, in one read transaction that reads the store's versions once, as `pay` makes
        // it; then the very statements it ran, replayed raw.
        let decide = { () throws -> Void in
            _ = try store.snapshot { () throws -> RiskDecision in
                let versions = try store.versions.current()
                _ = try routing.decide(businessLine: retail, method: .card, amount: hundred, readingAt: versions)
                return try risk.evaluate(request, versions: versions)
            }
        }
        let both = try BenchStats.measure("route + risk (\(customer), one transaction)", count: settings.decisions) { _ in try decide() }
        let trace = StatementTrace()
        store.db.trace = trace
        try decide()
        store.db.trace = nil
        let replayDB = try Connection(path: path, create: false)
        var failures = 0
        let floor = BenchStats.measure("  floor: its \(trace.count) statements raw", count: settings.decisions) { _ in
            failures += StatementTrace.replay(trace.entries, on: replayDB)
        }
        if failures > 0 { throw PayError.internal("bench route: \(failures) replayed statements failed") }
        return Report(store: path, routeRules: try store.read { try store.routes.count() }, riskRules: sample.rulesEvaluated,
                      customerPayments: settings.payments, buildSeconds: buildSeconds, route: route,
                      risk: [cold, warm, anonymous], riskRulesEvaluated: sample.rulesEvaluated,
                      riskQueriesPerDecision: sample.queries, riskAction: sample.summary,
                      routeAndRisk: both, routeAndRiskFloor: floor, routeAndRiskStatements: trace.count,
                      routeAndRiskAimP99Micros: aimP99Micros)
    }

    /// Rules that the benchmarked payments must pass over: card, wechat and alipay rules in other
    /// currencies and amount ranges, placed before the demo's rules.
    static func buildRoutes(_ context: ServiceContext, count: Int) throws {
        let store = context.store
        let existing = Int(try store.read { try store.routes.count() })
        let methods: [(PaymentMethod, [String])] = [(.card, ["acquirer-a", "acquirer-b"]), (.wechat, ["wechat-direct", "wechat-sp"]),
                                                    (.alipay, ["alipay-main"])]
        let currencies: [Currency] = [.USD, .EUR, .GBP, .HKD]
        try store.write {
            for index in 0..<max(0, count - existing) {
                let (method, accounts) = methods[index % methods.count]
                let low = Int64(index) * 1_000
                try store.routes.insert(RouteRule(
                    name: "bench-\(index)", businessLine: nil, method: method, currency: currencies[index % currencies.count],
                    minMinor: low, maxMinor: low + 999, strategy: .priority, position: 5,
                    candidates: accounts.enumerated().map { RouteRule.Candidate(accountId: $1, priority: $0 + 1) }), at: context.now)
            }
        }
    }

    /// Risk rules of every shape over a few windows, few of which match the benchmarked payment.
    static func buildRiskRules(_ context: ServiceContext, count: Int) throws {
        let store = context.store
        let existing = try store.read { try store.riskRules.all().count }
        let windows = ["10m", "1h", "24h", "7d"]
        try store.write {
            for index in 0..<max(0, count - existing) {
                let window = windows[index % windows.count]
                let (action, expression): (RiskRuleRecord.Action, String) = switch index % 6 {
                case 0: (.challenge, "amount > \(1_000 + index).00 and method == \"card\"")
                case 1: (.block, "count(customer, \(window)) >= \(20_000 + index)")
                case 2: (.challenge, "sum(customer, \(window)) > \(5_000_000 + index).00 and currency == \"CNY\"")
                case 3: (.block, "customer in list\(index % 10) or customer == \"X\(index)\"")
                case 4: (.block, "declines(customer, \(window)) >= \(5_000 + index) or (hour < 0 and business == \"hotel\")")
                default: (.allow, "not (method == \"wallet\" or amount <= \(index).00) and customer in vip\(index % 5)")
                }
                if let error = RuleParser.check(expression) { throw PayError.internal("bench rule \(index): \(error)") }
                try store.riskRules.insert(name: "bench-\(index)", action: action, expression: expression, createdBy: "bench", at: context.now)
            }
        }
    }

    /// `payments` past payments of one customer over the last 7 days: mostly paid, some declined,
    /// a few failed on the system side.
    static func buildHistory(_ context: ServiceContext, payments: Int) throws {
        let store = context.store
        var random = SeededGenerator(seed: 10_000)
        let now = context.now.milliseconds
        let line = try BusinessLineCode("retail")
        let accounts: [(PaymentMethod, String, String)] = [(.card, "card", "acquirer-a"), (.card, "card", "acquirer-b"),
                                                           (.wechat, "wechat", "wechat-direct"), (.alipay, "alipay", "alipay-main")]
        try store.write {
            for index in 0..<payments {
                let created = Timestamp(milliseconds: now - Int64.random(in: 60_000...(7 * 86_400_000), using: &random))
                let amount = Money(minorUnits: Int64.random(in: 1_000...50_000, using: &random), currency: .CNY)
                let serials = SerialGenerator(clock: FixedClock(created))
                let (order, _) = try store.orders.create(
                    OrderDraft(businessLine: line, orderNo: try MerchantOrderNo("BENCH-\(index)"), amount: amount, customerId: customer),
                    serial: serials.next(.order), at: created, operator: "bench")
                let (method, channel, account) = accounts[index % accounts.count]
                let attempt = try store.attempts.insert(NewPaymentAttempt(
                    serial: serials.next(.payment), orderId: order.id, method: method, mode: "barcode", channel: channel,
                    account: account, amount: amount, customerId: customer), at: created)
                let roll = Int.random(in: 0..<100, using: &random)
                if roll < 85 {
                    _ = try store.attempts.transition(attempt.id, from: .processing, to: .succeeded,
                                                      outcome: AttemptOutcome(channelSerial: "B\(index)"), at: created)
                } else {
                    _ = try store.attempts.transition(attempt.id, from: .processing, to: .failed, outcome: AttemptOutcome(
                        failureKind: roll < 95 ? .declined : .system, failureCode: roll < 95 ? "NOTENOUGH" : "SYSTEMERROR"), at: created)
                }
            }
        }
    }
}
