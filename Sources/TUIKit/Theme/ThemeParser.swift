/// Reads the theme format of DESIGN §9: one `name = FG [on BG] [bold|underline|reverse|dim]…` a
/// line, `#` comments, blank lines ignored. Colours: the 16 names, `default`, `color0`–`color255`,
/// `#rrggbb`.
public enum ThemeParser {
    public static func parse(_ text: String, name: String, file: String) throws(ThemeError) -> Theme {
        var styles: [String: Style] = [:]
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = withoutComment(Substring(rawLine))
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: number, message: "expected 'name = colours', got '\(trimmed)'")
            }
            let key = String(trimmed[..<equals]).trimmingCharacters(in: " \t")
            let value = String(trimmed[trimmed.index(after: equals)...]).trimmingCharacters(in: " \t")
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else {
                throw ThemeError(file: file, line: number, message: "style name '\(key)': letters, digits, '.', '-' and '_' only")
            }
            if styles[key] != nil {
                throw ThemeError(file: file, line: number, message: "style '\(key)' is defined twice")
            }
            styles[key] = try parseStyle(value, file: file, line: number)
        }
        return Theme(name: name, styles: styles)
    }

    /// The line up to its comment: a `#` starts one unless it begins a `#rrggbb` colour.
    static func withoutComment(_ line: Substring) -> Substring {
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "#" {
                let digits = line[line.index(after: index)...].prefix(7)
                let isColour = digits.prefix(6).count == 6 && digits.prefix(6).allSatisfy(\.isHexDigit)
                    && (digits.count == 6 || digits.last == " " || digits.last == "\t" || digits.last == "\r")
                if !isColour { return line[..<index] }
            }
            index = line.index(after: index)
        }
        return line
    }

    static func parseStyle(_ value: String, file: String, line: Int) throws(ThemeError) -> Style {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.isEmpty { throw ThemeError(file: file, line: line, message: "no colours or attributes after '='") }
        var style = Style()
        var foreground: Color?, background: Color?
        var index = 0
        while index < words.count {
            let word = words[index].lowercased()
            if let attribute = Style.Attributes.names.first(where: { $0.0 == word }) {
                style.attributes.insert(attribute.1)
            } else if word == "on" {
                index += 1
                guard index < words.count else { throw ThemeError(file: file, line: line, message: "'on' needs a background colour") }
                guard background == nil else { throw ThemeError(file: file, line: line, message: "two backgrounds") }
                guard let color = Color(parsing: words[index]) else {
                    throw ThemeError(file: file, line: line, message: "unknown colour '\(words[index])' (names, default, color0–color255, #rrggbb)")
                }
                background = color
            } else if let color = Color(parsing: word) {
                guard foreground == nil, background == nil else {
                    throw ThemeError(file: file, line: line, message: "unexpected colour '\(words[index])': write 'FG on BG'")
                }
                foreground = color
            } else {
                throw ThemeError(file: file, line: line, message: "unknown colour or attribute '\(words[index])'")
            }
            index += 1
        }
        style.foreground = foreground ?? .default
        style.background = background ?? .default
        return style
    }

    /// The style names every screen uses, with the default theme's colours.
    public static let defaultText = """
    # PayDesk default theme: the terminal's own background, blue title bars.
    body            = default on default
    title           = bright-white on blue bold
    subtitle        = cyan bold
    border          = blue
    label           = cyan
    hint            = bright-black
    notice          = yellow bold
    error           = bright-red bold
    status          = black on white
    status.key      = bright-white on blue bold
    status.label    = black on cyan
    table.header    = black on cyan
    table.cursor    = black on yellow
    table.row       = default on default
    field           = default on color236
    field.focus     = bright-white on color24 bold
    dialog          = default on color237
    dialog.title    = bright-white on blue bold
    button          = black on white
    button.focus    = black on yellow bold
    menu            = default on color237
    menu.cursor     = black on yellow
    amount          = bright-green
    total           = bright-green bold
    channel         = bright-cyan bold
    status.paid     = green bold
    status.pending  = yellow bold
    status.failed   = red bold
    alert.critical  = bright-white on red bold
    """

    /// The monochrome theme: the terminal's colours, emphasis by attributes only.
    public static let monoText = """
    body            = default
    title           = reverse bold
    subtitle        = bold
    border          = default
    label           = bold
    hint            = dim
    notice          = bold
    error           = bold underline
    status          = reverse
    status.key      = bold
    status.label    = reverse
    table.header    = bold underline
    table.cursor    = reverse
    table.row       = default
    field           = underline
    field.focus     = reverse
    dialog          = default
    dialog.title    = reverse bold
    button          = default
    button.focus    = reverse
    menu            = default
    menu.cursor     = reverse
    amount          = bold
    total           = bold
    channel         = bold
    status.paid     = bold
    status.pending  = underline
    status.failed   = bold reverse
    alert.critical  = reverse bold
    """
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
