import TUIKit

/// One screen of the console. The app draws the frame (title, status line, F-key bar) and gives
/// the screen the area between; keys the app does not take globally come to `handle`.
@MainActor
public protocol ConsoleScreen: AnyObject {
    /// The title bar's text for this screen.
    var title: String { get }
    /// The F-key bar for this screen, in its current mode.
    var hints: [KeyHint] { get }
    /// The help overlay's sections for this screen (F1).
    var help: [HelpOverlay.Section] { get }
    /// Whether printable keys (`:` and `j`/`k` too) are text for this screen right now.
    var capturesText: Bool { get }
    /// Extra status-line segments ("line hotel").
    var statusSegments: [String] { get }
    /// Draws into `area`; returns where the text cursor should be, if anywhere.
    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)?
    /// Handles a key; returns false when the screen did not use it.
    func handle(_ key: Key, app: ConsoleApp) -> Bool
    /// Called about ten times a second (countdowns, polling, spinners).
    func tick(app: ConsoleApp)
    /// Palette commands this screen adds.
    var paletteCommands: [CommandPalette.Command] { get }
    /// Runs one of this screen's palette commands; false when the id is not its own.
    func runPaletteCommand(_ id: String, app: ConsoleApp) -> Bool
    /// The destination this screen is, when it is one (the router goes back to it, not a new one).
    var destination: Destination? { get }
    /// Destination keys this screen uses itself right now (they reach it before the router).
    var claimedKeys: [Key] { get }
}

extension ConsoleScreen {
    public var capturesText: Bool { false }
    public var statusSegments: [String] { [] }
    public func tick(app: ConsoleApp) {}
    public var paletteCommands: [CommandPalette.Command] { [] }
    public func runPaletteCommand(_ id: String, app: ConsoleApp) -> Bool { false }
    public var destination: Destination? { nil }
    public var claimedKeys: [Key] { [] }
}
