/// A list to choose from: ↑/↓ (or j/k) move, Enter chooses, Esc cancels; a letter jumps to the
/// next item starting with it.
public struct ListMenu: Hashable, Sendable {
    public struct Item: Hashable, Sendable {
        public var title: String
        public var detail: String
        public init(_ title: String, detail: String = "") { self.title = title; self.detail = detail }
    }

    public enum Outcome: Hashable, Sendable { case chosen(Int), cancelled, moved, ignored }

    public var title: String
    public var items: [Item]
    public private(set) var cursor = 0

    public init(title: String, items: [Item], cursor: Int = 0) {
        self.title = title
        self.items = items
        self.cursor = items.isEmpty ? 0 : min(max(0, cursor), items.count - 1)
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .up, .character("k"): if cursor > 0 { cursor -= 1 }; return .moved
        case .down, .character("j"): if cursor + 1 < items.count { cursor += 1 }; return .moved
        case .home: cursor = 0; return .moved
        case .end: cursor = max(0, items.count - 1); return .moved
        case .enter: return items.isEmpty ? .ignored : .chosen(cursor)
        case .escape: return .cancelled
        case .character(let c):
            let lower = String(c).lowercased()
            let order = Array(items.indices.dropFirst(cursor + 1)) + Array(items.indices.prefix(cursor + 1))
            if let next = order.first(where: { items[$0].title.lowercased().hasPrefix(lower) }) { cursor = next; return .moved }
            return .ignored
        default: return .ignored
        }
    }

    /// Draws the items inside `area` (no border), the cursor row highlighted.
    public func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let titleWidth = min(area.width, max(12, (items.map { $0.title.displayWidth }.max() ?? 0) + 2))
        let first = max(0, cursor - area.height + 1)
        for row in 0..<area.height {
            let index = first + row
            guard index < items.count else { break }
            let style = index == cursor ? theme["menu.cursor"] : theme["menu"]
            let item = items[index]
            buffer.fill(Rect(x: area.x, y: area.y + row, width: area.width, height: 1), style: style)
            buffer.put(" " + item.title, x: area.x, y: area.y + row, style: style, maxWidth: titleWidth)
            if !item.detail.isEmpty {
                buffer.put(item.detail, x: area.x + titleWidth + 1, y: area.y + row, style: index == cursor ? style : theme["hint"].with([]), maxWidth: area.width - titleWidth - 1)
            }
        }
    }

    /// Draws the menu in a centred bordered box.
    public func renderBoxed(into buffer: inout ScreenBuffer, screen: Rect, theme: Theme) {
        let widest = items.map { $0.title.displayWidth + ($0.detail.isEmpty ? 0 : $0.detail.displayWidth + 3) }.max() ?? 0
        let width = min(screen.width - 4, max(title.displayWidth + 8, widest + 6))
        let height = min(screen.height - 2, items.count + 2)
        let box = screen.centered(width: width, height: height)
        buffer.fill(box, style: theme["menu"])
        buffer.box(box, style: theme["border"].background == .default ? theme["menu"] : theme["border"], title: title, titleStyle: theme["dialog.title"])
        render(into: &buffer, area: box.inset(1), theme: theme)
    }
}
