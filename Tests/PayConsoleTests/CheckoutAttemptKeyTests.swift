import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// Each checkout payment attempt goes under an idempotency key: the same submit retried after an
/// answer that said nothing final reuses it (the core replays the first attempt, never a second
/// charge); a new attempt after a final answer gets a new key.
@MainActor
@Suite struct CheckoutAttemptKeyTests {
    static let wechatCode = "134567890123456789"

    func submit(_ console: ConsoleHarness, code: String = Self.wechatCode) async {
        console.type(code + "\n")
        await console.settle()
    }

    @Test func theSameSubmitAfterAnAnswerThatSaidNothingFinalGoesUnderTheSameKey() async throws {
        let gateway = ScriptedGateway(pay: [.unknown(serial: nil, reason: "the store failed after the channel was called"),
                                            .succeeded(serial: "P1", channelSerial: "C1")])
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9))
        await submit(console)
        console.press(.function(9))
        await submit(console)
        let keys = gateway.calls.map(\.key)
        #expect(keys.count == 2)
        #expect(Set(keys).count == 1, "a retry of the same submit: \(keys)")
        #expect(keys.first?.isEmpty == false)
    }

    @Test func aNewAttemptAfterADeclineOrWithAnotherCodeGetsANewKey() async throws {
        let gateway = ScriptedGateway(pay: [.declined(code: .bankDeclined, reason: "no"),
                                            .unknown(serial: nil, reason: "the store failed"),
                                            .succeeded(serial: "P1", channelSerial: "C1")])
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9))
        await submit(console)
        console.press(.function(9))
        await submit(console)
        console.press(.function(9))
        await submit(console, code: "284567890123456789")
        let keys = gateway.calls.map(\.key)
        #expect(keys.count == 3)
        #expect(Set(keys).count == 3, "declined, then another payment code: each a new attempt: \(keys)")
    }
}
