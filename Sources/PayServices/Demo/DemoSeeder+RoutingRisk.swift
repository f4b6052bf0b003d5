import PayCore
import PayStore

extension DemoSeeder {
    /// The demo's routes (one per method, every strategy visible) and risk rules (large card
    /// payments challenged, a blocklist holding C666, velocity limits), with an allow list.
    func seedRoutingRisk() throws {
        let store = context.store
        let now = context.now
        typealias C = RouteRule.Candidate
        let cny = Currency.CNY
        let routes: [RouteRule] = [
            // Large hotel card payments go where they succeed best (success-rate); the rest by fee.
            RouteRule(name: "hotel-card-large", businessLine: try BusinessLineCode("hotel"), method: .card, currency: cny,
                      minMinor: 100_000, strategy: .successRate, position: 10,
                      candidates: [C(accountId: "acquirer-a", priority: 1), C(accountId: "acquirer-b", priority: 2)]),
            // acquirer-a: 1.80 % + 0.20, acquirer-b: 1.50 % + 0.30: a is cheaper below 33.33, b above.
            RouteRule(name: "card-lowest-fee", businessLine: nil, method: .card, currency: nil, strategy: .lowestFee, position: 20,
                      candidates: [C(accountId: "acquirer-a", priority: 1), C(accountId: "acquirer-b", priority: 2)]),
            RouteRule(name: "apple-pay", businessLine: nil, method: .applePay, currency: nil, strategy: .priority, position: 30,
                      candidates: [C(accountId: "acquirer-b", priority: 1), C(accountId: "acquirer-a", priority: 2)]),
            RouteRule(name: "wechat-split", businessLine: nil, method: .wechat, currency: nil, strategy: .weighted, position: 40,
                      candidates: [C(accountId: "wechat-direct", priority: 1, weight: 70), C(accountId: "wechat-sp", priority: 2, weight: 30)]),
            RouteRule(name: "alipay", businessLine: nil, method: .alipay, currency: nil, strategy: .priority, position: 50,
                      candidates: [C(accountId: "alipay-main", priority: 1)]),
            RouteRule(name: "unionpay", businessLine: nil, method: .unionpay, currency: nil, strategy: .priority, position: 60,
                      candidates: [C(accountId: "unionpay-main", priority: 1)]),
            RouteRule(name: "paypal", businessLine: nil, method: .paypal, currency: nil, strategy: .priority, position: 70,
                      candidates: [C(accountId: "paypal-main", priority: 1)]),
            RouteRule(name: "wallet", businessLine: nil, method: .wallet, currency: nil, strategy: .priority, position: 80,
                      candidates: [C(accountId: "wallet-main", priority: 1)]),
        ]
        for route in routes { try store.routes.insert(route, at: now) }

        let rules: [(name: String, action: RiskRuleRecord.Action, expression: String)] = [
            ("trusted-customers", .allow, "customer in trusted"),
            ("blocklisted", .block, "customer in blocklist"),
            ("velocity-count", .block, "count(customer, 10m) >= 5"),
            ("velocity-declines", .block, "declines(customer, 10m) >= 3"),
            ("large-card", .challenge, "amount > 5000.00 and method == \"card\""),
            ("daily-spend", .challenge, "sum(customer, 24h) > 20000.00"),
        ]
        for rule in rules {
            if let error = RuleParser.check(rule.expression) { throw PayError.internal("demo rule '\(rule.name)': \(error)") }
            try store.riskRules.insert(name: rule.name, action: rule.action, expression: rule.expression, createdBy: "demo", at: now)
        }
        try store.riskLists.add("blocklist", "C666", at: now)
        try store.riskLists.add("trusted", "C1000", at: now)
    }
}
