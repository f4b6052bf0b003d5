/// The `:` / Ctrl-P palette: type to filter commands (letters in order, any gaps), ↑/↓ to pick,
/// Enter to run, Esc to close.
public struct CommandPalette: Hashable, Sendable {
    public struct Command: Hashable, Sendable {
        public var id: String
        public var title: String
        public init(id: String, title: String) { self.id = id; self.title = title }
    }

    public enum Outcome: Hashable, Sendable { case none, run(String), cancelled }

    public var commands: [Command]
    public var query = TextField(placeholder: "type a command")
    public private(set) var cursor = 0

    public init(commands: [Command]) { self.commands = commands }

    /// Commands whose title holds the query's characters in order (case-insensitive).
    public var matches: [Command] {
        let needle = Array(query.text.lowercased())
        guard !needle.isEmpty else { return commands }
        return commands.filter { command in
            var index = 0
            for c in command.title.lowercased() where index < needle.count && c == needle[index] { index += 1 }
            return index == needle.count
        }
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape: return .cancelled
        case .up: cursor = max(0, cursor - 1); return .none
        case .down: cursor = min(max(0, matches.count - 1), cursor + 1); return .none
        case .enter:
            let found = matches
            return found.isEmpty ? .none : .run(found[min(cursor, found.count - 1)].id)
        default:
            if query.handle(key) == .edited { cursor = 0 }
            return .none
        }
    }

    /// Draws the palette near the top of `screen`; returns the text cursor position.
    @discardableResult
    public mutating func render(into buffer: inout ScreenBuffer, screen: Rect, theme: Theme) -> (x: Int, y: Int) {
        let found = matches
        let width = min(screen.width - 4, 60)
        let height = min(screen.height - 4, max(4, min(found.count, 12) + 3))
        let box = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + 2, width: width, height: height)
        let body = theme["menu"]
        buffer.fill(box, style: body)
        buffer.box(box, style: body, title: "Command", titleStyle: theme["dialog.title"])
        let inner = box.inset(1)
        buffer.put(":", x: inner.x, y: inner.y, style: body)
        let cursorX = query.render(into: &buffer, x: inner.x + 2, y: inner.y, width: inner.width - 2, style: theme["field.focus"], placeholderStyle: theme["hint"])
        let first = max(0, cursor - (inner.height - 2))
        for row in 0..<(inner.height - 1) {
            let index = first + row
            guard index < found.count else { break }
            let style = index == cursor ? theme["menu.cursor"] : body
            buffer.fill(Rect(x: inner.x, y: inner.y + 1 + row, width: inner.width, height: 1), style: style)
            buffer.put(" " + found[index].title, x: inner.x, y: inner.y + 1 + row, style: style, maxWidth: inner.width)
        }
        if found.isEmpty { buffer.put(" no command matches", x: inner.x, y: inner.y + 1, style: theme["hint"].withBackground(of: body)) }
        return (cursorX, inner.y)
    }
}
