/// htop's function bar: key labels with what they do on this screen, and an info line above it.
public enum StatusBar {
    /// Draws `hints` across one row: the key in `status.key`, the label in `status.label`.
    public static func renderHints(_ hints: [KeyHint], into buffer: inout ScreenBuffer, row: Rect, theme: Theme) {
        buffer.fill(row, style: theme["status.label"])
        var x = row.x
        for hint in hints {
            let needed = hint.key.displayWidth + hint.label.displayWidth + 1
            if x + needed > row.maxX { break }
            x += buffer.put(hint.key, x: x, y: row.y, style: theme["status.key"])
            x += buffer.put(hint.label + " ", x: x, y: row.y, style: theme["status.label"])
        }
    }

    /// Draws an info line: `left` segments separated by " │ ", `right` flush right.
    public static func renderInfo(left: [String], right: String, into buffer: inout ScreenBuffer, row: Rect, theme: Theme) {
        let style = theme["status"]
        buffer.fill(row, style: style)
        let rightWidth = right.displayWidth
        buffer.put(" " + left.joined(separator: " │ "), x: row.x, y: row.y, style: style, maxWidth: max(0, row.width - rightWidth - 2))
        if rightWidth + 1 <= row.width {
            buffer.put(right, x: row.maxX - rightWidth - 1, y: row.y, style: style)
        }
    }
}
