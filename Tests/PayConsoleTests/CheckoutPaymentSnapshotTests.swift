import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// The payment step: scan field, pending, success with the receipt, decline, OTP, card entry and
/// the console with no payment service — driven through a scripted gateway.
@MainActor
@Suite struct CheckoutPaymentSnapshotTests {
    static let wechatCode = "134567890123456789"

    /// Logged in, one retail sale rung up, in the payment step.
    func paying(_ gateway: ScriptedGateway?) throws -> ConsoleHarness {
        let console = try ConsoleHarness(gateway: gateway)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00"), ("小笼包", 1, "26.00")])
        console.press(.function(9))
        return console
    }

    @Test func scanFieldRecognisesTheChannelFromThePrefix() throws {
        let console = try paying(ScriptedGateway(pay: []))
        console.type("1345")
        #expect(console.screen.contains("→ WeChat Pay?  4 digits so far"))
        console.type(String(Self.wechatCode.dropFirst(4)))
        assertSnapshot(console.screen, named: "payment-scan-wechat")
        console.press(.ctrl("u"))
        console.type("6212345678901234567")
        #expect(console.screen.contains("→ UnionPay code (19 digits)"))
        console.press(.ctrl("u"))
        console.type("2812345678901234")
        #expect(console.screen.contains("→ Alipay code (16 digits)"))
        // A code no channel takes is refused on the screen and never sent.
        console.press(.ctrl("u"))
        console.type("99123\n")
        #expect(console.screen.contains("'99123' is not a payment code"))
        #expect(console.gateway?.calls.isEmpty == true)
    }

    @Test func pendingThenPaidShowsTheReceiptAndSavesIt() async throws {
        let gateway = ScriptedGateway(pay: [.pending(serial: "P20261121093000000001", payCode: nil)],
                                      poll: [.succeeded(serial: "P20261121093000000001", channelSerial: "4200001234202611210001")])
        let console = try paying(gateway)
        console.type(Self.wechatCode + "\n")
        await console.settle()
        #expect(gateway.calls.map(\.method) == [.barcode(authCode: Self.wechatCode)])
        #expect(gateway.calls.first?.amount == Money(minorUnits: 6200, currency: .CNY))
        assertSnapshot(console.screen, named: "payment-pending")
        console.press(.character("r"))
        await console.settle()
        #expect(gateway.polls == ["P20261121093000000001"])
        assertSnapshot(console.screen, named: "payment-paid")
        let files = try FileManager.default.contentsOfDirectory(atPath: console.receipts)
        #expect(files == ["R2026112109300000001-P20261121093000000001.txt"])
        let receipt = try String(contentsOfFile: console.receipts + "/" + files[0], encoding: .utf8)
        for identifier in ["R2026112109300000001", "P20261121093000000001", "4200001234202611210001"] {
            #expect(receipt.contains(identifier))
        }
        #expect(receipt.contains("Paid by WeChat Pay code"))
        console.press(.enter)
        #expect(console.screen.contains("new sale"))
    }

    @Test func declinedSaysWhyInPlainWords() async throws {
        let gateway = ScriptedGateway(pay: [.declined(code: .insufficientFunds, reason: "balance too low")])
        let console = try paying(gateway)
        console.type(Self.wechatCode + "\n")
        await console.settle()
        assertSnapshot(console.screen, named: "payment-declined")
        // F9 goes back to the scan field for another try.
        console.press(.function(9))
        #expect(console.screen.contains("Scan"))
    }

    @Test func otpChallengeAsksForTheCodeAndPaysWithIt() async throws {
        let gateway = ScriptedGateway(pay: [.challenge(hint: "Code sent by SMS to 138****0000"),
                                            .succeeded(serial: "P20261121093000000002", channelSerial: "ch_3PQ9")])
        let console = try paying(gateway)
        console.press(.character("c"))
        console.type("4000000000003220\t12/30\t123")
        assertSnapshot(console.screen, named: "payment-card-entry")
        #expect(!console.screen.contains("4000000000003220"))
        #expect(!console.screen.contains("123 "))
        console.press(.enter)
        await console.settle()
        assertSnapshot(console.screen, named: "payment-otp")
        console.type("654321\n")
        await console.settle()
        #expect(gateway.calls.count == 2)
        #expect(gateway.calls.last?.otp == "654321")
        #expect(gateway.calls.last?.method == .card(CardEntry(number: "4000000000003220", expiry: "12/30", cvc: "123")))
        #expect(console.screen.contains("✔ PAID"))
        #expect(console.screen.contains("card 400000…3220"))
        #expect(!console.screen.contains("4000000000003220"))
    }

    @Test func unknownKeepsCheckingAndNeverSaysFailed() async throws {
        let gateway = ScriptedGateway(pay: [.unknown(serial: "P20261121093000000003", reason: "timeout")])
        let console = try paying(gateway)
        console.type(Self.wechatCode + "\n")
        await console.settle()
        #expect(console.screen.contains("Checking with the channel"))
        #expect(console.screen.contains("do not take the money again"))
        #expect(!console.screen.contains("NOT PAID"))
    }

    @Test func withoutAPaymentServiceNothingIsCharged() throws {
        let console = try paying(nil)
        #expect(console.screen.contains("payment service not connected"))
        console.type(Self.wechatCode + "\n")
        assertSnapshot(console.screen, named: "payment-not-connected")
        #expect(!console.screen.contains("PAID "))
    }

    @Test func payCodeShowsTheCodeForTheCustomer() async throws {
        let gateway = ScriptedGateway(pay: [.pending(serial: "P20261121093000000004", payCode: "weixin://wxpay/bizpayurl?pr=Ab12Cd3")])
        let console = try paying(gateway)
        console.press(.character("q"))
        console.press(.down, .enter)
        await console.settle()
        #expect(gateway.calls.first?.method == .payCode(.wechat))
        #expect(console.screen.contains("weixin://wxpay/bizpayurl?pr=Ab12Cd3"))
        #expect(console.screen.contains("2:00"))
    }
}
