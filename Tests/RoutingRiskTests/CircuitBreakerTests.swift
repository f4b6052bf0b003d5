import Testing
import PayCore
import PayStore
@testable import PayServices

@Suite struct CircuitBreakerTests {
    /// Priority route acquirer-b → acquirer-a, so the breaker of acquirer-b decides where cards go.
    func fixture() throws -> Fixture {
        let f = try Fixture(routesAndRules: false)
        _ = try f.store.write {
            try f.store.routes.insert(RouteRule(name: "cards", businessLine: nil, method: .card, currency: nil, strategy: .priority, position: 1,
                                                candidates: [.init(accountId: "acquirer-b", priority: 1),
                                                             .init(accountId: "acquirer-a", priority: 2)]), at: f.now)
        }
        return f
    }

    func chosen(_ f: Fixture) throws -> RouteDecision {
        try f.routing().decide(businessLine: code("retail"), method: .card, amount: cny(5_000))
    }

    @Test func wholeCycleOpenHalfOpenReopenClose() throws {
        let f = try fixture()
        let routing = f.routing()
        for n in 1...4 {
            let state = try routing.recordOutcome(account: "acquirer-b", .systemFailure)
            #expect(state.state == .closed && state.consecutiveFailures == n)
        }
        #expect(try chosen(f).account.id == "acquirer-b")

        // The fifth system error in a row opens it: skipped, traffic goes to the fallback.
        let opened = try routing.recordOutcome(account: "acquirer-b", .systemFailure)
        #expect(opened.state == .open && opened.openedAt == f.now)
        let whileOpen = try chosen(f)
        #expect(whileOpen.account.id == "acquirer-a")
        #expect(whileOpen.fallbacks.isEmpty)
        #expect(whileOpen.skipped.first?.accountId == "acquirer-b")
        #expect(whileOpen.skipped.first?.reason.contains("circuit open") == true)

        // Not yet cooled down after 29 s.
        try f.advance("29s")
        #expect(try chosen(f).account.id == "acquirer-a")

        // After 30 s one payment probes it; the breaker is half-open and others keep away.
        try f.advance("1s")
        let probe = try chosen(f)
        #expect(probe.account.id == "acquirer-b" && probe.chosen.probe)
        #expect(try f.store.breakers.state("acquirer-b").state == .halfOpen)
        let duringProbe = try chosen(f)
        #expect(duringProbe.account.id == "acquirer-a")
        #expect(duringProbe.skipped.first?.reason.contains("half-open") == true)

        // The probe fails: open again, from now.
        let reopened = try routing.recordOutcome(account: "acquirer-b", .systemFailure)
        #expect(reopened.state == .open && reopened.openedAt == f.now)
        try f.advance("10s")
        #expect(try chosen(f).account.id == "acquirer-a")

        // Cooled down again; this probe succeeds and the breaker closes with its count reset.
        try f.advance("20s")
        #expect(try chosen(f).account.id == "acquirer-b")
        let closed = try routing.recordOutcome(account: "acquirer-b", .succeeded)
        #expect(closed.state == .closed && closed.consecutiveFailures == 0)
        let after = try chosen(f)
        #expect(after.account.id == "acquirer-b" && !after.chosen.probe)
        #expect(after.fallbacks.map(\.account.id) == ["acquirer-a"])
    }

    @Test func aDeclineOrSuccessBreaksTheRunAndUnknownIsNotCounted() throws {
        let f = try fixture()
        let routing = f.routing()
        for _ in 0..<4 { try routing.recordOutcome(account: "acquirer-b", .systemFailure) }
        #expect(try routing.recordOutcome(account: "acquirer-b", .declined).consecutiveFailures == 0)
        for _ in 0..<4 { try routing.recordOutcome(account: "acquirer-b", .systemFailure) }
        #expect(try routing.recordOutcome(account: "acquirer-b", .unknown).consecutiveFailures == 4)
        #expect(try routing.recordOutcome(account: "acquirer-b", .systemFailure).state == .open)
        // A late success of a payment sent before the breaker opened does not close it.
        #expect(try routing.recordOutcome(account: "acquirer-b", .succeeded).state == .open)
    }

    @Test func stateSurvivesARestartAndIsSharedByProcesses() throws {
        let f = try fixture()
        for _ in 0..<5 { try f.routing().recordOutcome(account: "acquirer-b", .systemFailure) }
        // A second connection, as another process on the same store would have.
        let other = try Store.open(path: f.directory.path("store.db"))
        let otherContext = try ServiceContext(store: other, actor: .system)
        let decision = try RoutingService(otherContext).decide(businessLine: code("retail"), method: .card, amount: cny(5_000))
        #expect(decision.account.id == "acquirer-a")
        #expect(try other.breakers.state("acquirer-b").state == .open)

        // Only one of the two claims the probe once cooled down.
        try f.advance("30s")
        try otherContext.refreshClock()
        let first = try chosen(f)
        let second = try RoutingService(otherContext).decide(businessLine: code("retail"), method: .card, amount: cny(5_000))
        #expect(first.account.id == "acquirer-b" && first.chosen.probe)
        #expect(second.account.id == "acquirer-a")
    }

    @Test func failoverSkipsAnOpenAccountAndKeepsTheStrategyOrder() throws {
        let f = try Fixture(routesAndRules: false)
        _ = try f.store.write {
            try f.store.channelAccounts.insert(ChannelAccount(id: "acquirer-c", channel: "card", merchantId: nil, name: "C", currencies: [.CNY],
                                                              feeRateBps: 100, feeFixedMinor: 0, enabled: true, config: [:]), at: f.now)
            try f.store.routes.insert(RouteRule(name: "cards", businessLine: nil, method: .card, currency: nil, strategy: .lowestFee, position: 1,
                                                candidates: [.init(accountId: "acquirer-a", priority: 1),
                                                             .init(accountId: "acquirer-b", priority: 2),
                                                             .init(accountId: "acquirer-c", priority: 3)]), at: f.now)
        }
        // 100.00 CNY: c 1.00 < b 1.80 < a 2.00.
        let all = try f.routing().decide(businessLine: code("retail"), method: .card, amount: cny(10_000))
        #expect([all.account.id] + all.fallbacks.map(\.account.id) == ["acquirer-c", "acquirer-b", "acquirer-a"])
        for _ in 0..<5 { try f.routing().recordOutcome(account: "acquirer-b", .systemFailure) }
        let without = try f.routing().decide(businessLine: code("retail"), method: .card, amount: cny(10_000))
        #expect([without.account.id] + without.fallbacks.map(\.account.id) == ["acquirer-c", "acquirer-a"])
        #expect(without.skipped.map(\.accountId) == ["acquirer-b"])
    }
}
