import Testing
import PayCore
import PayStore
@testable import PayServices

@Suite struct RuleLanguageTests {
    @Test(arguments: [
        ("amount >", 9, "expected a value after '>'"),
        ("amount > 5000.00 and method ==", 31, "expected a value after '=='"),
        ("amount > 5000.00 and", 21, "expected a condition after 'and'"),
        ("", 1, "expected a condition"),
        ("method == card", 11, "expected a string in double quotes"),
        ("method < \"card\"", 8, "'<' orders numbers"),
        ("amount > \"5\"", 10, "expected a number after '>'"),
        ("(amount > 5 or currency == \"USD\"", 33, "expected ')' to close the '(' at column 1"),
        ("amount > 5 currency", 12, "expected 'and', 'or' or the end of the rule"),
        ("amount = 5", 8, "'=' alone is not an operator"),
        ("count(buyer, 10m) > 1", 7, "expected 'customer'"),
        ("count(customer 10m) > 1", 16, "expected ','"),
        ("count(customer, 10) > 1", 17, "expected a window such as 10m"),
        ("count(customer, 10x) > 1", 17, "unknown unit 'x'"),
        ("count(customer, 90d) > 1", 17, "longer than 31 days"),
        ("count(customer, 10m) > 1.5", 24, "expected a whole number"),
        ("customer in", 12, "expected a list name after 'in'"),
        ("amount in blocklist", 8, "'in' tests a text field"),
        ("velocity > 3", 1, "unknown name 'velocity'"),
        ("method == \"card", 11, "string not closed"),
        ("amount > 5 and or method == \"card\"", 16, "expected a condition after 'and'"),
        ("amount > 1.2.3", 10, "more than one decimal point"),
        ("amount > 5 # comment", 12, "unexpected character '#'"),
        ("5000 < amount", 1, "expected a field or function before the value"),
    ] as [(String, Int, String)])
    func parseErrorsGiveTheColumnAndWhatWasExpected(text: String, column: Int, message: String) throws {
        let error = try #require(RuleParser.check(text))
        #expect(error.column == column, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.hasPrefix("column \(column): "))
    }

    @Test func precedenceIsNotThenAndThenOr() throws {
        let a = RuleExpression.compare(.field(.method), .equal, .text("card"))
        let b = RuleExpression.compare(.field(.method), .equal, .text("wallet"))
        let c = RuleExpression.compare(.field(.amount), .greater, .number(mantissa: 10000, scale: 2))
        #expect(try RuleParser.parse(#"method == "card" or method == "wallet" and amount > 100.00"#) == .or(a, .and(b, c)))
        #expect(try RuleParser.parse(#"not method == "card" and method == "wallet""#) == .and(.not(a), b))
        #expect(try RuleParser.parse(#"(method == "card" or method == "wallet") and amount > 100.00"#) == .and(.or(a, b), c))
        #expect(try RuleParser.parse(#"not not method == "card""#) == .not(.not(a)))
        #expect(try RuleParser.parse(#"method == "card" or method == "wallet" or amount > 100.00"#) == .or(.or(a, b), c))
    }

    func decide(_ f: Fixture, _ rules: [(String, RiskRuleRecord.Action, String)], method: PaymentMethod = .card,
                amount: Money = cny(10_000), customer: String? = "C1") throws -> RiskDecision {
        let risk = RiskService(f.context)
        for rule in rules { try risk.addRule(name: rule.0, action: rule.1, expression: rule.2) }
        return try risk.evaluate(RiskRequest(businessLine: code("retail"), method: method, amount: amount, customerId: customer))
    }

