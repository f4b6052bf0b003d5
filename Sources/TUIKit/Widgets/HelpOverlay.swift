/// A box listing the keys of the current screen, grouped; any key closes it.
public struct HelpOverlay: Hashable, Sendable {
    public struct Section: Hashable, Sendable {
        public var title: String
        public var entries: [KeyHint]
        public init(_ title: String, _ entries: [KeyHint]) { self.title = title; self.entries = entries }
    }

    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section]) {
        self.title = title
        self.sections = sections
    }

    public func render(into buffer: inout ScreenBuffer, screen: Rect, theme: Theme) {
        let keyWidth = sections.flatMap(\.entries).map { $0.key.displayWidth }.max() ?? 4
        let textWidth = sections.flatMap(\.entries).map { $0.label.displayWidth }.max() ?? 20
        let lineCount = sections.reduce(0) { $0 + $1.entries.count + 2 }
        let box = screen.centered(width: min(screen.width - 4, keyWidth + textWidth + 8), height: min(screen.height - 2, lineCount + 3))
        let body = theme["dialog"]
        buffer.fill(box, style: body)
        buffer.box(box, style: body, title: title, titleStyle: theme["dialog.title"])
        let inner = box.inset(1)
        var y = inner.y
        for section in sections {
            guard y < inner.maxY - 1 else { break }
            buffer.put(" " + section.title, x: inner.x, y: y, style: theme["subtitle"].with([]).withBackground(of: body), maxWidth: inner.width)
            y += 1
            for entry in section.entries where y < inner.maxY - 1 {
                buffer.put("  " + entry.key.padded(toWidth: keyWidth) + "  " + entry.label, x: inner.x, y: y, style: body, maxWidth: inner.width)
                y += 1
            }
            y += 1
        }
        buffer.put(" Any key closes this help", x: inner.x, y: inner.maxY - 1, style: theme["hint"].withBackground(of: body), maxWidth: inner.width)
    }
}

extension Style {
    /// This style's foreground and attributes on another style's background.
    public func withBackground(of other: Style) -> Style {
        var copy = self
        copy.background = other.background
        return copy
    }
}
