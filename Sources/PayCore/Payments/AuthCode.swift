/// Recognises the channel of a customer's payment code (barcode) by prefix and length (DESIGN §5):
/// Alipay 16–24 digits starting 25–30; WeChat 18 digits starting 10–15; UnionPay 19 digits starting 62.
/// The one table of these rules: the payment core, `route explain` and the console's scan hint read it.
public enum AuthCode {
    /// One channel's payment codes: its two-digit prefixes and its lengths.
    public struct Rule: Sendable {
        public let channel: String
        public let prefixes: ClosedRange<Int>
        public let lengths: ClosedRange<Int>
    }

    public static let rules: [Rule] = [
        Rule(channel: "alipay", prefixes: 25...30, lengths: 16...24),
        Rule(channel: "wechat", prefixes: 10...15, lengths: 18...18),
        Rule(channel: "unionpay", prefixes: 62...62, lengths: 19...19),
    ]

    /// The channel of a complete code, or nil when no channel's rule matches.
    public static func recognise(_ code: String) -> String? {
        guard let prefix = prefix(of: code) else { return nil }
        return rules.first { $0.prefixes.contains(prefix) && $0.lengths.contains(code.count) }?.channel
    }

    /// The channel a partly typed code is heading for (by prefix, not yet too long), for a live hint.
    public static func likely(_ partial: String) -> String? {
        guard let prefix = prefix(of: partial) else { return nil }
        return rules.first { $0.prefixes.contains(prefix) && partial.count <= $0.lengths.upperBound }?.channel
    }

    /// The channel whose barcode this is; `invalidInput` for anything else, naming what was wrong.
    public static func channel(of code: String, field: String = "auth code") throws(PayError) -> String {
        guard !code.isEmpty else { throw PayError.invalidInput("\(field): empty") }
        guard code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw PayError.invalidInput("\(field) '\(masked(code))': only digits are allowed")
        }
        guard let channel = recognise(code) else {
            throw PayError.invalidInput("\(field) '\(masked(code))' (\(code.count) digits): not an Alipay (16–24 digits, 25–30…), WeChat (18 digits, 10–15…) or UnionPay (19 digits, 62…) payment code")
        }
        return channel
    }

    /// The code with all but its first 4 and last 4 digits hidden, for messages and the ledger.
    public static func masked(_ code: String) -> String {
        let chars = Array(code)
        guard chars.count > 8 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(4)) + String(repeating: "*", count: chars.count - 8) + String(chars.suffix(4))
    }

    /// The first two digits, when the text is at least two ASCII digits and nothing else.
    private static func prefix(of text: String) -> Int? {
        guard text.utf8.count >= 2, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text.prefix(2))
    }
}
