import CNCursesW
import TUIKit

/// The real terminal, through ncursesw: the only code that calls ncurses (htop's CRT discipline).
/// Locale first; raw keys, no echo, keypad, a 25 ms escape delay, hidden cursor, the terminal's own
/// colours; wide-character input and output; `endwin` on `stop()`, on `exit`, on SIGINT, SIGTERM,
/// SIGHUP and on crashes, so the shell is never left broken.
@MainActor
public final class NCursesTerminal: Terminal {
    public private(set) var size: Size
    public let colorSupport: ColorSupport
    /// Whether the locale is UTF-8 (line drawing and Unicode spinners only then).
    public let supportsUnicode: Bool
    private var shown: ScreenBuffer?
    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int16 = 1
    private let maxPairs: Int
    private let colors: Int
    private var stopped = false

    private struct PairKey: Hashable { let foreground: Int16; let background: Int16 }

    /// Takes over the terminal. `mouse` turns on mouse reporting (off by default: it steals the
    /// terminal's own text selection).
    public init(mouse: Bool = false) {
        cn_setlocale_all()
        supportsUnicode = cn_locale_is_utf8() != 0
        cn_install_exit_handlers()
        initscr()
        raw()
        noecho()
        nonl()
        keypad(cn_stdscr(), true)
        Self.defineMissingKeys()
        _ = cn_set_escdelay(25)
        curs_set(0)
        wtimeout(cn_stdscr(), 100)
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(cn_colors())
            maxPairs = Int(cn_color_pairs())
            colorSupport = colors >= 256 ? .full256 : (colors >= 8 ? .sixteen : .none)
        } else {
            colors = 0
            maxPairs = 0
            colorSupport = .none
        }
        if mouse {
            _ = mousemask(cn_all_mouse_events(), nil)
        }
        size = Size(columns: Int(cn_cols()), rows: Int(cn_lines()))
    }

    /// Teaches ncurses the editing keys' sequences its terminfo entry lacks (`KeySequences`), as
    /// the key codes it already decodes; a sequence the entry has keeps its own meaning.
    private static func defineMissingKeys() {
        for (sequence, key) in KeySequences.table where key_defined(sequence) == 0 {
            let code: Int32
            switch key {
            case .home: code = KEY_HOME
            case .end: code = KEY_END
            case .delete: code = KEY_DC
            case .insert: code = KEY_IC
            case .pageUp: code = KEY_PPAGE
            case .pageDown: code = KEY_NPAGE
            default: continue
            }
            _ = define_key(sequence, code)
        }
    }

    /// Gives the terminal back. Safe to call more than once.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        cn_safe_endwin()
    }

    public func readEvent(timeoutMilliseconds: Int) -> InputEvent? {
        wtimeout(cn_stdscr(), Int32(timeoutMilliseconds))
        var character: wint_t = 0
        let result = wget_wch(cn_stdscr(), &character)
        if result == cn_err() { return nil }
        if result == cn_key_code_yes() { return special(Int32(character)) }
        let code = UInt32(character)
        if code < 32 || code == 127 { return Key.fromControl(code).map { .key($0) } }
        guard let scalar = Unicode.Scalar(code) else { return nil }
        return .key(.character(Character(scalar)))
    }

    /// Keys ncurses decoded from escape sequences; KEY_RESIZE is handled here and only here.
    private func special(_ code: Int32) -> InputEvent? {
        if code == cn_key_resize() {
            size = Size(columns: Int(cn_cols()), rows: Int(cn_lines()))
            shown = nil
            return .resize(size)
        }
        if code == cn_key_mouse() {
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            let state = event.bstate
            let button: MouseEvent.Button
            if state & (cn_button1_pressed() | cn_button1_clicked()) != 0 { button = .left }
            else if state & cn_button2_pressed() != 0 { button = .middle }
            else if state & cn_button3_pressed() != 0 { button = .right }
            else if state & cn_button4_pressed() != 0 { button = .wheelUp }
            else if cn_button5_pressed() != 0 && state & cn_button5_pressed() != 0 { button = .wheelDown }
            else { return nil }
            return .mouse(MouseEvent(x: Int(event.x), y: Int(event.y), button: button))
        }
        for n in 1...12 where code == cn_key_f(Int32(n)) { return .key(.function(n)) }
        switch code {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME, KEY_A1: return .key(.home)
        case KEY_END, KEY_C1: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_IC: return .key(.insert)
        case KEY_BTAB: return .key(.backTab)
        default: return nil
        }
    }

    public func present(_ buffer: ScreenBuffer) {
        if buffer.size != size { shown = nil }
        let previous = shown?.size == buffer.size ? shown : nil
        if previous == nil { werase(cn_stdscr()) }
        var cell = cchar_t()
        for y in 0..<buffer.size.rows {
            for x in 0..<buffer.size.columns {
                let next = buffer[x, y]
                if let previous, previous[x, y] == next { continue }
                if next.isContinuation { continue }
                var wide: [wchar_t] = next.character.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
                wide.append(0)
                let (attributes, pair) = cursesStyle(next.style)
                setcchar(&cell, wide, attributes, pair, nil)
                mvwadd_wch(cn_stdscr(), Int32(y), Int32(x), &cell)
            }
        }
        shown = buffer
        wrefresh(cn_stdscr())
    }

    public func invalidate() {
        shown = nil
        clearok(cn_stdscr(), true)
    }

    public func setCursor(_ position: (x: Int, y: Int)?) {
        if let position {
            curs_set(1)
            wmove(cn_stdscr(), Int32(position.y), Int32(position.x))
            wrefresh(cn_stdscr())
        } else {
            curs_set(0)
        }
    }

    private func cursesStyle(_ style: Style) -> (attr_t, Int16) {
        var attributes = cn_a_normal()
        if style.attributes.contains(.bold) { attributes |= cn_a_bold() }
        if style.attributes.contains(.underline) { attributes |= cn_a_underline() }
        if style.attributes.contains(.reverse) { attributes |= cn_a_reverse() }
        if style.attributes.contains(.dim) { attributes |= cn_a_dim() }
        guard colorSupport != .none else { return (attributes, 0) }
        var (foreground, fgBright) = cursesColor(style.foreground)
        let (background, _) = cursesColor(style.background)
        if fgBright { attributes |= cn_a_bold() }
        if foreground == background && foreground >= 0 && style.foreground != style.background { foreground = -1 }
        return (attributes, pair(foreground, background))
    }

    /// The ncurses colour number for a colour here: -1 for the terminal's own; on 8-colour
    /// terminals the bright half becomes its base colour plus bold.
    private func cursesColor(_ color: Color) -> (Int16, Bool) {
        switch color {
        case .default: return (-1, false)
        case .index(let n):
            if colors >= 256 { return (Int16(n), false) }
            guard case .index(let low) = color.downgradedTo16 else { return (-1, false) }
            if colors >= 16 { return (Int16(low), false) }
            return (Int16(low % 8), low >= 8)
        }
    }

    private func pair(_ foreground: Int16, _ background: Int16) -> Int16 {
        if foreground == -1 && background == -1 { return 0 }
        let key = PairKey(foreground: foreground, background: background)
        if let existing = pairs[key] { return existing }
        // why: when pairs run out the style falls back to the terminal's colours rather than failing.
        guard Int(nextPair) < maxPairs, nextPair < Int16.max else { return 0 }
        init_pair(nextPair, foreground, background)
        pairs[key] = nextPair
        nextPair += 1
        return nextPair - 1
    }
}
