import Testing
@testable import PayChannels
import PayCore

/// Test cards (DESIGN §5), Luhn, and barcode recognition.
@Suite struct CardAndCodeTests {
    func pay(_ h: SandboxHarness, number: String, challengeCompleted: Bool = false, account: String = "acquirer-a") throws -> ChannelReply {
        let plugin = try h.registry.cardPlugin(for: h.accounts[account]!)
        let token = try plugin.tokenize(try CardDetails(number: number, expiry: "12/30", cvc: "123"))
        #expect(token.first6 == String(number.prefix(6)) && token.last4 == String(number.suffix(4)))
        return try h.pay(account, 4200, mode: .cardToken(token.token, challengeCompleted: challengeCompleted)).1
    }

    @Test(arguments: [
        ("4242424242424242", nil), ("4000000000000002", DeclineCode.declined), ("4000000000009995", DeclineCode.insufficientFunds),
        ("4000000000000069", DeclineCode.expiredCard), ("4000000000000127", DeclineCode.incorrectCVC),
        ("4000000000003220", DeclineCode.authenticationRequired),
    ] as [(String, String?)])
    func testCardsBehaveAsDocumented(number: String, decline: String?) throws {
        let h = try SandboxHarness(only: ["card"])
        let reply = try pay(h, number: number)
        if let decline {
            guard case .declined(let code, _) = reply.result else { Issue.record("\(number): \(reply)"); return }
            #expect(code == decline)
        } else {
            guard case .succeeded = reply.result else { Issue.record("\(number): \(reply)"); return }
        }
    }

    @Test func challengeCardPaysOnceTheOneTimeCodeWasChecked() throws {
        let h = try SandboxHarness(only: ["card"])
        guard case .succeeded = try pay(h, number: "4000000000003220", challengeCompleted: true).result else { Issue.record("not paid"); return }
    }

    @Test func sandboxKeepsNoCardNumberAndNoCVC() throws {
        let h = try SandboxHarness(only: ["card"])
        _ = try pay(h, number: "4000000000000127")
        let dump = try h.sandbox.db.rows("SELECT * FROM sandbox_card_tokens").map { $0.values.map(\.description).joined(separator: "|") }
            + h.sandbox.db.rows("SELECT * FROM sandbox_payments").map { $0.values.map(\.description).joined(separator: "|") }
            + h.sandbox.db.rows("SELECT * FROM sandbox_callbacks").map { String(decoding: $0.blob("body"), as: UTF8.self) }
        #expect(!dump.isEmpty)
        for text in dump {
            #expect(!text.contains("4000000000000127"))
            #expect(!text.contains("|123|") && !text.contains("\"123\""))
        }
    }

    @Test func luhnFailureIsRejectedBeforeAnyChannelCall() throws {
        #expect(throws: PayError.invalidInput("card number ending 4241: fails the Luhn check (mistyped?)")) {
            try CardDetails(number: "4242424242424241", expiry: "12/30", cvc: "123")
        }
        #expect(throws: PayError.self) { try CardDetails(number: "4242", expiry: "12/30", cvc: "123") }
        #expect(throws: PayError.self) { try CardDetails(number: "4242424242424242", expiry: "13/30", cvc: "123") }
        #expect(throws: PayError.self) { try CardDetails(number: "4242424242424242", expiry: "12/30", cvc: "12") }
        #expect(CardDetails.luhnValid("79927398713") && !CardDetails.luhnValid("79927398710"))
        let card = try CardDetails(number: "4242 4242 4242 4242", expiry: "12/30", cvc: "123")
        #expect(card.description == "card 424242…4242")
    }

    @Test func authCodesAreRecognisedByPrefixAndLength() throws {
        #expect(try AuthCode.channel(of: "2800123456789012") == "alipay")
        #expect(try AuthCode.channel(of: "250012345678901234567890") == "alipay")
        #expect(try AuthCode.channel(of: "134567890123456789") == "wechat")
        #expect(try AuthCode.channel(of: "104567890123456789") == "wechat")
        #expect(try AuthCode.channel(of: "6212345678901234567") == "unionpay")
        for bad in ["", "12345", "1345678901234567890", "3100123456789012", "62123456789012345678", "28001234567890123456789012", "13456789012345678a"] {
            #expect(throws: PayError.self, "\(bad)") { try AuthCode.channel(of: bad) }
        }
        do {
            _ = try AuthCode.channel(of: "9912345678901234")
        } catch {
            #expect(error.kind == .invalidInput && error.message.contains("9912********1234"))
        }
    }
}

/// A channel refuses a payment code that is not its own, as a decline (the customer shows another).
@Suite struct ForeignAuthCodeTests {
    @Test(arguments: [("alipay-main", "134567890123456789"), ("wechat-direct", "280012345678901234"), ("unionpay-main", "134567890123456789")])
    func foreignCodeIsDeclined(account: String, code: String) throws {
        let h = try SandboxHarness()
        let (serial, reply) = try h.pay(account, 1200, mode: .authCode(code))
        guard case .declined(let decline, _) = reply.result else { Issue.record("\(reply)"); return }
        #expect(decline == DeclineCode.declined)
        guard case .declined(let notFound, _) = try h.plugin(account).query(serial: serial, amount: h.money(account, 1200)).result else { return }
        #expect(notFound == DeclineCode.notFound)
    }
}

/// The acquirer declines a card past its expiry month as a real one does: EXPIRED_CARD.
@Suite struct CardExpirySandboxTests {
    @Test(arguments: ["12/20", "10/26"])
    func expiredCardIsDeclinedByTheAcquirer(expiry: String) throws {
        let h = try SandboxHarness(only: ["card"])  // its clock: 2026-11-21
        let plugin = try h.registry.cardPlugin(for: h.accounts["acquirer-a"]!)
        let token = try plugin.tokenize(try CardDetails(number: "4242424242424242", expiry: expiry, cvc: "123"))
        let reply = try h.pay("acquirer-a", 4200, mode: .cardToken(token.token, challengeCompleted: false)).1
        guard case .declined(let code, _) = reply.result else { Issue.record("\(expiry): \(reply)"); return }
        #expect(code == DeclineCode.expiredCard)
    }

    @Test func cardValidThroughThisMonthIsCharged() throws {
        let h = try SandboxHarness(only: ["card"])
        let plugin = try h.registry.cardPlugin(for: h.accounts["acquirer-a"]!)
        let token = try plugin.tokenize(try CardDetails(number: "4242424242424242", expiry: "11/26", cvc: "123"))
        guard case .succeeded = try h.pay("acquirer-a", 4200, mode: .cardToken(token.token, challengeCompleted: false)).1.result else {
            Issue.record("not charged"); return
        }
    }
}
