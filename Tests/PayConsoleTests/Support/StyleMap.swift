import TUIKit

/// A snapshot of styles: under the text, one letter per cell naming the theme style it was drawn
/// with, and a legend of the letters used; `?` marks a style that is no named theme style.
enum StyleMap {
    /// Named styles in the order they are matched (the first equal style names a cell).
    static let names = ["body", "title", "subtitle", "label", "hint", "notice", "error", "table.header", "table.cursor",
                        "field.focus", "dialog", "dialog.title", "button", "button.focus", "menu", "menu.cursor",
                        "status", "status.key", "status.label", "amount", "status.paid"]
    static let letters = Array("._sLhNEHCFdDbBmMtkla$")

    static func render(_ buffer: ScreenBuffer, theme: Theme) -> String {
        var used: [Character: String] = [:]
        var rows: [String] = []
        for y in 0..<buffer.size.rows {
            var row = ""
            for x in 0..<buffer.size.columns {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                if let index = names.firstIndex(where: { theme[$0] == cell.style }) {
                    row.append(letters[index])
                    used[letters[index]] = names[index]
                } else {
                    row.append("?")
                    used["?"] = "other"
                }
            }
            rows.append(row)
        }
        let legend = used.sorted { $0.value < $1.value }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return buffer.text + "\n--- styles: " + legend + "\n" + rows.joined(separator: "\n")
    }
}
