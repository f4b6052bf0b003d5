import PayCore

/// Recognises the channel of a customer's payment code (barcode) by prefix and length (DESIGN §5):
/// Alipay 16–24 digits starting 25–30; WeChat 18 digits starting 10–15; UnionPay 19 digits starting 62.
public enum AuthCode {
    /// The channel whose barcode this is; `invalidInput` for anything else, naming what was wrong.
    public static func channel(of code: String, field: String = "auth code") throws(PayError) -> String {
        let digits = Array(code.utf8)
        guard !digits.isEmpty else { throw PayError.invalidInput("\(field): empty") }
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw PayError.invalidInput("\(field) '\(masked(code))': only digits are allowed")
        }
        let prefix = Int(String(decoding: digits.prefix(2), as: UTF8.self)) ?? -1
        switch (prefix, digits.count) {
        case (25...30, 16...24): return "alipay"
        case (10...15, 18): return "wechat"
        case (62, 19): return "unionpay"
        default:
            throw PayError.invalidInput("\(field) '\(masked(code))' (\(digits.count) digits): not an Alipay (16–24 digits, 25–30…), WeChat (18 digits, 10–15…) or UnionPay (19 digits, 62…) payment code")
        }
    }

    /// The code with all but its first 4 and last 4 digits hidden, for messages and the ledger.
    public static func masked(_ code: String) -> String {
        let chars = Array(code)
        guard chars.count > 8 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(4)) + String(repeating: "*", count: chars.count - 8) + String(chars.suffix(4))
    }
}