    @Test func precedenceDecidesWhatMatches() throws {
        let f = try Fixture(routesAndRules: false)
        // and binds tighter: a small card payment matches through the left side of `or`.
        let small = try decide(f, [("r", .block, #"method == "card" or method == "wallet" and amount > 100.00"#)], amount: cny(100))
        #expect(small.action == .block)
        let g = try Fixture(routesAndRules: false)
        let grouped = try decide(g, [("r", .block, #"(method == "card" or method == "wallet") and amount > 100.00"#)], amount: cny(100))
        #expect(grouped.action == .allow)
    }

    @Test func fieldsCompareAsTyped() throws {
        let f = try Fixture(routesAndRules: false)
        let rules: [(String, RiskRuleRecord.Action, String)] = [
            ("amount-exact", .block, "amount >= 100.00 and amount <= 100"),
            ("currency", .block, #"currency == "cny""#),
            ("method", .block, #"method != "wallet""#),
            ("business", .block, #"business == "retail""#),
            ("customer", .block, #"customer == "C1""#),
            ("hour", .block, "hour == 12"),
            ("not-hour", .block, "hour < 12"),
            ("amount-more", .block, "amount > 100.001"),
        ]
        let decision = try decide(f, rules)
        #expect(decision.matched.map(\.name) == ["amount-exact", "currency", "method", "business", "customer", "hour"])
    }

    @Test func amountsCompareExactlyInTheCurrencysUnits() throws {
        let f = try Fixture(routesAndRules: false)
        let risk = RiskService(f.context)
        try risk.addRule(name: "big", action: .challenge, expression: "amount > 5000.00")
        func action(_ amount: Money) throws -> RiskDecision.Action {
            try risk.evaluate(RiskRequest(businessLine: code("retail"), method: .card, amount: amount)).action
        }
        #expect(try action(cny(500_000)) == .allow)
        #expect(try action(cny(500_001)) == .challenge)
        #expect(try action(Money(minorUnits: 5_000, currency: .JPY)) == .allow)
        #expect(try action(Money(minorUnits: 5_001, currency: .JPY)) == .challenge)
        #expect(try action(Money(minorUnits: 5_000_001, currency: .BHD)) == .challenge)
    }

    @Test func countSumAndDeclinesLookAtTheCustomersWindow() throws {
        let f = try Fixture(routesAndRules: false)
        // Inside 10 minutes: 2 paid (100.00 and 50.00), 1 declined, 1 failed on the system side; outside: 3 paid.
        try f.payment(account: "acquirer-a", customer: "C1", amount: 10_000, ago: 60_000)
        try f.payment(account: "acquirer-a", customer: "C1", amount: 5_000, ago: 540_000)
        try f.payment(account: "acquirer-a", customer: "C1", amount: 7_000, status: .failed, failure: .declined, ago: 120_000)
        try f.payment(account: "acquirer-a", customer: "C1", amount: 9_000, status: .failed, failure: .system, ago: 180_000)
        for _ in 0..<3 { try f.payment(account: "acquirer-a", customer: "C1", amount: 100_000, ago: 3_600_000) }
        try f.payment(account: "acquirer-a", customer: "C2", amount: 100_000, ago: 60_000)
        try f.payment(account: "acquirer-a", customer: "C1", amount: 100_000, currency: .USD, ago: 60_000)

        let rules: [(String, RiskRuleRecord.Action, String)] = [
            ("count-5", .block, "count(customer, 10m) == 5"),
            ("count-2h", .block, "count(customer, 2h) == 8"),
            ("sum-150", .block, "sum(customer, 10m) == 150.00"),
            ("sum-2h", .block, "sum(customer, 2h) == 3150.00"),
            ("declines-1", .block, "declines(customer, 10m) == 1"),
            ("declines-more", .block, "declines(customer, 10m) >= 2"),
            ("short-window", .block, "count(customer, 90s) >= 3"),
        ]
        let decision = try decide(f, rules)
        #expect(decision.matched.map(\.name) == ["count-5", "count-2h", "sum-150", "sum-2h", "declines-1"])
        // Every counter of every window (and the lists) in one statement, however many rules use them.
        #expect(decision.queries == 1)
    }

    @Test func withoutACustomerCountersAreZeroAndListsDoNotMatch() throws {
        let f = try Fixture()
        let decision = try RiskService(f.context).evaluate(RiskRequest(businessLine: code("retail"), method: .card, amount: cny(100)))
        #expect(decision.action == .allow && decision.matched.isEmpty && decision.queries == 0)
    }

    @Test func everyActionAndTheEvaluationOrder() throws {
        let f = try Fixture()  // demo rules: trusted C1000 allow, blocklist C666, velocity, large card challenge
        let risk = RiskService(f.context)
        func evaluate(_ customer: String?, _ amount: Int64, _ method: PaymentMethod = .card) throws -> RiskDecision {
            try risk.evaluate(RiskRequest(businessLine: code("retail"), method: method, amount: cny(amount), customerId: customer))
        }
        let plain = try evaluate("C1", 10_000)
        #expect(plain.action == .allow && plain.decidedBy == nil && plain.matched.isEmpty)

        let large = try evaluate("C1", 600_000)
        #expect(large.action == .challenge && large.decidedBy?.name == "large-card")
        #expect(try evaluate("C1", 600_000, .wallet).action == .allow)

        // Block beats challenge; both are reported.
        let blocked = try evaluate("C666", 600_000)
        #expect(blocked.action == .block && blocked.decidedBy?.name == "blocklisted")
        #expect(blocked.matched.map(\.name) == ["blocklisted", "large-card"])

        // Allow beats block and challenge.
        _ = try f.store.write { _ = try f.store.riskLists.add("blocklist", "C1000", at: f.now) }
        let trusted = try evaluate("C1000", 600_000)
        #expect(trusted.action == .allow && trusted.decidedBy?.name == "trusted-customers")
        #expect(trusted.matched.map(\.name) == ["trusted-customers", "blocklisted", "large-card"])
    }

    @Test func velocityRulesOfTheDemoBlock() throws {
        let f = try Fixture()
        let risk = RiskService(f.context)
        let request = RiskRequest(businessLine: try code("retail"), method: .card, amount: cny(1_000), customerId: "C7")
        for n in 0..<4 { try f.payment(account: "acquirer-a", customer: "C7", ago: Int64(n + 1) * 60_000) }
        #expect(try risk.evaluate(request).action == .allow)
        try f.payment(account: "acquirer-a", customer: "C7", ago: 30_000)
        #expect(try risk.evaluate(request).decidedBy?.name == "velocity-count")
        // Ten minutes on, the window has emptied.
        try f.advance("10m")
        #expect(try risk.evaluate(request).action == .allow)
        for n in 0..<3 { try f.payment(account: "acquirer-a", customer: "C7", status: .failed, failure: .declined, ago: Int64(n + 1) * 1_000) }
        #expect(try risk.evaluate(request).decidedBy?.name == "velocity-declines")
    }

    @Test func aRuleThatDoesNotParseIsRefusedAndNothingIsWritten() throws {
        let f = try Fixture()
        let risk = RiskService(f.context)
        let before = try risk.rules().count
        let error = #expect(throws: PayError.self) {
            try risk.addRule(name: "broken", action: .block, expression: "amount > 5000.00 and method ==")
        }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("column 31: expected a value after '=='") == true)
        #expect(try risk.rules().count == before)
        let duplicate = #expect(throws: PayError.self) {
            try risk.addRule(name: "large-card", action: .block, expression: "amount > 1.00")
        }
        #expect(duplicate?.kind == .conflict)
        let added = try risk.addRule(name: "night", action: .challenge, expression: "hour < 6 and amount > 1000.00")
        #expect(added.action == .challenge)
        #expect(try risk.rules().count == before + 1)
    }
}
