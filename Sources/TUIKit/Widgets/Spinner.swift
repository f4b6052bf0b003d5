/// A busy indicator that advances one frame per tick.
public struct Spinner: Hashable, Sendable {
    public static let unicodeFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    public static let asciiFrames: [Character] = ["|", "/", "-", "\\"]
    public var ascii: Bool
    public private(set) var tick = 0

    public init(ascii: Bool = false) { self.ascii = ascii }

    public mutating func advance() { tick &+= 1 }

    public var frame: Character {
        let frames = ascii ? Spinner.asciiFrames : Spinner.unicodeFrames
        return frames[tick % frames.count]
    }
}
