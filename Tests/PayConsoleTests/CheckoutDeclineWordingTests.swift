import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// The typed failure codes as the cashier reads them: each code has its words, and a wrong
/// one-time code is never worded as the bank saying no.
@MainActor
@Suite struct CheckoutDeclineWordingTests {
    @Test func aWrongOneTimeCodeIsNotShownAsABankDecline() async throws {
        let gateway = ScriptedGateway(pay: [.challenge(hint: "Code sent by SMS to 138****0000"),
                                            .declined(code: .wrongOneTimeCode, reason: "one-time code: wrong code, 2 tries left")])
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9), .character("c"))
        console.type("4000000000003220\t12/30\t123\n")
        await console.settle()
        console.type("111111\n")
        await console.settle()
        #expect(console.screen.contains("✘ NOT PAID"))
        #expect(console.screen.contains("The one-time code was wrong"), "\(console.screen)")
        #expect(console.screen.contains("code OTP_INVALID"))
        #expect(!console.screen.contains("bank"), "a wrong code is not the bank declining:\n\(console.screen)")
    }

    @Test func everyCodeHasItsOwnWords() {
        let words = FailureCode.allCases.map(FailureWording.words)
        #expect(Set(words).count == words.count, "two codes share their words")
        #expect(!FailureWording.words(.wrongOneTimeCode).contains("bank"))
        #expect(!FailureWording.words(.system).contains("bank"))
        #expect(FailureWording.sentence(code: nil, reason: "revoked after 45 s unconfirmed (code CLOSED)") == "revoked after 45 s unconfirmed (code CLOSED)")
    }
}
