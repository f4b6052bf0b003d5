import TUIKit

/// Plain-text columns for the command line, measured in terminal columns (`DisplayWidth`, the
/// console's own measure), so Chinese names and wide symbols line up with ASCII ones.
enum TextColumns {
    /// Columns `text` takes on a terminal.
    static func width(_ text: String) -> Int { DisplayWidth.of(text) }

    /// `text` followed by spaces up to `width` columns; longer text is kept whole, never cut.
    static func pad(_ text: String, _ width: Int) -> String {
        let used = DisplayWidth.of(text)
        return used >= width ? text : text + String(repeating: " ", count: width - used)
    }

    /// A table: each column as wide as its widest cell (header included), two spaces between
    /// columns, the last column not padded (no trailing spaces).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let count = all.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: count)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
        }
        return all.map { row in
            row.enumerated().map { index, cell in index == row.count - 1 ? cell : pad(cell, widths[index]) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
