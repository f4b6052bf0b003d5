/// Card data typed into free text (a refund's reason, an item's name, a customer id, an audit
/// detail, an error message): found and masked before the text is stored or printed.
///
/// A card number here is 13–19 digits that pass the Luhn check (ISO/IEC 7812), written as one
/// run or as groups joined by single spaces or hyphens ("4242 4242 4242 4242",
/// "5555-5555-5555-4444"). It is masked as the card display and receipts show a card: the first
/// six and the last four digits kept, the rest replaced by "…" ("424242…4242"). A card code after
/// its label ("cvc 737", "CVV: 1234", "security_code=123") becomes "***". Masking is idempotent
/// (masked text holds no card data), and text without card data comes back unchanged.
public enum CardNumberMask {
    /// The Luhn (mod 10) check over decimal digits.
    public static func luhnValid<S: Sequence>(_ digits: S) -> Bool where S.Element == UInt8 {
        var sum = 0
        var count = 0
        for (index, digit) in Array(digits).reversed().enumerated() {
            guard digit <= 9 else { return false }
            var value = Int(digit)
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
            count += 1
        }
        return count > 0 && sum % 10 == 0
    }

    /// Whether `digits` (values 0–9) look like a card number: 13–19 of them passing Luhn.
    public static func isCardNumber(_ digits: [UInt8]) -> Bool {
        (13...19).contains(digits.count) && luhnValid(digits)
    }

    /// "424242…4242".
    public static func masked(digits: [UInt8]) -> String {
        String(digits.prefix(6).map { Character(Unicode.Scalar($0 + 48)) }) + "…"
            + String(digits.suffix(4).map { Character(Unicode.Scalar($0 + 48)) })
    }

    /// `text` with every card number and labelled card code in it masked.
    public static func mask(_ text: String) -> String {
        let digitCount = text.unicodeScalars.lazy.filter { $0.isASCIIDigit }.count
        // Fast path: fewer than 3 digits cannot hold a code, fewer than 13 no card number.
        guard digitCount >= 3 else { return text }
        let codesMasked = maskCodes(Array(text.unicodeScalars))
        guard digitCount >= 13 else { return String(String.UnicodeScalarView(codesMasked)) }
        return maskNumbers(codesMasked)
    }

    /// Labels a card verification code follows, lower-case, longest first.
    static let codeLabels: [[Unicode.Scalar]] = ["security_code", "security code", "securitycode", "card_code", "cvv2", "cvc2", "cvv", "cvc", "cvn"]
        .map { Array($0.unicodeScalars) }

    /// 3–4 digits after a code label and up to four of `"':= ` become asterisks.
    static func maskCodes(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result = scalars
        var index = 0
        while index < scalars.count {
            guard index == 0 || !scalars[index - 1].isASCIIAlphanumeric,
                  let label = codeLabels.first(where: { label in
                      index + label.count <= scalars.count
                          && zip(label, scalars[index..<(index + label.count)]).allSatisfy { $0 == $1.asciiLowercased }
                  }) else {
                index += 1
                continue
            }
            var cursor = index + label.count
            var skipped = 0
            while cursor < scalars.count, skipped < 4, "\"':= ".unicodeScalars.contains(scalars[cursor]) {
                cursor += 1
                skipped += 1
            }
            var end = cursor
            while end < scalars.count, scalars[end].isASCIIDigit { end += 1 }
            if skipped > 0, (3...4).contains(end - cursor), end == scalars.count || !scalars[end].isASCIIAlphanumeric {
                for i in cursor..<end { result[i] = "*" }
            }
            index = max(end, index + label.count)
        }
        return result
    }

    /// Every card number in `scalars` masked.
    static func maskNumbers(_ scalars: [Unicode.Scalar]) -> String {
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index].isASCIIDigit, index == 0 || !scalars[index - 1].isASCIIDigit else {
                output.append(scalars[index])
                index += 1
                continue
            }
            // A number: digit groups joined by single spaces or hyphens.
            var groups: [(start: Int, end: Int)] = []
            var cursor = index
            while true {
                let start = cursor
                while cursor < scalars.count && scalars[cursor].isASCIIDigit { cursor += 1 }
                groups.append((start, cursor))
                if cursor + 1 < scalars.count, scalars[cursor] == " " || scalars[cursor] == "-", scalars[cursor + 1].isASCIIDigit {
                    cursor += 1
                } else {
                    break
                }
            }
            // From each group on, the longest run of whole groups that is a card number.
            var group = 0
            while group < groups.count {
                var digits: [UInt8] = []
                var best: (last: Int, digits: [UInt8])?
                for last in group..<groups.count {
                    for i in groups[last].start..<groups[last].end { digits.append(UInt8(scalars[i].value - 48)) }
                    if digits.count > 19 { break }
                    if isCardNumber(digits) { best = (last, digits) }
                }
                if let best {
                    output.append(contentsOf: masked(digits: best.digits).unicodeScalars)
                    if best.last + 1 < groups.count { output.append(scalars[groups[best.last].end]) }
                    group = best.last + 1
                } else {
                    for i in groups[group].start..<groups[group].end { output.append(scalars[i]) }
                    if group + 1 < groups.count { output.append(scalars[groups[group].end]) }
                    group += 1
                }
            }
            index = groups.last!.end
        }
        return String(output)
    }
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { value >= 48 && value <= 57 }
    var isASCIIAlphanumeric: Bool { isASCIIDigit || (value | 0x20 >= 97 && value | 0x20 <= 122) }
    var asciiLowercased: Unicode.Scalar { value >= 65 && value <= 90 ? Unicode.Scalar(value + 32)! : self }
}
