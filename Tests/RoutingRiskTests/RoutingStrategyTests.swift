import Testing
import PayCore
import PayChannels
import PayStore
@testable import PayServices

@Suite struct RoutingStrategyTests {
    @Test func lowestFeePicksTheCheaperAccountForTheAmount() throws {
        let f = try Fixture()
        let routing = f.routing()
        // acquirer-a 1.80 % + 0.20, acquirer-b 1.50 % + 0.30.
        let large = try routing.decide(businessLine: code("retail"), method: .card, amount: cny(10_000))
        #expect(large.account.id == "acquirer-b")
        #expect(large.fee == cny(180))
        #expect(large.fallbacks.map(\.account.id) == ["acquirer-a"])
        #expect(large.fallbacks.first?.fee == cny(200))
        #expect(large.rule.name == "card-lowest-fee")
        let small = try routing.decide(businessLine: code("retail"), method: .card, amount: cny(1_000))
        #expect(small.account.id == "acquirer-a")
        #expect(small.fee == cny(38))
    }

    @Test func perCandidateFeeOverrideChangesTheCheapest() throws {
        let f = try Fixture(routesAndRules: false)
        _ = try f.store.write {
            try f.store.routes.insert(RouteRule(name: "card", businessLine: nil, method: .card, currency: nil, strategy: .lowestFee, position: 1,
                                                candidates: [.init(accountId: "acquirer-a", priority: 1, feeRateBps: 100, feeFixedMinor: 0),
                                                             .init(accountId: "acquirer-b", priority: 2)]), at: f.now)
        }
        let decision = try f.routing().decide(businessLine: code("retail"), method: .card, amount: cny(10_000))
        #expect(decision.account.id == "acquirer-a")
        #expect(decision.fee == cny(100))
    }

    @Test func weightedSplitHoldsItsRatioOverTenThousandDecisions() throws {
        let f = try Fixture()
        let routing = f.routing(seed: 2026)
        var counts: [String: Int] = [:]
        for _ in 0..<10_000 {
            let decision = try routing.decide(businessLine: code("retail"), method: .wechat, amount: cny(2_000))
            counts[decision.account.id, default: 0] += 1
            #expect(decision.fallbacks.count == 1)
        }
        let direct = Double(counts["wechat-direct"] ?? 0) / 10_000
        let sp = Double(counts["wechat-sp"] ?? 0) / 10_000
        #expect(abs(direct - 0.70) < 0.03, "wechat-direct took \(direct)")
        #expect(abs(sp - 0.30) < 0.03, "wechat-sp took \(sp)")
    }

    @Test func prioritySendsEverythingToTheFirstAndFailsOverInOrder() throws {
        let f = try Fixture(routesAndRules: false)
        _ = try f.store.write {
            try f.store.routes.insert(RouteRule(name: "cards", businessLine: nil, method: .card, currency: nil, strategy: .priority, position: 1,
                                                candidates: [.init(accountId: "acquirer-b", priority: 1),
                                                             .init(accountId: "acquirer-a", priority: 2)]), at: f.now)
        }
        let decision = try f.routing().decide(businessLine: code("hotel"), method: .card, amount: cny(50_000))
        #expect(decision.account.id == "acquirer-b")
        #expect(decision.fallbacks.map(\.account.id) == ["acquirer-a"])
    }

    @Test func successRateMovesTrafficAwayFromAFailingAccount() throws {
        let f = try Fixture()
        let hotel = try code("hotel")
        func shares() throws -> [String: Int] {
            let routing = f.routing(seed: 99)
            var counts: [String: Int] = [:]
            for _ in 0..<1_000 {
                counts[try routing.decide(businessLine: hotel, method: .card, amount: cny(200_000)).account.id, default: 0] += 1
            }
            return counts
        }
        // acquirer-a works, acquirer-b fails on the system side: a takes the traffic.
        for _ in 0..<10 { try f.payment(account: "acquirer-a") }
        for _ in 0..<4 { try f.payment(account: "acquirer-b", status: .failed, failure: .system) }
        try f.payment(account: "acquirer-b")
        let before = try shares()
        #expect((before["acquirer-a"] ?? 0) > 900)
        #expect((before["acquirer-b"] ?? 0) > 0, "the other account keeps a small share so it stays measured")

        // Now acquirer-a starts failing: traffic moves to acquirer-b.
        for _ in 0..<30 { try f.payment(account: "acquirer-a", status: .failed, failure: .system, ago: 1_000) }
        for _ in 0..<20 { try f.payment(account: "acquirer-b", ago: 1_000) }
        let after = try shares()
        #expect((after["acquirer-b"] ?? 0) > 900)
        #expect((after["acquirer-a"] ?? 0) > 10 && (after["acquirer-a"] ?? 0) < 100, "exploration share about 5 %: \(after)")
    }

