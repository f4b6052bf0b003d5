import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// The risk counters read hourly rollups (schema 22) kept by the store itself: whatever moves an
/// attempt, a window counts exactly what the customer's attempts in it say.
@Suite struct RiskRollupTests {
    /// What a customer's attempts say over `[since, ∞)`, counted one by one.
    struct Expected {
        var count: Int64 = 0, sum: Int64 = 0, declines: Int64 = 0
    }

    func expected(_ attempts: [PaymentAttempt], since: Timestamp, currency: Currency) -> Expected {
        var result = Expected()
        for attempt in attempts where attempt.createdAt >= since {
            result.count += 1
            if attempt.amount.currency == currency && attempt.status != .failed && attempt.status != .closed {
                result.sum += attempt.amount.minorUnits
            }
            if attempt.status == .failed && attempt.failureKind == .declined { result.declines += 1 }
        }
        return result
    }

    @Test("counters over any window agree with the attempts, after inserts, settlements, failures and a late success")
    func rollupsAgreeWithTheAttempts() throws {
        let f = try Fixture(routesAndRules: false)
        var random = SeededGenerator(seed: 22)
        let customers = ["C1", "C2", "C3"]
        let statuses: [(AttemptStatus, FailureKind?)] = [(.succeeded, nil), (.failed, .declined), (.failed, .system),
                                                         (.processing, nil), (.pending, nil), (.unknown, nil)]
        for _ in 0..<150 {
            let (status, failure) = statuses[Int.random(in: 0..<statuses.count, using: &random)]
            try f.payment(account: "acquirer-a", customer: customers[Int.random(in: 0..<3, using: &random)],
                          amount: Int64.random(in: 100...90_000, using: &random),
                          currency: Bool.random(using: &random) ? .CNY : .USD, status: status, failure: failure,
                          ago: Int64.random(in: 0...(3 * 86_400_000), using: &random))
        }
        let store = f.store
        let now = f.now
        // Moves after the fact: pending ones close, unknown ones fail as declined, a failed one succeeds late.
        try store.write {
            for customer in customers {
                for attempt in try store.attempts.forCustomer(customer) {
                    switch attempt.status {
                    case .pending: _ = try store.attempts.transition(attempt.id, from: .pending, to: .closed, at: now)
                    case .unknown:
                        _ = try store.attempts.transition(attempt.id, from: .unknown, to: .failed,
                                                          outcome: AttemptOutcome(failureKind: .declined, failureCode: "NO"), at: now)
                    default: break
                    }
                }
            }
            if let late = try store.attempts.forCustomer("C1").first(where: { $0.status == .failed }) {
                _ = try store.attempts.recordLateSuccess(late.id, from: .failed, channelSerial: "LATE-1", note: "test", at: now)
            }
        }
        #expect(try store.read { try store.paymentHistory.rollupMismatches() } == [])

        let windows: [Int64] = [1, 90_000, 600_000, 3_599_999, 3_600_000, 3_600_001, 7_200_000, 86_400_000, 2 * 86_400_000 + 1_234, 31 * 86_400_000]
        for customer in customers {
            let attempts = try store.read { try store.attempts.forCustomer(customer) }
            for window in windows {
                let since = now.adding(milliseconds: -window)
                for currency in [Currency.CNY, .USD] {
                    let want = expected(attempts, since: since, currency: currency)
                    let history = store.paymentHistory
                    #expect(try store.read { try history.attemptCount(customer: customer, since: since) } == want.count, "count \(customer) \(window)")
                    #expect(try store.read { try history.amountSum(customer: customer, since: since, currency: currency) } == want.sum,
                            "sum \(customer) \(window) \(currency)")
                    #expect(try store.read { try history.declineCount(customer: customer, since: since) } == want.declines,
                            "declines \(customer) \(window)")
                }
            }
            // A decision's one statement: every window at once, each edge read from its shorter side.
            let starts = windows.map { now.adding(milliseconds: -$0) }
            for currency in [Currency.CNY, .USD] {
                let facts = try store.read { try store.paymentHistory.riskFacts(customer: customer, since: starts, currency: currency, lists: []) }
                for (index, since) in starts.enumerated() {
                    let want = expected(attempts, since: since, currency: currency)
                    #expect(facts.windows[index] == RiskWindowCounts(attempts: want.count, liveMinor: want.sum, declines: want.declines),
                            "facts \(customer) \(windows[index]) \(currency)")
                }
            }
        }
    }

    @Test("a store made before the rollups gets them from its history when it opens")
    func migrationBackfillsFromHistory() throws {
        let f = try Fixture(routesAndRules: false)
        for index in 0..<20 {
            try f.payment(account: "acquirer-a", customer: "C\(index % 3)", amount: 1_000 + Int64(index),
                          status: index % 4 == 0 ? .failed : .succeeded, failure: index % 4 == 0 ? .declined : nil,
                          ago: Int64(index) * 1_800_000)
        }
        let path = f.store.path
        // Back to the state before schema 22: no rollups, no triggers.
        try f.store.write {
            try f.store.db.execute("DROP TRIGGER customer_risk_attempt_insert")
            try f.store.db.execute("DROP TRIGGER customer_risk_attempt_update")
            try f.store.db.execute("DROP TABLE customer_risk_hours")
            try f.store.db.execute("DROP INDEX payment_attempts_customer")
            try f.store.db.execute("DROP INDEX payment_attempts_duplicates")
            try f.store.db.execute("DROP INDEX risk_list_entries_value")
            try f.store.db.execute("DROP TABLE store_versions")
            // and schema 24's triggers, which move versions in that table.
            for table in ["channel_accounts", "risk_rules", "route_rules", "route_candidates", "business_lines", "circuit_breakers"] {
                for event in ["insert", "update", "delete"] { try f.store.db.execute("DROP TRIGGER store_versions_\(table)_\(event)") }
            }
            try f.store.db.execute("CREATE INDEX payment_attempts_customer_history ON payment_attempts (customer_id, created_at, status, failure_kind, currency, amount_minor)")
            try f.store.db.execute("CREATE INDEX payment_attempts_customer_created ON payment_attempts (customer_id, created_at)")
            try f.store.db.execute("CREATE INDEX payment_attempts_duplicate ON payment_attempts (duplicate, status)")
            // and before schema 23 (which comes after it).
            try f.store.db.execute("ALTER TABLE api_secrets DROP COLUMN hint")
            try f.store.db.execute("PRAGMA user_version = 21")
        }
        let reopened = try Store.open(path: path)
        #expect(try reopened.read { try reopened.paymentHistory.rollupMismatches() } == [])
        let since = f.now.adding(milliseconds: -86_400_000)
        #expect(try reopened.read { try reopened.paymentHistory.attemptCount(customer: "C0", since: since) } == 7)
    }

    @Test("a value's lists come with the counters in one statement, also past 62 lists (several bit masks)")
    func listsInTheSameStatement() throws {
        let f = try Fixture(routesAndRules: false)
        let names = (0..<70).map { "list\($0)" }
        let holding: Set<String> = ["list0", "list5", "list61", "list62", "list69"]
        try f.store.write {
            for name in holding { try f.store.riskLists.add(name, "C9", at: f.now) }
            try f.store.riskLists.add("list7", "C8", at: f.now)
        }
        try f.payment(account: "acquirer-a", customer: "C9", amount: 1_500, ago: 60_000)
        let facts = try f.store.read {
            try f.store.paymentHistory.riskFacts(customer: "C9", since: [f.now.adding(milliseconds: -600_000)], currency: .CNY,
                                                 lists: [("C9", names), ("C8", names), ("nobody", ["list0"])])
        }
        #expect(facts.lists == [holding, ["list7"], []])
        #expect(facts.windows == [RiskWindowCounts(attempts: 1, liveMinor: 1_500, declines: 0)])
    }

    @Test("a decision's one statement searches indexes and builds no temporary table (it was once 6 per decision, each with a page cache)")
    func theDecisionsStatementStreams() throws {
        let f = try Fixture(routesAndRules: false)
        try f.store.write { try f.store.riskLists.add("vip", "C9", at: f.now) }
        try f.payment(account: "acquirer-a", customer: "C9", amount: 1_500, ago: 60_000)
        let trace = StatementTrace()
        f.store.db.trace = trace
        let starts = [600_000, 3_600_000, 86_400_000, 7 * 86_400_000].map { f.now.adding(milliseconds: -Int64($0)) }
        let facts = try f.store.read {
            try f.store.paymentHistory.riskFacts(customer: "C9", since: starts, currency: .CNY, lists: [("C9", ["vip", "blocked"])])
        }
        f.store.db.trace = nil
        #expect(facts.lists == [["vip"]])
        #expect(facts.windows.map(\.attempts) == [1, 1, 1, 1])
        let statement = try #require(trace.entries.first { $0.sql.contains("customer_risk_hours") })
        let plan = try f.store.db.rows("EXPLAIN QUERY PLAN " + statement.sql, statement.arguments.map { $0 as (any DatabaseValueConvertible)? })
            .map { $0.string("detail") }
        #expect(plan.filter { $0.hasPrefix("SEARCH") }.count == 6, "\(plan)")
        #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") && !$0.contains("MATERIALIZE") && !$0.contains("TEMP B-TREE") }, "\(plan)")
    }
}
