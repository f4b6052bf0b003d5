import PayCore

/// The one line a failing command prints on stderr, made safe to show: card data masked
/// (`CardNumberMask`), control and format characters written as escapes (`\n`, `\u{1B}`) so a
/// value cannot break the line or drive the terminal, and a message too long to read shortened
/// in the middle (values are quoted early, the reason comes last).
enum ErrorLine {
    static let maxCharacters = 600

    static func render(_ message: String) -> String {
        var line = String.UnicodeScalarView()
        for scalar in CardNumberMask.mask(message).unicodeScalars {
            switch scalar {
            case "\n": line.append(contentsOf: "\\n".unicodeScalars)
            case "\r": line.append(contentsOf: "\\r".unicodeScalars)
            case "\t": line.append(contentsOf: "\\t".unicodeScalars)
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate:
                    line.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
                default:
                    line.append(scalar)
                }
            }
        }
        let text = String(line)
        guard text.count > maxCharacters else { return text }
        let head = text.prefix(maxCharacters / 2)
        let tail = text.suffix(maxCharacters / 2 - 100)
        return "\(head) …(\(text.count - head.count - tail.count) characters left out)… \(tail)"
    }
}
