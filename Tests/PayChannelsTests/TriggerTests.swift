import Testing
@testable import PayChannels
import PayCore

/// Every trigger of DESIGN §5 (amount endings 51–59) at the plugin level, on every barcode channel
/// and on the card, PayPal and wallet channels.
@Suite struct TriggerTests {
    static let accounts = ["alipay-main", "wechat-direct", "unionpay-main", "acquirer-a", "paypal-main", "wallet-main"]

    func succeeded(_ reply: ChannelReply) -> String? {
        if case .succeeded(let serial) = reply.result { return serial }
        return nil
    }

    func declineCode(_ reply: ChannelReply) -> String? {
        if case .declined(let code, _) = reply.result { return code }
        return nil
    }

    @Test(arguments: accounts)
    func successPaysAtOnceAndSendsOneCallback(account: String) throws {
        let h = try SandboxHarness()
        let (serial, reply) = try h.pay(account, 1200)
        let channelSerial = try #require(succeeded(reply), "\(reply)")
        let query = try h.plugin(account).query(serial: serial, amount: h.money(account, 1200))
        #expect(succeeded(query) == channelSerial)
        let notes = try h.notifications(about: serial)
        if account == "wallet-main" { #expect(notes.isEmpty); return }
        #expect(notes.count == 1)
        let note = try notes[0].get()
        #expect(note.centerSerial == serial && note.channelSerial == channelSerial && note.status == .succeeded)
        #expect(note.amount == h.money(account, 1200) && note.kind == .payment && note.account == account)
    }

    @Test(arguments: accounts)
    func endings51And52Decline(account: String) throws {
        let h = try SandboxHarness()
        #expect(declineCode(try h.pay(account, 1251).1) == DeclineCode.declined)
        #expect(declineCode(try h.pay(account, 1252).1) == DeclineCode.insufficientFunds)
    }

    @Test(arguments: accounts)
    func ending53TimesOutButTookTheMoney(account: String) throws {
        let h = try SandboxHarness()
        let (serial, reply) = try h.pay(account, 1253)
        guard case .unknown = reply.result else { Issue.record("expected unknown, got \(reply.result)"); return }
        #expect(succeeded(try h.plugin(account).query(serial: serial, amount: h.money(account, 1253))) != nil)
    }

    @Test(arguments: accounts)
    func ending54TimesOutAndTookNothing(account: String) throws {
        let h = try SandboxHarness()
        let (serial, reply) = try h.pay(account, 1254)
        guard case .unknown = reply.result else { Issue.record("expected unknown, got \(reply.result)"); return }
        #expect(declineCode(try h.plugin(account).query(serial: serial, amount: h.money(account, 1254))) == DeclineCode.notFound)
    }

    @Test(arguments: accounts.filter { $0 != "wallet-main" })
    func ending55SucceedsWithoutCallback(account: String) throws {
        let h = try SandboxHarness()
        let (serial, reply) = try h.pay(account, 1255)
        #expect(succeeded(reply) != nil)
        h.clock.advance(seconds: 60)
        #expect(try h.notifications(about: serial).isEmpty)
        #expect(succeeded(try h.plugin(account).query(serial: serial, amount: h.money(account, 1255))) != nil)
    }

    @Test(arguments: accounts.filter { $0 != "wallet-main" })
    func ending56SendsThreeCallbacksThenAStaleOne(account: String) throws {
        let h = try SandboxHarness()
        let (serial, reply) = try h.pay(account, 1256)
        #expect(succeeded(reply) != nil)
        h.clock.advance(seconds: 10)
        let notes = try h.notifications(about: serial).map { try $0.get() }
        #expect(notes.map(\.status) == [.succeeded, .succeeded, .succeeded, .pending])
    }

    @Test(arguments: ["alipay-main", "wechat-direct", "unionpay-main"])
    func ending57IsUserPayingForTenSecondsThenPaid(account: String) throws {
        let h = try SandboxHarness()
        let plugin = try h.plugin(account)
        let (serial, reply) = try h.pay(account, 1257)
        #expect(reply.result == .pending)
        h.clock.advance(seconds: 5)
        #expect(plugin.query(serial: serial, amount: h.money(account, 1257)).result == .pending)
        h.clock.advance(seconds: 6)
        #expect(succeeded(plugin.query(serial: serial, amount: h.money(account, 1257))) != nil)
        #expect(try h.notifications(about: serial).count == 1)
    }

    @Test(arguments: ["alipay-main", "wechat-direct", "unionpay-main"])
    func ending57RevokedBeforeItPays(account: String) throws {
        let h = try SandboxHarness()
        let plugin = try h.plugin(account)
        let (serial, _) = try h.pay(account, 1257)
        #expect(declineCode(plugin.close(serial: serial, amount: h.money(account, 1257), revoke: true)) == DeclineCode.closed)
        h.clock.advance(seconds: 20)
        #expect(declineCode(plugin.query(serial: serial, amount: h.money(account, 1257))) == DeclineCode.closed)
        #expect(try h.notifications(about: serial).isEmpty)
    }

    @Test(arguments: ["alipay-main", "wechat-direct", "unionpay-main"])
    func revokeAfterThePaymentWentThroughSaysPaid(account: String) throws {
        let h = try SandboxHarness()
        let plugin = try h.plugin(account)
        let (serial, reply) = try h.pay(account, 1200)
        let channelSerial = try #require(succeeded(reply))
        #expect(succeeded(plugin.close(serial: serial, amount: h.money(account, 1200), revoke: true)) == channelSerial)
    }

    @Test(arguments: accounts)
    func ending58RefundAcceptedThenFailsInALaterCallback(account: String) throws {
        let h = try SandboxHarness()
        try h.sandbox.setLatency(channel: h.accounts[account]!.channel, milliseconds: 5000)
        let plugin = try h.plugin(account)
        let (serial, reply) = try h.pay(account, 1258)
        let channelSerial = try #require(succeeded(reply))
        let refundSerial = "R" + serial.dropFirst()
        let refund = plugin.refund(RefundRequest(refundSerial: refundSerial, paymentSerial: serial, channelSerial: channelSerial,
                                                 amount: h.money(account, 500), paymentAmount: h.money(account, 1258), reason: "test"))
        #expect(refund.result == .pending, "\(refund)")
        h.clock.advance(seconds: 6)
        #expect(declineCode(plugin.queryRefund(refundSerial: refundSerial, paymentSerial: serial, amount: h.money(account, 500))) == DeclineCode.refundFailed)
        if account == "wallet-main" { return }
        let notes = try h.notifications(about: refundSerial).map { try $0.get() }
        #expect(notes.count == 1)
        // Alipay states the total refunded on the trade instead: none, once this refund failed.
        let stated = account == "alipay-main" ? h.money(account, 0) : h.money(account, 500)
        #expect(notes.first?.kind == .refund && notes.first?.status == .failed && notes.first?.amount == stated)
        #expect(notes.first?.amountIsRefundedTotal == (account == "alipay-main"))
    }

    @Test(arguments: accounts)
    func ordinaryRefundSucceeds(account: String) throws {
        let h = try SandboxHarness()
        let plugin = try h.plugin(account)
        let (serial, reply) = try h.pay(account, 1200)
        let channelSerial = try #require(succeeded(reply))
        let refundSerial = "R" + serial.dropFirst()
        let request = RefundRequest(refundSerial: refundSerial, paymentSerial: serial, channelSerial: channelSerial,
                                    amount: h.money(account, 700), paymentAmount: h.money(account, 1200), reason: "test")
        let refund = plugin.refund(request)
        if account == "unionpay-main" { #expect(refund.result == .pending) } else { #expect(succeeded(refund) != nil, "\(refund)") }
        #expect(succeeded(plugin.queryRefund(refundSerial: refundSerial, paymentSerial: serial, amount: h.money(account, 700))) != nil)
        let tooMuch = plugin.refund(RefundRequest(refundSerial: refundSerial + "X", paymentSerial: serial, channelSerial: channelSerial,
                                                  amount: h.money(account, 600), paymentAmount: h.money(account, 1200), reason: "test"))
        #expect(declineCode(tooMuch) == DeclineCode.refundFailed, "\(tooMuch)")
        if account == "wallet-main" { return }
        let notes = try h.notifications(about: refundSerial).map { try $0.get() }
        #expect(notes.count == 1 && notes[0].status == .succeeded && notes[0].kind == .refund && notes[0].centerSerial == refundSerial)
    }

    @Test(arguments: accounts)
    func ending59IsASystemError(account: String) throws {
        let h = try SandboxHarness()
        let (serial, reply) = try h.pay(account, 1259)
        guard case .systemError = reply.result else { Issue.record("expected systemError, got \(reply.result)"); return }
        #expect(declineCode(try h.plugin(account).query(serial: serial, amount: h.money(account, 1259))) == DeclineCode.notFound)
    }

    @Test(arguments: ["alipay-main", "wechat-direct", "unionpay-main"])
    func payCodeIsScannedAfterTheLatency(account: String) throws {
        let h = try SandboxHarness()
        try h.sandbox.setLatency(channel: h.accounts[account]!.channel, milliseconds: 2000)
        let plugin = try h.plugin(account)
        let (serial, reply) = try h.pay(account, 3300, mode: .payCode)
        #expect(reply.result == .pending)
        #expect(reply.codeURL?.isEmpty == false)
        #expect(plugin.query(serial: serial, amount: h.money(account, 3300)).result == .pending)
        #expect(try h.notifications(about: serial).isEmpty)
        h.clock.advance(seconds: 2)
        #expect(succeeded(plugin.query(serial: serial, amount: h.money(account, 3300))) != nil)
        let notes = try h.notifications(about: serial)
        #expect(notes.count == 1 && (try? notes[0].get().status) == .succeeded)
    }

    @Test(arguments: ["alipay-main", "wechat-direct"])
    func unscannedPayCodeCloses(account: String) throws {
        let h = try SandboxHarness()
        try h.sandbox.setLatency(channel: h.accounts[account]!.channel, milliseconds: 60_000)
        let plugin = try h.plugin(account)
        let (serial, _) = try h.pay(account, 3300, mode: .payCode)
        #expect(declineCode(plugin.close(serial: serial, amount: h.money(account, 3300), revoke: false)) == DeclineCode.closed)
        h.clock.advance(seconds: 120)
        #expect(declineCode(plugin.query(serial: serial, amount: h.money(account, 3300))) == DeclineCode.closed)
    }

    @Test func outageMakesEveryCallASystemErrorAndCanBeLifted() throws {
        let h = try SandboxHarness(only: ["card"])
        try h.sandbox.setOutage(channel: "card", account: "acquirer-a", on: true)
        let token = try (try h.plugin("acquirer-b") as! CardAcquirerPlugin).tokenize(try CardDetails(number: "4242424242424242", expiry: "12/30", cvc: "123"))
        let (_, down) = try h.pay("acquirer-a", 1200, mode: .cardToken(token.token, challengeCompleted: false))
        guard case .systemError = down.result else { Issue.record("\(down)"); return }
        // The other acquirer is unaffected (its own token).
        #expect(succeeded(try h.pay("acquirer-b", 1200, mode: .cardToken(token.token, challengeCompleted: false)).1) != nil)
        try h.sandbox.setOutage(channel: "card", account: "acquirer-a", on: false)
        #expect(succeeded(try h.pay("acquirer-a", 1200).1) != nil)
    }
}

/// The wallet is a balance book: debits take from it, refunds give back, a short balance declines.
@Suite struct WalletTests {
    @Test func balanceGoesDownAndBackUp() throws {
        let h = try SandboxHarness(only: ["wallet"])
        let plugin = try h.plugin("wallet-main")
        let opening = try h.sandbox.walletBalance(customer: "C1001", currency: .CNY)
        #expect(opening == 500_000)
        let (serial, reply) = try h.pay("wallet-main", 100_000)
        guard case .succeeded(let id) = reply.result else { Issue.record("\(reply)"); return }
        #expect(try h.sandbox.walletBalance(customer: "C1001", currency: .CNY) == 400_000)
        _ = plugin.refund(RefundRequest(refundSerial: "R1", paymentSerial: serial, channelSerial: id, amount: SandboxHarness.cny(30_000),
                                        paymentAmount: SandboxHarness.cny(100_000), reason: "x"))
        #expect(try h.sandbox.walletBalance(customer: "C1001", currency: .CNY) == 430_000)
        let big = try h.pay("wallet-main", 450_000).1
        guard case .declined(let code, _) = big.result else { Issue.record("\(big)"); return }
        #expect(code == DeclineCode.insufficientFunds)
        #expect(try h.sandbox.walletBalance(customer: "C1001", currency: .CNY) == 430_000)
    }
}

@Suite struct ChannelResultMappingTests {
    @Test func resultsMapToAttemptStatusAndFailureKind() {
        #expect(ChannelResult.succeeded(channelSerial: "x").attemptStatus == .succeeded)
        #expect(ChannelResult.pending.attemptStatus == .pending)
        #expect(ChannelResult.declined(code: DeclineCode.declined, message: "").failureKind == .declined)
        #expect(ChannelResult.declined(code: DeclineCode.closed, message: "").attemptStatus == .closed)
        // A payment the channel never saw (trigger 54 after its timeout) failed without moving money: safe to retry.
        #expect(ChannelResult.declined(code: DeclineCode.notFound, message: "").failureKind == .system)
        #expect(ChannelResult.systemError(message: "").failureKind == .system)
        #expect(ChannelResult.unknown(message: "").attemptStatus == .unknown && ChannelResult.unknown(message: "").failureKind == .unknown)
    }
}
