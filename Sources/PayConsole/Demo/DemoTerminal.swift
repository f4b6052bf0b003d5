import TUIKit

/// The terminal the demo's console draws into: the real one less the tour panel on the right.
/// It keeps the console's last frame (the demo diffs it around a step and composes it with the
/// panel) and hands the console the keys the demo decides are the console's.
@MainActor
final class DemoTerminal: Terminal {
    let outer: any Terminal
    var panelWidth: Int
    private(set) var frame: ScreenBuffer
    private(set) var cursor: (x: Int, y: Int)?
    private var pending: [InputEvent] = []
    /// Called after each frame the console presents.
    var onPresent: (() -> Void)?

    init(outer: any Terminal, panelWidth: Int) {
        self.outer = outer
        self.panelWidth = panelWidth
        frame = ScreenBuffer(size: Size(columns: max(1, outer.size.columns - panelWidth), rows: outer.size.rows))
    }

    var size: Size { Size(columns: max(1, outer.size.columns - panelWidth), rows: outer.size.rows) }
    var colorSupport: ColorSupport { outer.colorSupport }
    var supportsUnicode: Bool { outer.supportsUnicode }

    func readEvent(timeoutMilliseconds: Int) -> InputEvent? { pending.isEmpty ? nil : pending.removeFirst() }

    func present(_ buffer: ScreenBuffer) {
        frame = buffer
        onPresent?()
    }

    func invalidate() { outer.invalidate() }

    func setCursor(_ position: (x: Int, y: Int)?) { cursor = position }

    func queue(_ event: InputEvent) { pending.append(event) }
}
