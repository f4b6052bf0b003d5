import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// Channel accounts, risk rules (schema 22), routing rules, business lines and circuit breakers
/// (schema 24) are read once per context and read again when another process changes them (the
/// store's versions, read in the decision's own transaction): a change is never missed.
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

    /// Wallet payments through the sandbox on the fixture's store, as `pay` makes them.
    final class Payments {
        let f: Fixture
        let gateway: ChannelGateway
        var count = 0

        init(_ f: Fixture) throws {
            self.f = f
            gateway = try ChannelGateway(store: f.store, clock: f.context.clock)
            try gateway.sandbox.setLatencyEverywhere(milliseconds: 0)
        }

        func pay(_ method: PaymentMethod = .wallet) throws -> PaymentOutcome {
            count += 1
            let no = try MerchantOrderNo("CACHE-\(count)")
            _ = try OrderService(f.context).create(OrderDraft(businessLine: try code("retail"), orderNo: no, amount: cny(1_000)))
            return try PaymentService(f.context, gateway: gateway).pay(PaymentRequest(
                businessLine: try code("retail"), orderNo: no, method: method, customerId: "W-1"))
        }
    }

    @Test("a routing rule disabled by another process stops the next payment of a context that had the rules cached; enabled again, it routes")
    func routeRuleChangedElsewhereIsSeenAtOnce() throws {
        let f = try Fixture(routesAndRules: true)
        let payments = try Payments(f)
        #expect(try payments.pay().exitCode == 0)
        let other = try Store.open(path: f.store.path)
        let wallet = try #require(try other.read { try other.routes.find(name: "wallet") })
        let disabled = RouteRule(id: wallet.id, name: wallet.name, businessLine: nil, method: .wallet, currency: nil,
                                 strategy: wallet.strategy, position: wallet.position, enabled: false, candidates: wallet.candidates)
        _ = try other.write { try other.routes.update(wallet, to: disabled) }
        let refused = #expect(throws: PayError.self) { try payments.pay() }
        #expect(refused?.message.contains("no route for business retail, method wallet") == true, "\(String(describing: refused))")
        _ = try other.write { try other.routes.update(disabled, to: wallet) }
        #expect(try payments.pay().exitCode == 0)
    }

    @Test("a candidate changed by another process (its own table) is routed to by the next decision")
    func candidateChangedElsewhereIsSeenAtOnce() throws {
        let f = try Fixture()
        let routing = f.routing()
        #expect(try routing.decide(businessLine: code("retail"), method: .alipay, amount: cny(10_000)).account.id == "alipay-main")
        let other = try Store.open(path: f.store.path)
        let rule = try #require(try other.read { try other.routes.find(name: "alipay") })
        // why raw SQL: only the candidates' table changes, so only its trigger can move the version.
        try other.write {
            try other.db.execute("DELETE FROM route_candidates WHERE rule_id = ?", [rule.id])
        }
        let refused = #expect(throws: PayError.self) { try routing.decide(businessLine: code("retail"), method: .alipay, amount: cny(10_000)) }
        #expect(refused?.message.contains("under rule 'alipay'") == true || refused?.message.contains("no channel account") == true,
                "\(String(describing: refused))")
    }

    @Test("a business line that stops taking a method, changed by another process, refuses the next payment of a context that had it cached")
    func businessLineChangedElsewhereIsSeenAtOnce() throws {
        let f = try Fixture()
        let payments = try Payments(f)
        #expect(try payments.pay().exitCode == 0)
        let other = try Store.open(path: f.store.path)
        let line = try #require(try other.read { try other.businessLines.find(code("retail")) })
        let cardOnly = BusinessLine(code: line.code, name: line.name, layout: line.layout, defaultCurrency: line.defaultCurrency,
                                    allowedMethods: [.card], notifyURL: line.notifyURL, notifySecret: line.notifySecret,
                                    merchantId: line.merchantId)
        #expect(try other.write { try other.businessLines.update(from: line, to: cardOnly) })
        let refused = #expect(throws: PayError.self) { try payments.pay() }
        #expect(refused?.message == "method 'wallet': business line retail does not accept it (it takes card)")
    }

    @Test("a breaker opened by another process is skipped by the next decision of a context that had the breakers cached")
    func breakerOpenedElsewhereIsSeenAtOnce() throws {
        let f = try Fixture()
        let routing = f.routing()
        #expect(try routing.decide(businessLine: code("retail"), method: .card, amount: cny(10_000)).account.id == "acquirer-b")
        let other = try Store.open(path: f.store.path)
        for _ in 0..<BreakerPolicy.standard.failureThreshold {
            _ = try other.write { try other.breakers.recordSystemFailure("acquirer-b", threshold: BreakerPolicy.standard.failureThreshold, at: f.now) }
        }
        let after = try routing.decide(businessLine: code("retail"), method: .card, amount: cny(10_000))
        #expect(after.account.id == "acquirer-a")
        #expect(after.skipped.contains { $0.accountId == "acquirer-b" })
    }

    @Test("a payment's successes leave the breakers' version where it was (nothing to read again), a counted failure moves it")
    func successesDoNotMoveTheBreakersVersion() throws {
        let f = try Fixture()
        let payments = try Payments(f)
        #expect(try payments.pay().exitCode == 0)
        let before = try f.store.read { try f.store.versions.current() }
        for _ in 0..<3 { #expect(try payments.pay().exitCode == 0) }
        #expect(try f.store.read { try f.store.versions.current() } == before)
        _ = try f.store.write { try f.store.breakers.recordSystemFailure("wallet-main", threshold: 5, at: f.now) }
        #expect(try f.store.read { try f.store.versions.current() }.breakers > before.breakers)
    }
}
