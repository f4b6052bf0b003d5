/// A one-line text input: editing keys, a cursor, scrolling by display width (CJK input takes two
/// columns a character), an optional filter and masking for secrets.
public struct TextField: Hashable, Sendable {
    /// Which characters the field takes.
    public enum Filter: Hashable, Sendable {
        case any, digits, decimal, date
        func accepts(_ c: Character) -> Bool {
            switch self {
            case .any: return !c.unicodeScalars.contains { $0.properties.generalCategory == .control }
            case .digits: return c.isASCII && c.isNumber
            case .decimal: return (c.isASCII && c.isNumber) || c == "."
            case .date: return (c.isASCII && c.isNumber) || c == "-" || c == "/"
            }
        }
    }

    /// How the text is shown.
    public enum Masking: Hashable, Sendable {
        case none
        /// Every character hidden (passwords, CVC).
        case all
        /// Hidden but the first `first` and last `last` characters (a card number: 6 and 4).
        case reveal(first: Int, last: Int)
    }

    /// What a key did to the field.
    public enum Outcome: Hashable, Sendable { case edited, moved, submitted, ignored }

    public private(set) var characters: [Character]
    public private(set) var cursor: Int
    public var filter: Filter
    public var masking: Masking
    public var maxLength: Int
    public var placeholder: String
    private var scroll = 0

    public init(_ text: String = "", filter: Filter = .any, masking: Masking = .none, maxLength: Int = 256, placeholder: String = "") {
        self.characters = Array(text.prefix(maxLength))
        self.cursor = characters.count
        self.filter = filter
        self.masking = masking
        self.maxLength = maxLength
        self.placeholder = placeholder
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    /// Replaces the text, cursor at the end.
    public mutating func set(_ text: String) {
        characters = Array(text.filter(filter.accepts).prefix(maxLength))
        cursor = characters.count
        scroll = 0
    }

    public mutating func clear() { set("") }

    /// Applies an editing key: printable input, ←/→, Home/End, Backspace/Del, Ctrl-A/E/U/K/W; Enter submits.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character(let c):
            guard filter.accepts(c), characters.count < maxLength else { return .ignored }
            characters.insert(c, at: cursor)
            cursor += 1
            return .edited
        case .backspace:
            guard cursor > 0 else { return .ignored }
            characters.remove(at: cursor - 1)
            cursor -= 1
            return .edited
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return .ignored }
            characters.remove(at: cursor)
            return .edited
        case .left: if cursor > 0 { cursor -= 1; return .moved }; return .ignored
        case .right: if cursor < characters.count { cursor += 1; return .moved }; return .ignored
        case .home, .ctrl("a"): cursor = 0; return .moved
        case .end, .ctrl("e"): cursor = characters.count; return .moved
        case .ctrl("u"):
            characters.removeFirst(cursor); cursor = 0; return .edited
        case .ctrl("k"):
            characters.removeLast(characters.count - cursor); return .edited
        case .ctrl("w"):
            var start = cursor
            while start > 0 && characters[start - 1] == " " { start -= 1 }
            while start > 0 && characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor); cursor = start; return .edited
        case .enter: return .submitted
        default: return .ignored
        }
    }

    /// The characters as shown (masked where asked).
    public var displayed: [Character] {
        switch masking {
        case .none: return characters
        case .all: return Array(repeating: "•", count: characters.count)
        case .reveal(let first, let last):
            return characters.enumerated().map { index, c in
                index < first || index >= characters.count - last ? c : "•"
            }
        }
    }

    /// Draws the field in `width` columns at (x, y); returns the column of the cursor.
    @discardableResult
    public mutating func render(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, style: Style, placeholderStyle: Style? = nil) -> Int {
        guard width > 0 else { return x }
        let shown = displayed
        // Keep the cursor inside the visible window, measured in columns.
        let widths = shown.map { DisplayWidth.of($0) }
        if cursor < scroll { scroll = cursor }
        while scroll < cursor && widths[scroll..<cursor].reduce(0, +) >= width { scroll += 1 }
        buffer.fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        if shown.isEmpty && !placeholder.isEmpty {
            buffer.put(placeholder, x: x, y: y, style: placeholderStyle ?? style, maxWidth: width)
            return x
        }
        buffer.put(String(shown[scroll...]), x: x, y: y, style: style, maxWidth: width)
        return x + widths[scroll..<cursor].reduce(0, +)
    }
}
