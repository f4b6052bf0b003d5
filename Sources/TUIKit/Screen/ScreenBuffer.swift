/// A grid of cells the screens draw into; a terminal shows it. Text is placed by display width:
/// a wide character takes two cells, a combining mark joins the grapheme it follows, and nothing
/// is drawn outside the buffer or the clip rectangle.
public struct ScreenBuffer: Hashable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Drawing outside this rectangle is dropped.
    public var clip: Rect

    public init(size: Size, style: Style = .plain) {
        self.size = size
        self.cells = Array(repeating: .blank(style), count: max(0, size.columns * size.rows))
        self.clip = Rect(x: 0, y: 0, width: size.columns, height: size.rows)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.columns, height: size.rows) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.columns + x] }
        set { cells[y * size.columns + x] = newValue }
    }

    func visible(_ x: Int, _ y: Int) -> Bool {
        x >= clip.x && x < clip.maxX && y >= clip.y && y < clip.maxY && x >= 0 && y >= 0 && x < size.columns && y < size.rows
    }

    /// Fills a rectangle with blanks of `style`.
    public mutating func fill(_ rect: Rect, style: Style, character: Character = " ") {
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX where visible(x, y) {
                self[x, y] = Cell(character, width: 1, style: style)
            }
        }
    }

    /// Writes text from (x, y) on one row, at most `maxWidth` columns; returns the columns used.
    /// A wide character that would not fit whole is replaced by a space.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        let limit = maxWidth ?? (size.columns - x)
        var column = x
        for character in text {
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            if column - x + width > limit {
                if width == 2 && column - x < limit { set(Cell(" ", width: 1, style: style), x: column, y: y) ; column += 1 }
                break
            }
            set(Cell(character, width: UInt8(width), style: style), x: column, y: y)
            if width == 2 { set(Cell(" ", width: 0, style: style), x: column + 1, y: y) }
            column += width
        }
        return column - x
    }

    /// Writes text padded or cut to exactly `width` columns.
    public mutating func put(_ text: String, in rect: Rect, row: Int = 0, style: Style, alignment: TextAlignment = .left) {
        put(text.padded(toWidth: rect.width, alignment: alignment), x: rect.x, y: rect.y + row, style: style, maxWidth: rect.width)
    }

    /// Sets one cell, repairing a wide character it cuts in half.
    mutating func set(_ cell: Cell, x: Int, y: Int) {
        guard visible(x, y) else { return }
        let old = self[x, y]
        if old.isContinuation, x > 0, self[x - 1, y].width == 2 { self[x - 1, y] = .blank(self[x - 1, y].style) }
        if old.width == 2, x + 1 < size.columns, cell.width != 2 { self[x + 1, y] = .blank(old.style) }
        self[x, y] = cell
    }

    /// Draws a box border around `rect` (Unicode lines, or ASCII when `ascii`), with an optional title.
    public mutating func box(_ rect: Rect, style: Style, title: String? = nil, titleStyle: Style? = nil, ascii: Bool = false) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let (h, v, tl, tr, bl, br): (Character, Character, Character, Character, Character, Character) =
            ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        for x in rect.x + 1..<rect.maxX - 1 {
            set(Cell(h, style: style), x: x, y: rect.y)
            set(Cell(h, style: style), x: x, y: rect.maxY - 1)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            set(Cell(v, style: style), x: rect.x, y: y)
            set(Cell(v, style: style), x: rect.maxX - 1, y: y)
        }
        set(Cell(tl, style: style), x: rect.x, y: rect.y)
        set(Cell(tr, style: style), x: rect.maxX - 1, y: rect.y)
        set(Cell(bl, style: style), x: rect.x, y: rect.maxY - 1)
        set(Cell(br, style: style), x: rect.maxX - 1, y: rect.maxY - 1)
        if let title, rect.width > 4 {
            put(" \(title) ", x: rect.x + 2, y: rect.y, style: titleStyle ?? style, maxWidth: rect.width - 4)
        }
    }

    /// The text of one row: each drawn grapheme once, continuation cells skipped, trailing spaces cut.
    public func rowText(_ y: Int) -> String {
        var line = ""
        for x in 0..<size.columns {
            let cell = self[x, y]
            if !cell.isContinuation { line.append(cell.character) }
        }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The whole buffer as text, one line per row: what a snapshot compares.
    public var text: String {
        (0..<size.rows).map(rowText).joined(separator: "\n")
    }
}
