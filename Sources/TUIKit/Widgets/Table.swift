/// A table with a header row, a cursor row and scrolling; cells are measured by display width.
public struct Table: Hashable, Sendable {
    public var columns: [TableColumn]
    public var rows: [[String]] { didSet { clampCursor() } }
    public private(set) var cursor: Int = 0
    public private(set) var offset: Int = 0
    /// Whether the cursor row is highlighted (off when another widget has focus).
    public var showsCursor: Bool = true
    /// Rows a page holds, learned at the last render (PgUp/PgDn move by it).
    public private(set) var pageSize: Int = 10
    /// Theme style names for rows drawn other than `table.row` (a problem row as a warning), by row index.
    public var rowStyles: [Int: String] = [:]

    public init(columns: [TableColumn], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Widths of the columns within `total` columns, one space between columns.
    public static func widths(_ columns: [TableColumn], total: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        let fixed = columns.reduce(0) { sum, column in
            if case .fixed(let w) = column.width { return sum + w }
            if case .flex(let m) = column.width { return sum + m }
            return sum
        }
        let flexCount = columns.filter { if case .flex = $0.width { return true } else { return false } }.count
        var spare = max(0, total - gaps - fixed)
        var result: [Int] = []
        var flexSeen = 0
        for column in columns {
            switch column.width {
            case .fixed(let w): result.append(w)
            case .flex(let m):
                flexSeen += 1
                let share = flexSeen == flexCount ? spare : spare / max(1, flexCount - flexSeen + 1)
                spare -= share
                result.append(m + share)
            }
        }
        return result
    }

    public mutating func moveCursor(to row: Int) {
        cursor = row
        clampCursor()
    }

    mutating func clampCursor() {
        cursor = rows.isEmpty ? 0 : min(max(0, cursor), rows.count - 1)
    }

    /// The indices of the columns shown in `total` columns: the lowest priorities are hidden
    /// (equal priorities right to left) until the rest fit, rather than wrapping or squeezing.
    public static func visibleColumns(_ columns: [TableColumn], total: Int) -> [Int] {
        var shown = Array(columns.indices)
        func needed() -> Int { shown.reduce(0) { $0 + columns[$1].minimumWidth } + max(0, shown.count - 1) }
        while needed() > total {
            let hideable = shown.filter { columns[$0].priority != TableColumn.required }
            guard let lowest = hideable.map({ columns[$0].priority }).min(),
                  let victim = hideable.last(where: { columns[$0].priority == lowest }) else { break }
            shown.removeAll { $0 == victim }
        }
        return shown
    }

    /// Moves the cursor: ↑/↓, `k`/`j`, PgUp/PgDn, Home/End. Returns whether the key was used.
    public mutating func handle(_ key: Key) -> Bool {
        guard !rows.isEmpty else { return false }
        switch key {
        case .up, .character("k"): cursor -= 1
        case .down, .character("j"): cursor += 1
        case .pageUp: cursor -= pageSize
        case .pageDown: cursor += pageSize
        case .home: cursor = 0
        case .end: cursor = rows.count - 1
        default: return false
        }
        clampCursor()
        return true
    }

    func rowStyle(_ index: Int, _ theme: Theme) -> Style {
        rowStyles[index].map { theme[$0] } ?? theme["table.row"]
    }

    /// The first row shown, as of the last render.
    public var firstVisibleRow: Int { offset }

    /// Draws the header and the visible rows in `area`.
    public mutating func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        guard area.height >= 1, area.width >= 1 else { return }
        let shown = Table.visibleColumns(columns, total: area.width)
        let widths = Table.widths(shown.map { columns[$0] }, total: area.width)
        let header = theme["table.header"]
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: header)
        var x = area.x
        for (column, width) in zip(shown.map({ columns[$0] }), widths) {
            buffer.put(column.title.padded(toWidth: width, alignment: column.alignment), x: x, y: area.y, style: header, maxWidth: width)
            x += width + 1
        }
        pageSize = max(1, area.height - 1)
        if cursor < offset { offset = cursor }
        if cursor >= offset + pageSize { offset = cursor - pageSize + 1 }
        offset = max(0, min(offset, max(0, rows.count - pageSize)))
        for line in 0..<pageSize {
            let index = offset + line
            let y = area.y + 1 + line
            guard index < rows.count else { break }
            let style = showsCursor && index == cursor ? theme["table.cursor"] : rowStyle(index, theme)
            buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
            var x = area.x
            for (columnIndex, width) in zip(shown, widths) {
                let value = columnIndex < rows[index].count ? rows[index][columnIndex] : ""
                buffer.put(value.padded(toWidth: width, alignment: columns[columnIndex].alignment), x: x, y: y, style: style, maxWidth: width)
                x += width + 1
            }
        }
    }
}
