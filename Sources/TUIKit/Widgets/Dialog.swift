/// A modal box: a message to acknowledge, a question to confirm (the letters on its buttons, Y/N,
/// ←/→ and Enter), or one line of input (optionally masked). Esc always cancels.
public struct Dialog: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case message, confirm, input }
    public enum Outcome: Hashable, Sendable { case none, confirmed, cancelled, submitted(String) }

    public var kind: Kind
    public var title: String
    public var lines: [String]
    public var field: TextField
    public var fieldLabel: String
    /// For `confirm`: whether "Yes" has focus. Starts on "No": destructive answers need a deliberate key.
    public var yesFocused = false
    public var confirmLabel = "Yes"
    public var cancelLabel = "No"

    public static func message(_ title: String, _ lines: [String]) -> Dialog {
        Dialog(kind: .message, title: title, lines: lines, field: TextField(), fieldLabel: "")
    }

    public static func confirm(_ title: String, _ lines: [String], yes: String = "Yes", no: String = "No") -> Dialog {
        var dialog = Dialog(kind: .confirm, title: title, lines: lines, field: TextField(), fieldLabel: "")
        dialog.confirmLabel = yes
        dialog.cancelLabel = no
        return dialog
    }

    public static func input(_ title: String, _ lines: [String], label: String, field: TextField = TextField()) -> Dialog {
        Dialog(kind: .input, title: title, lines: lines, field: field, fieldLabel: label)
    }

    public mutating func handle(_ key: Key) -> Outcome {
        if key == .escape { return .cancelled }
        switch kind {
        case .message:
            return key == .enter || key == .character(" ") ? .confirmed : .none
        case .confirm:
            switch key {
            case .character(let typed): return answer(to: typed) ?? .none
            case .left, .right, .tab, .backTab: yesFocused.toggle(); return .none
            case .enter: return yesFocused ? .confirmed : .cancelled
            default: return .none
            }
        case .input:
            return field.handle(key) == .submitted ? .submitted(field.text) : .none
        }
    }

    /// The letters the buttons answer to, shown on them: each label's first letter when the two
    /// differ ("Quit (Q)", "Stay (S)"); nil when they clash (Enter and ←/→ choose then).
    public var mnemonics: (confirm: Character, cancel: Character)? {
        guard let yes = confirmLabel.first.map({ Character($0.lowercased()) }),
              let no = cancelLabel.first.map({ Character($0.lowercased()) }), yes != no, yes.isLetter, no.isLetter else { return nil }
        return (yes, no)
    }

    /// A letter's answer: a button's mnemonic, else Y or N unless that letter is the other button's.
    func answer(to typed: Character) -> Outcome? {
        let letter = Character(typed.lowercased())
        let keys = mnemonics
        if let keys, letter == keys.confirm { return .confirmed }
        if let keys, letter == keys.cancel { return .cancelled }
        if letter == "y", keys?.cancel != "y" { return .confirmed }
        if letter == "n", keys?.confirm != "n" { return .cancelled }
        return nil
    }

    /// The confirm dialog's buttons as drawn, each with its letter when it has one.
    var buttons: (yes: String, no: String) {
        let keys = mnemonics
        return ("[ \(confirmLabel)\(keys.map { " (\(String($0.confirm).uppercased()))" } ?? "") ]",
                "[ \(cancelLabel)\(keys.map { " (\(String($0.cancel).uppercased()))" } ?? "") ]")
    }

    /// Draws the dialog centred in `screen`; returns where the text cursor goes (input dialogs).
    @discardableResult
    public mutating func render(into buffer: inout ScreenBuffer, screen: Rect, theme: Theme) -> (x: Int, y: Int)? {
        let body = theme["dialog"]
        let buttonsWidth = kind == .confirm ? buttons.yes.displayWidth + 3 + buttons.no.displayWidth : 0
        let textWidth = max(lines.map(\.displayWidth).max() ?? 0, title.displayWidth + 4, kind == .input ? 40 : 24, buttonsWidth)
        let width = min(screen.width - 2, textWidth + 4)
        let height = min(screen.height - 2, lines.count + (kind == .input ? 6 : 5))
        let box = screen.centered(width: width, height: height)
        buffer.fill(box, style: body)
        buffer.box(box, style: body, title: title, titleStyle: theme["dialog.title"])
        let inner = box.inset(1)
        for (index, line) in lines.enumerated() where index < inner.height {
            buffer.put(" " + line, x: inner.x, y: inner.y + index, style: body, maxWidth: inner.width)
        }
        let bottom = inner.maxY - 1
        switch kind {
        case .message:
            let label = "[ OK ]"
            buffer.put(label, x: inner.x + (inner.width - label.displayWidth) / 2, y: bottom, style: theme["button.focus"])
            return nil
        case .confirm:
            let (yes, no) = buttons
            let total = yes.displayWidth + 3 + no.displayWidth
            let start = inner.x + (inner.width - total) / 2
            buffer.put(yes, x: start, y: bottom, style: yesFocused ? theme["button.focus"] : theme["button"])
            buffer.put(no, x: start + yes.displayWidth + 3, y: bottom, style: yesFocused ? theme["button"] : theme["button.focus"])
            return nil
        case .input:
            let y = bottom - 1
            let labelWidth = fieldLabel.isEmpty ? 0 : fieldLabel.displayWidth + 2
            buffer.put(" " + fieldLabel, x: inner.x, y: y, style: theme["label"].with([]), maxWidth: labelWidth)
            let x = field.render(into: &buffer, x: inner.x + labelWidth + 1, y: y, width: inner.width - labelWidth - 2, style: theme["field.focus"])
            buffer.put(" Enter to confirm · Esc to cancel", x: inner.x, y: bottom, style: theme["hint"], maxWidth: inner.width)
            return (x, y)
        }
    }
}
