/// How many colours a terminal shows.
public enum ColorSupport: Sendable, Hashable {
    case none, sixteen, full256
}

/// What the console needs from a terminal: its size, the next input event, and a way to show a
/// buffer. `NCursesTerminal` is the real one; `VirtualTerminal` lives in memory for tests.
@MainActor
public protocol Terminal: AnyObject {
    var size: Size { get }
    var colorSupport: ColorSupport { get }
    /// Whether Unicode line drawing and symbols show correctly (a UTF-8 locale).
    var supportsUnicode: Bool { get }
    /// The next event, or nil when none came within `timeoutMilliseconds`.
    func readEvent(timeoutMilliseconds: Int) -> InputEvent?
    /// Shows the buffer (only the cells that changed since the last call, where the terminal can tell).
    func present(_ buffer: ScreenBuffer)
    /// Forgets what is on the screen so the next `present` redraws every cell (Ctrl-L).
    func invalidate()
    /// Places the visible text cursor, or hides it.
    func setCursor(_ position: (x: Int, y: Int)?)
}
