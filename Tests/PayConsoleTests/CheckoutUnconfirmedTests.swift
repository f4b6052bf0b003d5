import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// A payment the channel has not confirmed (UNKNOWN, or a PENDING the customer may still pay):
/// the checkout never offers another charge of the order; it says why and what can be done
/// (ISSUE 10 item 5).
@MainActor
@Suite struct CheckoutUnconfirmedTests {
    static let wechatCode = "134567890123456789"
    static let serial = "P20261121093000000007"

    /// Logged in, one sale rung up, a barcode sent, the channel silent past the checkout's wait.
    func unconfirmed(_ gateway: ScriptedGateway) async throws -> ConsoleHarness {
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9))
        console.type(Self.wechatCode + "\n")
        await console.settle()
        console.advance(minutes: 1)
        await console.settle()
        return console
    }

    var keyBar: (String) -> String { { screen in String(screen.split(separator: "\n").last ?? "") } }

    @Test func afterDoNotChargeAgainTheKeyBarOffersNoSecondCharge() async throws {
        let gateway = ScriptedGateway(pay: [.unknown(serial: Self.serial, reason: "timeout")])
        let console = try await unconfirmed(gateway)
        #expect(console.screen.contains("NOT CONFIRMED"))
        #expect(console.screen.contains("Do not charge the customer"))
        let bar = keyBar(console.screen)
        #expect(!bar.contains("TryAgain"), "\(bar)")
        #expect(bar.contains("CheckNow"), "\(bar)")
        #expect(bar.contains("Supervisor"), "\(bar)")
        // F9, Enter and Esc used to open the scan field again: none starts a payment now.
        for key in [Key.function(9), .enter, .escape] {
            console.press(key)
            console.type(Self.wechatCode + "\n")
            await console.settle()
        }
        #expect(gateway.calls.count == 1, "one charge only: \(gateway.calls.map(\.method))")
        #expect(console.screen.contains("NOT CONFIRMED"))
        #expect(console.screen.contains("supervisor"), "F9 says why it is not offered")
    }

    @Test func theUnconfirmedStateSaysWhatCanBeDone() async throws {
        let console = try await unconfirmed(ScriptedGateway(pay: [.unknown(serial: Self.serial, reason: "timeout")]))
        assertSnapshot(console.screen, named: "payment-unconfirmed")
        for words in ["R   ask the channel now", "S   supervisor: allow another payment", "Serial \(Self.serial)"] {
            #expect(console.screen.contains(words), "\(words)")
        }
    }

    @Test func rAsksTheChannelAndAPaidAnswerShowsTheReceipt() async throws {
        let gateway = ScriptedGateway(pay: [.unknown(serial: Self.serial, reason: "timeout")],
                                      check: [.unknown(serial: Self.serial, reason: "no answer yet"),
                                              .succeeded(serial: Self.serial, channelSerial: "4200009999")])
        let console = try await unconfirmed(gateway)
        console.press(.character("r"))
        await console.settle()
        #expect(console.screen.contains("NOT CONFIRMED"))
        #expect(console.screen.contains("still not confirmed"))
        console.press(.character("R"))
        await console.settle()
        #expect(gateway.checks == [Self.serial, Self.serial])
        #expect(console.screen.contains("✔ PAID"))
        #expect(console.screen.contains("4200009999"))
        #expect(gateway.calls.count == 1)
    }

    @Test func whenTheChannelNeverGotItRSaysSoAndTheNextPaymentIsOffered() async throws {
        let gateway = ScriptedGateway(pay: [.unknown(serial: Self.serial, reason: "timeout")],
                                      check: [.declined(code: .notFound, reason: "resource_missing: No such charge")])
        let console = try await unconfirmed(gateway)
        console.press(.character("r"))
        await console.settle()
        #expect(console.screen.contains("nothing was charged"))
        #expect(keyBar(console.screen).contains("TryAgain"), "the payment is settled: another may be taken")
        console.press(.function(9))
        #expect(console.screen.contains("Scan"))
    }

    @Test func aSupervisorAllowsOneMorePayment() async throws {
        let gateway = ScriptedGateway(pay: [.unknown(serial: Self.serial, reason: "timeout"),
                                            .succeeded(serial: "P20261121093100000008", channelSerial: "2026112122001")])
        let console = try await unconfirmed(gateway)
        console.press(.character("s"))
        #expect(console.screen.contains("Supervisor override"))
        console.type("supervisor\n")
        console.type("demo\n")
        #expect(console.screen.contains("Allowed by supervisor"), "\(console.screen)")
        #expect(console.screen.contains("Scan"))
        console.type("2812345678901234\n")
        await console.settle()
        #expect(gateway.calls.count == 2)
        #expect(gateway.calls.first?.override == nil)
        #expect(gateway.calls.last?.override == "supervisor")
        #expect(console.screen.contains("✔ PAID"))
    }

    @Test func aCashierCannotOverrideNorAWrongPassword() async throws {
        let gateway = ScriptedGateway(pay: [.unknown(serial: Self.serial, reason: "timeout")])
        let console = try await unconfirmed(gateway)
        console.press(.character("s"))
        console.type("cashier\n")
        console.type("demo\n")
        #expect(console.screen.contains("may not allow another payment"), "\(console.screen)")
        console.press(.character("s"))
        console.type("supervisor\n")
        console.type("wrong\n")
        #expect(console.screen.contains("override refused"), "\(console.screen)")
        #expect(console.screen.contains("NOT CONFIRMED"))
        #expect(!keyBar(console.screen).contains("TryAgain"))
        console.press(.function(9))
        console.type(Self.wechatCode + "\n")
        await console.settle()
        #expect(gateway.calls.count == 1)
    }

    @Test func aRefusalByThePaymentCoreShowsTheUnconfirmedState() async throws {
        let gateway = ScriptedGateway(pay: [.unconfirmed(serial: Self.serial, reason: "an earlier payment is still unconfirmed")])
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9))
        console.type(Self.wechatCode + "\n")
        await console.settle()
        #expect(console.screen.contains("NOT CONFIRMED"))
        #expect(console.screen.contains("Nothing was charged now"))
        #expect(!keyBar(console.screen).contains("TryAgain"))
        #expect(!console.screen.contains("NOT PAID"))
    }

    @Test func anExpiredOrMalformedCardIsRefusedAtTheExpiryField() async throws {
        let gateway = ScriptedGateway(pay: [])
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9))
        console.press(.character("c"))
        console.type("4242424242424242\t12/20\t123\n")
        assertSnapshot(console.screen, named: "payment-card-expired")
        #expect(console.screen.contains("expired: valid through 12/2020 only"))
        #expect(console.screen.contains("expiry 12/20: the card expired at the end of 12/2020 (today is 2026-11-21)"))
        for (typed, says) in [("13/25", "month 13 is not a month (01–12)"), ("00/25", "month 00 is not a month (01–12)"),
                              ("1225", "expected MM/YY, such as 08/29")] {
            // The refusal left the focus on the expiry field.
            for _ in 0..<5 { console.press(.backspace) }
            console.type(typed + "\t\n")
            #expect(console.screen.contains(says), "\(typed)")
        }
        #expect(gateway.calls.isEmpty, "no card with a bad expiry reaches the payment core")
        // Valid through this month (November 2026 on the console's clock): sent.
        for _ in 0..<5 { console.press(.backspace) }
        console.type("11/26\t\n")
        await console.settle()
        #expect(gateway.calls.count == 1)
    }

    @Test func aShortNumberOrCVCIsSaidAtItsField() throws {
        let gateway = ScriptedGateway(pay: [])
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        console.press(.function(9))
        console.press(.character("c"))
        console.type("4242\t11/26\t123\n")
        #expect(console.screen.contains("│ 12 to 19 digits"), "\(console.screen)")
        // The focus is back on the number: complete it, then shorten the CVC to one digit.
        console.type("424242424242\t\t")
        for _ in 0..<3 { console.press(.backspace) }
        console.type("1\n")
        #expect(console.screen.contains("│ 3 or 4 digits"), "\(console.screen)")
        #expect(!console.screen.contains("12 to 19 digits"))
        #expect(gateway.calls.isEmpty)
    }
}
