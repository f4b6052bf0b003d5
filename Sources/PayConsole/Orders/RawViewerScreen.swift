import Foundation
import PayServices
import TUIKit

/// A raw callback or channel call, secrets already masked: headers, then the body — JSON
/// pretty-printed, form fields as a table. Scrolls; Esc goes back.
@MainActor
final class RawViewerScreen: ConsoleScreen {
    let record: RawRecord
    /// The body as drawn: one entry per line; form fields are (name, value) rows.
    let lines: [String]
    let fields: [RawRecord.Field]
    private(set) var offset = 0
    private var pageSize = 10

    init(record: RawRecord, support: (any SupportDesk)?) {
        self.record = record
        if record.format == .form {
            fields = Self.formFields(record.body)
            lines = []
        } else {
            fields = []
            lines = support?.prettyLines(record) ?? record.body.components(separatedBy: "\n")
        }
    }

    var title: String { "Raw — \(record.title)" }
    var hints: [KeyHint] { [KeyHint("F1", "Help"), KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("Esc", "Back")] }
    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Raw message", [KeyHint("↑↓ j k PgUp PgDn Home End", "scroll"), KeyHint("Esc", "back to the order")])]
    }

    /// `a=1&b=x%20y` as fields, decoded (`+` is a space, as in HTML forms); a bare name has an empty value.
    static func formFields(_ body: String) -> [RawRecord.Field] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return RawRecord.Field(decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private var bodyCount: Int { record.format == .form ? fields.count + 1 : lines.count }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        let last = max(0, bodyCount - pageSize)
        switch key {
        case .down, .character("j"): offset += 1
        case .up, .character("k"): offset -= 1
        case .pageDown: offset += pageSize
        case .pageUp: offset -= pageSize
        case .home: offset = 0
        case .end: offset = last
        default: return false
        }
        offset = min(max(0, offset), last)
        return true
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        var y = area.y
        buffer.put(" \(record.title) · \(record.format.rawValue)", x: area.x, y: y, style: app.theme["subtitle"], maxWidth: area.width)
        y += 1
        let nameWidth = min(28, max(8, (record.headers + fields).map(\.name.displayWidth).max() ?? 8))
        for header in record.headers where y < area.maxY - 1 {
            buffer.put(" " + header.name.padded(toWidth: nameWidth), x: area.x, y: y, style: app.theme["label"])
            buffer.put(header.value, x: area.x + nameWidth + 2, y: y, style: app.theme["body"], maxWidth: area.width - nameWidth - 2)
            y += 1
        }
        y += 1
        pageSize = max(1, area.maxY - 1 - y)
        offset = min(offset, max(0, bodyCount - pageSize))
        if record.format == .form {
            var table = Table(columns: [TableColumn("Field", width: .fixed(nameWidth)), TableColumn("Value", width: .flex(min: 10))],
                              rows: fields.dropFirst(offset).map { [$0.name, $0.value] })
            table.showsCursor = false
            table.render(into: &buffer, area: Rect(x: area.x + 1, y: y, width: area.width - 2, height: pageSize), theme: app.theme)
        } else {
            for (index, line) in lines.dropFirst(offset).prefix(pageSize).enumerated() {
                buffer.put(" " + line, x: area.x, y: y + index, style: app.theme["body"], maxWidth: area.width)
            }
        }
        if bodyCount > pageSize {
            let info = " lines \(offset + 1)–\(min(bodyCount, offset + pageSize)) of \(bodyCount) "
            buffer.put(info, x: area.maxX - info.displayWidth, y: area.maxY - 1, style: app.theme["hint"])
        }
        return nil
    }
}
