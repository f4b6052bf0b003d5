import Testing
import PayCore
@testable import PayConsole

/// The scan field's channel hint follows DESIGN §5's lengths and prefixes exactly.
@Suite struct ScanCodeTests {
    @Test(arguments: [
        ("2512345678901234", ScanCode.Channel.alipay),          // 16 digits, prefix 25
        ("301234567890123456789012", .alipay),                 // 24 digits, prefix 30
        ("101234567890123456", .wechat),                       // 18 digits, prefix 10
        ("151234567890123456", .wechat),                       // 18 digits, prefix 15
        ("6212345678901234567", .unionpay),                    // 19 digits, prefix 62
    ])
    func recognises(code: String, channel: ScanCode.Channel) {
        #expect(ScanCode.recognise(code) == channel)
    }

    @Test(arguments: [
        "251234567890123",            // 15 digits: too short for Alipay
        "3012345678901234567890123",  // 25 digits: too long
        "161234567890123456",         // 18 digits but prefix 16
        "10123456789012345",          // 17 digits from 10
        "621234567890123456",         // 18 digits from 62
        "24123456789012345678",       // prefix 24
        "1012345678901234x6",         // not all digits
        "",
    ])
    func refuses(code: String) {
        #expect(ScanCode.recognise(code) == nil)
    }

    @Test func hintsWhileTyping() {
        #expect(ScanCode.likely("13") == .wechat)
        #expect(ScanCode.likely("28") == .alipay)
        #expect(ScanCode.likely("62") == .unionpay)
        #expect(ScanCode.likely("99") == nil)
        #expect(ScanCode.likely("1") == nil)
    }

    @Test func plainWordsKeepUnknownReasons() {
        #expect(FailureWording.sentence(code: .insufficientFunds, reason: "x") == "Not enough money in the customer's account.")
        #expect(FailureWording.sentence(code: FailureCode(code: "XYZ"), reason: "Card blocked by issuer") == "Card blocked by issuer")
        #expect(FailureWording.sentence(code: nil, reason: "") == "The payment did not go through.")
    }
}
