import Testing
import PayCore
import PayStore
@testable import PayServices

/// Channel accounts and risk rules are read once per context and read again when another
/// process changes them (the store's versions, schema 22): a change is never missed.
@Suite struct ConfigCacheTests {
    @Test("an account disabled by another process is skipped by the next decision of a context that had it cached")
    func disabledAccountIsSeenAtOnce() throws {
        let f = try Fixture()
        let routing = f.routing()
        #expect(try routing.decide(businessLine: code("retail"), method: .card, amount: cny(10_000)).account.id == "acquirer-b")
        let other = try Store.open(path: f.store.path)
        #expect(try other.write { try other.channelAccounts.setEnabled("acquirer-b", false) })
        let after = try routing.decide(businessLine: code("retail"), method: .card, amount: cny(10_000))
        #expect(after.account.id == "acquirer-a")
        #expect(after.skipped.contains { $0.accountId == "acquirer-b" && $0.reason == "account disabled" })
    }

    @Test("a risk rule added by another process decides the next payment of a context that had the rules parsed")
    func ruleAddedElsewhereIsSeenAtOnce() throws {
        let f = try Fixture(routesAndRules: false)
        let risk = f.risk()
        let request = RiskRequest(businessLine: try code("retail"), method: .card, amount: cny(700_000), customerId: "C1")
        #expect(try risk.evaluate(request).action == .allow)
        let other = try Store.open(path: f.store.path)
        _ = try other.write {
            try other.riskRules.insert(name: "big", action: .block, expression: "amount > 5000.00", createdBy: "test", at: f.now)
        }
        let decision = try risk.evaluate(request)
        #expect(decision.action == .block)
        #expect(decision.matched.map(\.name) == ["big"])
    }
}
