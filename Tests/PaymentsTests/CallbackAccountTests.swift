import Testing
import Foundation
import PayCore
import PayStore
@testable import PayChannels
@testable import PayServices

/// A callback counts only when it verifies under the channel account the payment went through
/// (ISSUE 10 item 1): one signed by another account of the same channel — another acquirer,
/// another WeChat merchant, another Alipay app — is suspicious, alerted, and changes nothing, for
/// payments and refunds alike; `paydesk check` finds one that got through.
@Suite("Callbacks from another account")
struct CallbackAccountTests {
    static let channels = ["alipay", "wechat", "unionpay", "card", "paypal"]

    func method(_ channel: String) throws -> PaymentMethod { try PaymentMethod.parse(channel) }
    func currency(_ channel: String) -> Currency { channel == "paypal" ? .USD : .CNY }

    /// Pays order `no` through the center: the account routing picks.
    func centerPay(_ f: PaymentFixture, _ no: String, _ channel: String, _ minor: Int64) throws -> PaymentAttempt {
        try f.order(no, minor, currency: currency(channel), customer: "cust-7")
        let outcome: PaymentOutcome = switch channel {
        case "alipay": try f.pay(no, .alipay, authCode: Barcode.alipay)
        case "wechat": try f.pay(no, .wechat, authCode: Barcode.wechat)
        case "unionpay": try f.pay(no, .unionpay, authCode: Barcode.unionpay)
        case "card": try f.pay(no, .card, card: try TestCard.card(TestCard.success))
        default: try f.pay(no, .paypal, customer: "cust-7")
        }
        return try #require(outcome.attempt)
    }

    /// Another account of the channel than `id`: the demo's second one (WeChat, card), or one
    /// provisioned at the sandbox and added to the store for the channels the demo has one of.
    func otherAccount(_ f: PaymentFixture, _ channel: String, than id: String) throws -> ChannelAccount {
        if let other = try f.store.channelAccounts.forChannel(channel).first(where: { $0.id != id }) { return other }
        let bare = ChannelAccount(id: "\(channel)-second", channel: channel, merchantId: nil, name: "second \(channel) account",
                                  currencies: [.CNY, .USD], feeRateBps: 0, feeFixedMinor: 0, enabled: true, config: [:])
        let config = try f.sandbox.provision(bare)
        let account = ChannelAccount(id: bare.id, channel: channel, merchantId: nil, name: bare.name, currencies: bare.currencies,
                                     feeRateBps: 0, feeFixedMinor: 0, enabled: true, config: config)
        try f.store.write { try f.store.channelAccounts.insert(account, at: f.now) }
        // why: the store keeps secrets sealed at rest (the checker reports plaintext ones).
        try ChannelAccountService(f.context).sealPlaintextSecrets()
        return account
    }

    /// Has `account` itself take a payment under the center's serial at the sandbox, as a merchant
    /// holding that account could: the channel then signs a genuine callback naming the serial.
    func payThrough(_ f: PaymentFixture, _ account: ChannelAccount, serial: Serial, amount: Money) throws -> ChannelReply {
        let plugin = try f.gateway.plugin(for: account)
        let mode: PayMode = switch account.channel {
        case "alipay": .authCode(Barcode.alipay)
        case "wechat": .authCode(Barcode.wechat)
        case "unionpay": .authCode(Barcode.unionpay)
        case "card": .cardToken(try f.gateway.registry.cardPlugin(for: account).tokenize(try TestCard.card(TestCard.success)).token,
                                challengeCompleted: false)
        default: .account("cust-7")
        }
        return plugin.pay(PayRequest(serial: serial.rawValue, amount: amount, mode: mode, subject: "not the center's"))
    }

    func receive(_ f: PaymentFixture, _ callback: SandboxCallback) throws -> CallbackOutcome {
        try CallbackService(f.context, gateway: f.gateway).receive(channel: callback.channel, headers: callback.headers, body: callback.body)
    }

    /// `paydesk check --settled`, but for the demo's seeded orders (paid before the fixture gave
    /// the lines a notify URL), and without the ledger comparison: these tests have another account
    /// take money under the center's serial, which the sandbox's ledger rightly shows
    /// (`ledgerProblems`, asserted in `paymentCallbackFromAnotherAccount`).
    func checkProblems(_ f: PaymentFixture) throws -> [String] {
        try InvariantChecker(f.context).run(settled: true).problems.filter {
            (!$0.hasPrefix("paid orders notified or queued") || $0.contains("order A")) && !$0.hasPrefix(LedgerComparison.name)
        }
    }

