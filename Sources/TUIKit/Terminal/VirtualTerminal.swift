/// A terminal in memory: scripted input in, the last presented buffer out. The console's tests
/// render into it and compare `text` with a snapshot (ratatui's `TestBackend`, swift-nio's
/// `EmbeddedChannel`).
@MainActor
public final class VirtualTerminal: Terminal {
    public private(set) var size: Size
    public var colorSupport: ColorSupport
    public var supportsUnicode = true
    public private(set) var screen: ScreenBuffer
    public private(set) var cursor: (x: Int, y: Int)?
    public private(set) var presentCount = 0
    private var pending: [InputEvent] = []

    public init(columns: Int = 80, rows: Int = 24, colorSupport: ColorSupport = .full256) {
        size = Size(columns: columns, rows: rows)
        self.colorSupport = colorSupport
        screen = ScreenBuffer(size: size)
    }

    public func readEvent(timeoutMilliseconds: Int) -> InputEvent? {
        pending.isEmpty ? nil : pending.removeFirst()
    }

    public func present(_ buffer: ScreenBuffer) {
        screen = buffer
        presentCount += 1
    }

    public func invalidate() {}

    public func setCursor(_ position: (x: Int, y: Int)?) { cursor = position }

    /// Queues events as if typed.
    public func send(_ events: InputEvent...) { pending.append(contentsOf: events) }

    /// Queues keys.
    public func press(_ keys: Key...) { pending.append(contentsOf: keys.map { .key($0) }) }

    /// Queues each character of `text` as a key (Enter for "\n", Tab for "\t").
    public func type(_ text: String) {
        for character in text {
            switch character {
            case "\n": pending.append(.key(.enter))
            case "\t": pending.append(.key(.tab))
            default: pending.append(.key(.character(character)))
            }
        }
    }

    /// Changes the size and queues the resize event a real terminal would send.
    public func resize(columns: Int, rows: Int) {
        size = Size(columns: columns, rows: rows)
        pending.append(.resize(size))
    }

    public var hasPendingInput: Bool { !pending.isEmpty }

    /// The last presented screen as text.
    public var text: String { screen.text }
}
