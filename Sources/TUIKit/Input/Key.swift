/// A key a person pressed, decoded from whatever the terminal sent.
public enum Key: Hashable, Sendable {
    /// A printable character (any script: a CJK character from an input method arrives whole).
    case character(Character)
    /// F1–F12.
    case function(Int)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, insert, tab, backTab
    /// Ctrl with a letter, lower case: `.ctrl("q")`.
    case ctrl(Character)

    /// The label a help screen shows ("F2", "Ctrl-Q", "PgDn").
    public var label: String {
        switch self {
        case .character(let c): return c == " " ? "Space" : String(c)
        case .function(let n): return "F\(n)"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .ctrl(let c): return "Ctrl-\(String(c).uppercased())"
        }
    }

    /// Decodes a control byte (0x01–0x1F, 0x7F) the way a raw-mode terminal delivers it.
    public static func fromControl(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(code + 96)!))
        default: return nil
        }
    }
}
