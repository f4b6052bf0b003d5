/// Draws a QR code with half-block characters: one column a module, two modules a row (▀ ▄ █ and
/// space), inside a light quiet zone. It sizes itself to the space given — the widest quiet zone
/// and the strongest correction that fit — and says when nothing fits, so the caller shows the text
/// alone.
public struct QRCodeView: Sendable {
    /// Light modules round the symbol: ISO/IEC 18004 asks for 4; 2 still reads off a screen.
    public static let quietZones = [4, 2]
    /// The colours a scanner reads: dark modules on a light ground, whatever the theme.
    public static let colorStyle = Style(foreground: .black, background: .brightWhite)

    public let text: String
    /// What the drawn glyph parts stand for: dark modules (with `colorStyle`), or light ones — a
    /// terminal without colours draws in its own foreground, light on dark in most terminals.
    public var glyphsAreDark: Bool
    public var style: Style

    public init(_ text: String, colors: Bool = true) {
        self.text = text
        self.glyphsAreDark = colors
        self.style = colors ? Self.colorStyle : .plain
    }

    /// The symbol and quiet zone chosen for `width` × `height` cells, or nil when none fits.
    public func layout(width: Int, height: Int) -> (code: QRCode, quiet: Int)? {
        for correction in [QRCode.Correction.medium, .low] {
            guard let code = QRCode(text, correction: correction) else { continue }
            for quiet in Self.quietZones {
                let (columns, rows) = Self.cells(size: code.size, quiet: quiet)
                if columns <= width && rows <= height { return (code, quiet) }
            }
        }
        return nil
    }

    /// The cells a symbol of `size` modules takes with `quiet` modules of margin on each side.
    public static func cells(size: Int, quiet: Int) -> (columns: Int, rows: Int) {
        let side = size + 2 * quiet
        return (side, (side + 1) / 2)
    }

    /// Draws the code centred across `area`, from its top row; returns the rows used, or nil (and
    /// draws nothing) when it does not fit.
    @discardableResult
    public func render(into buffer: inout ScreenBuffer, area: Rect) -> Int? {
        guard let chosen = layout(width: area.width, height: area.height) else { return nil }
        let (code, quiet) = chosen
        let (columns, rows) = Self.cells(size: code.size, quiet: quiet)
        let left = area.x + (area.width - columns) / 2
        for row in 0..<rows {
            for column in 0..<columns {
                let x = column - quiet, y = row * 2 - quiet
                let top = code[x, y], bottom = code[x, y + 1]
                let glyph = Self.glyph(top: top == glyphsAreDark, bottom: bottom == glyphsAreDark)
                buffer[left + column, area.y + row] = Cell(glyph, width: 1, style: style)
            }
        }
        return rows
    }

    /// The half-block character covering the top half, the bottom half, both or neither.
    public static func glyph(top: Bool, bottom: Bool) -> Character {
        switch (top, bottom) {
        case (true, true): "█"
        case (true, false): "▀"
        case (false, true): "▄"
        case (false, false): " "
        }
    }
}
