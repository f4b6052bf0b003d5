import PayCore

/// The one line a failing command prints on stderr, made safe to show: card data masked
/// (`CardNumberMask`), control and format characters written as escapes (`\n`, `\u{1B}`) so a
/// value cannot break the line or drive the terminal, and a message too long to read shortened
/// in the middle (values are quoted early, the reason comes last).
enum ErrorLine {
    static let maxCharacters = 600

    static func render(_ message: String) -> String {
        var scalars = Array(CardNumberMask.mask(message).unicodeScalars)
        // why cut before escaping: a 100,000-character value costs nothing to drop and a lot to escape.
        if scalars.count > maxCharacters {
            let head = maxCharacters / 2, tail = maxCharacters / 2 - 100
            let leftOut = scalars.count - head - tail
            scalars = Array(scalars[..<head]) + Array(" …(\(leftOut) characters left out)… ".unicodeScalars)
                + Array(scalars[(scalars.count - tail)...])
        }
        var line = String.UnicodeScalarView()
        for scalar in scalars {
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
        return String(line)
    }
}
