import TUIKit

/// A form of labelled fields for the admin screens: text fields (TUIKit `TextField`, masked for
/// secrets) and choices cycled with ←/→ or Space. Tab/↓ and Shift-Tab/↑ move, Enter goes to the
/// next field and on the last one submits (F9 submits from anywhere), Esc cancels. A validation
/// error names its field: the label turns to the error style and the focus goes there.
struct AdminForm {
    enum Input: Hashable {
        case text(TextField)
        case choice([String], Int)
    }

    struct Field: Hashable {
        let label: String
        var input: Input
        /// A word under the form when the field has the focus ("basis points: 60 = 0.60 %").
        let hint: String
    }

    enum Outcome: Hashable { case none, submit, cancel }

    let title: String
    var intro: [String]
    var fields: [Field]
    var focus = 0
    /// What is wrong, and with which field (nil: the form as a whole).
    struct Failure: Hashable {
        var field: Int?
        var message: String
    }
    private(set) var error: Failure?

    init(title: String, intro: [String] = [], fields: [Field]) {
        self.title = title
        self.intro = intro
        self.fields = fields
    }

    static func text(_ label: String, _ text: String = "", hint: String = "", masking: TextField.Masking = .none,
                     filter: TextField.Filter = .any, maxLength: Int = 128, placeholder: String = "") -> Field {
        Field(label: label, input: .text(TextField(text, filter: filter, masking: masking, maxLength: maxLength, placeholder: placeholder)), hint: hint)
    }

    static func choice(_ label: String, _ options: [String], selected: String? = nil, hint: String = "") -> Field {
        Field(label: label, input: .choice(options, selected.flatMap { options.firstIndex(of: $0) } ?? 0), hint: hint)
    }

    /// The field's text, or the option chosen; trimmed of surrounding spaces.
    func value(_ index: Int) -> String {
        switch fields[index].input {
        case .text(let field): return field.text.trimmingCharacters(in: .whitespaces)
        case .choice(let options, let chosen): return options.indices.contains(chosen) ? options[chosen] : ""
        }
    }

    /// The value of the field labelled `label`.
    func value(_ label: String) -> String {
        guard let index = fields.firstIndex(where: { $0.label == label }) else { return "" }
        return value(index)
    }

    func index(of label: String) -> Int? { fields.firstIndex { $0.label == label } }

    /// Marks the field labelled `label` as wrong with `message`.
    mutating func fail(_ label: String?, _ message: String) {
        let field = label.flatMap(index(of:))
        error = Failure(field: field, message: message)
        if let field { focus = field }
    }

    mutating func clearError() { error = nil }

    mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape: return .cancel
        case .tab, .down: focus = (focus + 1) % fields.count; return .none
        case .backTab, .up: focus = (focus + fields.count - 1) % fields.count; return .none
        case .function(9): return .submit
        case .enter:
            if focus + 1 < fields.count { focus += 1; return .none }
            return .submit
        default: break
        }
        switch fields[focus].input {
        case .text(var field):
            _ = field.handle(key)
            fields[focus].input = .text(field)
        case .choice(let options, let chosen):
            switch key {
            case .right, .character(" "): fields[focus].input = .choice(options, (chosen + 1) % max(1, options.count))
            case .left: fields[focus].input = .choice(options, (chosen + max(1, options.count) - 1) % max(1, options.count))
            case .character(let c):
                // why: a letter jumps to the next option starting with it, like `ListMenu`.
                let lower = String(c).lowercased()
                let order = Array(options.indices.dropFirst(chosen + 1)) + Array(options.indices.prefix(chosen + 1))
                if let next = order.first(where: { options[$0].lowercased().hasPrefix(lower) }) {
                    fields[focus].input = .choice(options, next)
                }
            default: break
            }
        }
        return .none
    }

    /// The rows the form needs: intro, a blank, two per field, the hint and error rows.
    var height: Int { intro.count + 1 + fields.count * 2 + 2 }

    /// Draws the form into `area` (no frame); returns where the text cursor goes.
    mutating func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme, background: Style) -> (x: Int, y: Int)? {
        let labelWidth = min(26, (fields.map { $0.label.displayWidth }.max() ?? 0) + 4)
        let fieldWidth = max(8, min(52, area.width - labelWidth - 1))
        var y = area.y
        for line in intro where y < area.maxY {
            buffer.put(line, x: area.x, y: y, style: background, maxWidth: area.width)
            y += 1
        }
        y += 1
        var cursor: (x: Int, y: Int)?
        for index in fields.indices where y < area.maxY {
            let focused = index == focus
            let wrong = error?.field == index
            let label = wrong ? theme["error"].withBackground(of: background) : theme["label"].withBackground(of: background)
            buffer.put((wrong ? "! " : "") + fields[index].label, x: area.x, y: y, style: label, maxWidth: labelWidth)
            let style = focused ? theme["field.focus"] : theme["field"]
            switch fields[index].input {
            case .text(var field):
                let x = field.render(into: &buffer, x: area.x + labelWidth, y: y, width: fieldWidth, style: style, placeholderStyle: style.with([]))
                fields[index].input = .text(field)
                if focused { cursor = (x, y) }
            case .choice(let options, let chosen):
                let shown = options.indices.contains(chosen) ? options[chosen] : "—"
                buffer.fill(Rect(x: area.x + labelWidth, y: y, width: fieldWidth, height: 1), style: style)
                buffer.put("‹ \(shown) ›", x: area.x + labelWidth, y: y, style: style, maxWidth: fieldWidth)
                buffer.put("(\(chosen + 1)/\(options.count))", x: area.x + labelWidth + fieldWidth + 1, y: y,
                           style: theme["hint"].withBackground(of: background), maxWidth: max(0, area.maxX - area.x - labelWidth - fieldWidth - 1))
            }
            y += 2
        }
        let hintRow = area.maxY - 2
        let hint = fields.indices.contains(focus) ? fields[focus].hint : ""
        if !hint.isEmpty, hintRow >= y - 1 {
            buffer.put(hint, x: area.x, y: hintRow, style: theme["hint"].withBackground(of: background), maxWidth: area.width)
        }
        if let error {
            buffer.put(error.message, x: area.x, y: area.maxY - 1, style: theme["error"].withBackground(of: background), maxWidth: area.width)
        }
        return cursor
    }
}
