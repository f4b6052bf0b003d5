import Testing
@testable import PayCore

@Suite("Card numbers in free text")
struct CardNumberMaskTests {
    @Test("card numbers, plain or grouped by spaces or hyphens, keep their first 6 and last 4 digits",
          arguments: [("refund 4242424242424242 twice", "refund 424242…4242 twice"),
                      ("4242 4242 4242 4242", "424242…4242"),
                      ("card: 5555-5555-5555-4444.", "card: 555555…4444."),
                      ("amex 3782 822463 10005 ok", "amex 378282…0005 ok"),
                      ("a 19-digit 6212345678901234569", "a 19-digit 621234…4569"),
                      ("two: 4000000000000002,4242424242424242", "two: 400000…0002,424242…4242"),
                      ("ref 12 4242 4242 4242 4242 99", "ref 12 424242…4242 99"),
                      ("cvc 737, CVV: 1234 and security_code=123", "cvc ***, CVV: **** and security_code=***")])
    func masked(text: String, expected: String) {
        #expect(CardNumberMask.mask(text) == expected)
        #expect(CardNumberMask.mask(expected) == expected, "masking is idempotent")
    }

    @Test("numbers that are no card stay as they are",
          arguments: ["4242424242424241", "424242424242", "P2026112112000000000012ABCDEFGH", "20261121120000000000",
                      "amount 12.34 CNY", "珍珠奶茶 x2", "order R10000", "recvc 737", "cvc 73", "cvc 73737", "", "1234 5678"])
    func untouched(text: String) {
        #expect(CardNumberMask.mask(text) == text)
    }

    @Test("Luhn")
    func luhn() {
        #expect(CardNumberMask.luhnValid("79927398713".utf8.map { $0 - 48 }))
        #expect(!CardNumberMask.luhnValid("79927398710".utf8.map { $0 - 48 }))
        #expect(!CardNumberMask.luhnValid([UInt8]()))
    }
}