    @Test func declinesAndOldAttemptsDoNotCountAgainstAnAccount() throws {
        let f = try Fixture()
        for _ in 0..<10 { try f.payment(account: "acquirer-a", status: .failed, failure: .declined) }
        for _ in 0..<10 { try f.payment(account: "acquirer-b", status: .failed, failure: .system, ago: 3_600_000) }
        try f.payment(account: "acquirer-a")
        let decision = try f.routing().explain(businessLine: code("hotel"), method: .card, amount: cny(200_000))
        #expect(decision.account.id == "acquirer-a")
        #expect(decision.reasons.contains { $0.contains("acquirer-a 1/1 ok") && $0.contains("acquirer-b 0/0 ok") })
    }

    @Test func rulesAreTriedInOrderByBusinessCurrencyAndAmount() throws {
        let f = try Fixture()
        let routing = f.routing()
        #expect(try routing.decide(businessLine: code("hotel"), method: .card, amount: cny(100_000)).rule.name == "hotel-card-large")
        #expect(try routing.decide(businessLine: code("hotel"), method: .card, amount: cny(99_999)).rule.name == "card-lowest-fee")
        #expect(try routing.decide(businessLine: code("retail"), method: .card, amount: cny(500_000)).rule.name == "card-lowest-fee")
        let usd = try routing.explain(businessLine: code("hotel"), method: .card, amount: Money(minorUnits: 500_000, currency: .USD))
        #expect(usd.rule.name == "card-lowest-fee")
        #expect(usd.reasons.first == "rule 'hotel-card-large' passed over: currency CNY, not USD")
    }

    @Test func noRouteNamesWhatWasAskedFor() throws {
        let f = try Fixture(routesAndRules: false)
        let error = #expect(throws: PayError.self) {
            _ = try f.routing().decide(businessLine: code("retail"), method: .card, amount: cny(1_234))
        }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("business retail, method card, currency CNY, amount 12.34") == true)

        let g = try Fixture()
        let noAccount = #expect(throws: PayError.self) {
            _ = try g.routing().decide(businessLine: code("retail"), method: .paypal, amount: cny(1_234))
        }
        #expect(noAccount?.message.contains("paypal-main: does not take CNY") == true)
    }

    @Test func aBarcodeChannelLimitsTheAccounts() throws {
        let f = try Fixture(routesAndRules: false)
        _ = try f.store.write {
            try f.store.routes.insert(RouteRule(name: "mixed", businessLine: nil, method: .unionpay, currency: nil, strategy: .priority, position: 1,
                                                candidates: [.init(accountId: "unionpay-main", priority: 1),
                                                             .init(accountId: "acquirer-a", priority: 2)]), at: f.now)
        }
        let routing = f.routing()
        #expect(try routing.decide(businessLine: code("retail"), method: .unionpay, amount: cny(100)).account.id == "unionpay-main")
        let card = try routing.decide(businessLine: code("retail"), method: .unionpay, amount: cny(100), channelHint: "card")
        #expect(card.account.id == "acquirer-a")
        #expect(card.fallbacks.isEmpty)
        #expect(card.skipped == [RouteDecision.Skip(accountId: "unionpay-main", reason: "channel unionpay, the barcode is card")])
        #expect(throws: PayError.self) {
            _ = try routing.decide(businessLine: code("retail"), method: .unionpay, amount: cny(100), channelHint: "wechat")
        }
    }

    @Test func aPaymentCodesPrefixNamesItsChannel() {
        #expect(AuthCode.recognise( "134567890123456789") == "wechat")
        #expect(AuthCode.recognise( "284567890123456789") == "alipay")
        #expect(AuthCode.recognise( "6212345678901234567") == "unionpay")
        #expect(AuthCode.recognise( "994567890123456789") == nil)
        #expect(AuthCode.recognise( "13456789012345678a") == nil)
        #expect(AuthCode.recognise( "1345") == nil)
    }
}