    func ledgerProblems(_ f: PaymentFixture) throws -> [String] {
        try InvariantChecker(f.context).run(settled: true).problems.filter { $0.hasPrefix(LedgerComparison.name) }
    }

    @Test("a success callback signed by another account of the channel does not settle an unknown payment", arguments: channels)
    func paymentCallbackFromAnotherAccount(channel: String) throws {
        let f = try PaymentFixture()
        // 53: the call times out; the center's account took the money and will call back.
        let attempt = try centerPay(f, "A1", channel, 1_053)
        #expect(attempt.status == .unknown)
        let other = try otherAccount(f, channel, than: attempt.account)
        _ = try payThrough(f, other, serial: attempt.serial, amount: attempt.amount)
        let callbacks = try f.sentCallbacks(attempt.serial).filter { $0.kind == "payment" }
        let foreign = try #require(callbacks.first { $0.account == other.id })
        let own = try #require(callbacks.first { $0.account == attempt.account })

        let outcome = try receive(f, foreign)
        #expect(outcome.verdict == .suspicious)
        #expect(outcome.reason?.contains(other.id) == true && outcome.reason?.contains(attempt.account) == true, "\(outcome.reason ?? "")")
        #expect(try f.attempt(attempt.id).status == .unknown)
        #expect(try f.order("A1").status != .paid && f.order("A1").paidAmount.minorUnits == 0)
        #expect(try f.outboxTopics("A1").isEmpty)
        #expect(try f.firingAlerts(rule: "callback.suspicious").count == 1)
        #expect(try checkProblems(f).isEmpty)
        // The channel's ledger holds both charges, neither of which the center knows yet.
        let unsettled = try ledgerProblems(f)
        #expect(unsettled.count == 2 && unsettled.allSatisfy { $0.contains("the sandbox charged payment \(attempt.serial) ") && $0.contains("still has it UNKNOWN") },
                "\(unsettled)")

