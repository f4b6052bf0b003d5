/// Splits a rule's text into tokens. Knows nothing of the grammar; the parser does.
struct RuleTokenizer {
    let characters: [Character]

    init(_ text: String) { characters = Array(text) }

    func tokens() throws(RuleSyntaxError) -> [RuleToken] {
        var tokens: [RuleToken] = []
        var index = 0
        func fail(_ at: Int, _ message: String) -> RuleSyntaxError { RuleSyntaxError(column: at + 1, message: message) }
        while index < characters.count {
            let c = characters[index]
            let start = index
            if c.isWhitespace { index += 1; continue }
            if c.isASCII && (c.isLetter || c == "_") {
                while index < characters.count, characters[index].isASCII,
                      characters[index].isLetter || characters[index].isNumber || characters[index] == "_" || characters[index] == "-" {
                    index += 1
                }
                let word = String(characters[start..<index])
                tokens.append(RuleToken(kind: .identifier(word), column: start + 1, text: word))
                continue
            }
            if c.isASCII && c.isNumber {
                while index < characters.count, characters[index].isASCII, characters[index].isNumber || characters[index] == "." {
                    index += 1
                }
                if index < characters.count, characters[index].isASCII, characters[index].isLetter {
                    while index < characters.count, characters[index].isASCII, characters[index].isLetter || characters[index].isNumber {
                        index += 1
                    }
                    let text = String(characters[start..<index])
                    tokens.append(RuleToken(kind: .duration(text), column: start + 1, text: text))
                    continue
                }
                let text = String(characters[start..<index])
                if text.filter({ $0 == "." }).count > 1 { throw fail(start, "number '\(text)' has more than one decimal point") }
                if text.hasSuffix(".") { throw fail(start, "number '\(text)': a decimal point must be followed by digits") }
                tokens.append(RuleToken(kind: .number(text), column: start + 1, text: text))
                continue
            }
            switch c {
            case "\"":
                index += 1
                var value = ""
                var closed = false
                while index < characters.count {
                    let d = characters[index]
                    index += 1
                    if d == "\"" { closed = true; break }
                    if d == "\\" {
                        guard index < characters.count else { break }
                        let escaped = characters[index]
                        guard escaped == "\"" || escaped == "\\" else {
                            throw fail(index - 1, "unknown escape '\\\(escaped)' in a string; only \\\" and \\\\ are known")
                        }
                        value.append(escaped)
                        index += 1
                        continue
                    }
                    value.append(d)
                }
                if !closed { throw fail(start, "string not closed: expected '\"' before the end of the rule") }
                tokens.append(RuleToken(kind: .string(value), column: start + 1, text: String(characters[start..<index])))
            case "(": tokens.append(RuleToken(kind: .leftParen, column: start + 1, text: "(")); index += 1
            case ")": tokens.append(RuleToken(kind: .rightParen, column: start + 1, text: ")")); index += 1
            case ",": tokens.append(RuleToken(kind: .comma, column: start + 1, text: ",")); index += 1
            case "=", "!", "<", ">":
                let twoChars = index + 1 < characters.count ? String(characters[index...index + 1]) : ""
                if let op = RuleComparison(rawValue: twoChars) {
                    tokens.append(RuleToken(kind: .comparison(op), column: start + 1, text: twoChars))
                    index += 2
                } else if let op = RuleComparison(rawValue: String(c)) {
                    tokens.append(RuleToken(kind: .comparison(op), column: start + 1, text: String(c)))
                    index += 1
                } else if c == "=" {
                    throw fail(start, "'=' alone is not an operator; write '==' to compare")
                } else {
                    throw fail(start, "'!' alone is not an operator; write '!=' or 'not'")
                }
            default:
                throw fail(start, "unexpected character '\(c)'")
            }
        }
        tokens.append(RuleToken(kind: .end, column: characters.count + 1, text: ""))
        return tokens
    }
}