        // The payment's own account's callback settles it.
        #expect(try receive(f, own).verdict == .accepted)
        #expect(try f.attempt(attempt.id).status == .succeeded)
        #expect(try f.order("A1").status == .paid)
        #expect(try f.callbackVerdicts("A1") == ["suspicious", "accepted"])
        #expect(try checkProblems(f).isEmpty)
        // Money the other account took under the center's serial stays visible.
        let settled = try ledgerProblems(f)
        #expect(settled.count == 1 && settled.allSatisfy {
            $0.contains("the sandbox charged payment \(attempt.serial) \(LedgerComparison.text(attempt.amount)) on \(other.id)")
                && $0.hasSuffix("but the center has it SUCCEEDED on \(attempt.account)")
        }, "\(settled)")
    }

    @Test("a refund callback signed by another account of the channel does not settle the refund", arguments: channels)
    func refundCallbackFromAnotherAccount(channel: String) throws {
        let f = try PaymentFixture()
        // 58: refunds are accepted, then fail in a later callback.
        let attempt = try centerPay(f, "A2", channel, 1_058)
        #expect(attempt.status == .succeeded)
        let refund = try f.refund(attempt, "10.58")
        #expect(refund.status == .processing)
        let other = try otherAccount(f, channel, than: attempt.account)
        let paid = try payThrough(f, other, serial: attempt.serial, amount: attempt.amount)
        guard case .succeeded(let channelSerial) = paid.result else { Issue.record("\(paid)"); return }
        _ = try f.gateway.plugin(for: other).refund(RefundRequest(refundSerial: refund.serial.rawValue, paymentSerial: attempt.serial.rawValue,
                                                                 channelSerial: channelSerial, amount: refund.amount,
                                                                 paymentAmount: attempt.amount, reason: "not the center's"))
        try f.advance("1m")
        let callbacks = try f.sentCallbacks(refund.serial).filter { $0.kind == "refund" }
        let foreign = try #require(callbacks.first { $0.account == other.id })
        let own = try #require(callbacks.first { $0.account == attempt.account })

        #expect(try receive(f, foreign).verdict == .suspicious)
        #expect(try f.store.refunds.find(id: refund.id)?.status == .processing, "another account's word does not free the amount")
        #expect(try f.firingAlerts(rule: "callback.suspicious").count == 1)
        #expect(try receive(f, own).verdict == .accepted)
        #expect(try f.store.refunds.find(id: refund.id)?.status == .failed)
        #expect(try checkProblems(f).isEmpty)
    }

    @Test("check verifies again, under the payment's account, a callback kept before callbacks recorded their account", arguments: channels)
    func checkVerifiesUnattributedCallbacks(channel: String) throws {
        let f = try PaymentFixture()
        let attempt = try centerPay(f, "A5", channel, 1_053)
        let other = try otherAccount(f, channel, than: attempt.account)
        _ = try payThrough(f, other, serial: attempt.serial, amount: attempt.amount)
        let callbacks = try f.sentCallbacks(attempt.serial).filter { $0.kind == "payment" }
        let foreign = try receive(f, try #require(callbacks.first { $0.account == other.id }))
        #expect(foreign.verdict == .suspicious)
        #expect(try receive(f, try #require(callbacks.first { $0.account == attempt.account })).verdict == .accepted)
        try f.advance("1h")
        // As an earlier paydesk kept them: no account; the genuine one verifies again as received.
        try f.store.write { try f.store.db.execute("UPDATE channel_callbacks SET account = NULL") }
        #expect(try checkProblems(f).isEmpty)
        // As an earlier paydesk would have taken the other account's callback: accepted.
        try f.store.write {
            try f.store.db.execute("UPDATE channel_callbacks SET verdict = 'accepted', attempt_id = ? WHERE id = ?", [attempt.id, foreign.callbackId])
        }
        let problems = try checkProblems(f)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("callback #\(foreign.callbackId) settled payment \(attempt.serial)") == true, "\(problems)")
    }

    @Test("a callback the channel signed but naming another merchant id is suspicious, kept, alerted, and changes nothing")
    func verifiedButAnotherMerchant() throws {
        let f = try PaymentFixture()
        let attempt = try centerPay(f, "A4", "unionpay", 1_053)
        #expect(attempt.status == .unknown)
        let callback = try #require(try f.sentCallbacks(attempt.serial).first { $0.kind == "payment" })
        var params = try FormCodec.dictionary(callback.body)
        params["merId"] = "898000000000001"
        params["signature"] = nil
        let pem = try #require(try f.sandbox.key(attempt.account, "channel_private_key"))
        params["signature"] = try RSAPrivateKey(pem: pem).signBase64(UnionPayPlugin.digestText(params))
        let body = FormCodec.body(params.map { ($0.key, $0.value) })
        let outcome = try CallbackService(f.context, gateway: f.gateway).receive(channel: "unionpay", headers: callback.headers, body: body)
        #expect(outcome.verdict == .suspicious && outcome.reason?.contains("merId") == true, "\(outcome)")
        #expect(outcome.ack != nil)
        #expect(try f.attempt(attempt.id).status == .unknown)
        #expect(try f.firingAlerts(rule: "callback.suspicious").count == 1)
        let row = try #require(try f.store.db.row("SELECT verdict, body FROM channel_callbacks WHERE id = ?", [outcome.callbackId]))
        #expect(row.string("verdict") == "suspicious" && row.blob("body") == body)
        // The genuine one settles it.
        #expect(try receive(f, callback).verdict == .accepted)
        #expect(try f.order("A4").status == .paid)
    }

    @Test("check finds a payment settled by a callback that verified under another account (a store written before the fix)")
    func checkFindsForeignSettlement() throws {
        let f = try PaymentFixture()
        let attempt = try centerPay(f, "A3", "card", 1_053)
        let other = try otherAccount(f, "card", than: attempt.account)
        let own = try #require(try f.sentCallbacks(attempt.serial).first { $0.account == attempt.account })
        #expect(try receive(f, own).verdict == .accepted)
        #expect(try checkProblems(f).isEmpty)
        // As an earlier paydesk recorded it: the callback that settled the payment verified under the other acquirer.
        try f.store.write {
            try f.store.db.execute("UPDATE channel_callbacks SET account = ? WHERE attempt_id = ?", [other.id, attempt.id])
        }
        let problems = try checkProblems(f)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("payment \(attempt.serial)") == true && problems.first?.contains(other.id) == true, "\(problems)")
    }
}
