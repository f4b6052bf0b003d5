/// A terminal colour: the terminal's own (`default`) or an index of the 256-colour palette, whose
/// first 16 are the named ANSI colours.
public enum Color: Hashable, Sendable, CustomStringConvertible {
    case `default`
    case index(UInt8)

    /// The 16 ANSI names, in palette order.
    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                               "bright-black", "bright-red", "bright-green", "bright-yellow",
                               "bright-blue", "bright-magenta", "bright-cyan", "bright-white"]

    public static let black = Color.index(0), red = Color.index(1), green = Color.index(2), yellow = Color.index(3)
    public static let blue = Color.index(4), magenta = Color.index(5), cyan = Color.index(6), white = Color.index(7)
    public static let brightBlack = Color.index(8), brightRed = Color.index(9), brightGreen = Color.index(10)
    public static let brightYellow = Color.index(11), brightWhite = Color.index(15)

    /// Parses `default`, one of the 16 names (`grey`/`gray` for bright-black), `color0`–`color255`
    /// or `#rrggbb` (mapped to the nearest of the 256). Nil when it is none of these.
    public init?(parsing text: String) {
        let name = text.lowercased()
        if name == "default" { self = .default; return }
        if let index = Color.names.firstIndex(of: name) { self = .index(UInt8(index)); return }
        if name == "grey" || name == "gray" { self = .index(8); return }
        if name.hasPrefix("color"), let number = Int(name.dropFirst(5)), (0...255).contains(number),
           !name.dropFirst(5).hasPrefix("+") {
            self = .index(UInt8(number)); return
        }
        if name.hasPrefix("#"), name.count == 7, let rgb = UInt32(name.dropFirst(), radix: 16) {
            self = .index(Color.nearest256(red: Int(rgb >> 16 & 0xFF), green: Int(rgb >> 8 & 0xFF), blue: Int(rgb & 0xFF)))
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .default: return "default"
        case .index(let n) where n < 16: return Color.names[Int(n)]
        case .index(let n): return "color\(n)"
        }
    }

    /// The xterm palette's RGB for an index.
    public static func rgb(_ index: UInt8) -> (Int, Int, Int) {
        let i = Int(index)
        switch i {
        case 0..<16:
            let table = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
                         (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
            return table[i]
        case 16..<232:
            let levels = [0, 95, 135, 175, 215, 255]
            let n = i - 16
            return (levels[n / 36], levels[(n / 6) % 6], levels[n % 6])
        default:
            let grey = 8 + (i - 232) * 10
            return (grey, grey, grey)
        }
    }

    /// The nearest palette entry among 16–255 (the cube and the greys, which terminals do not
    /// restyle), by squared RGB distance.
    public static func nearest256(red: Int, green: Int, blue: Int) -> UInt8 {
        nearest(red: red, green: green, blue: blue, in: 16...255)
    }

    /// This colour on a 16-colour terminal.
    public var downgradedTo16: Color {
        guard case .index(let n) = self, n >= 16 else { return self }
        let (r, g, b) = Color.rgb(n)
        return .index(Color.nearest(red: r, green: g, blue: b, in: 0...15))
    }

    static func nearest(red: Int, green: Int, blue: Int, in range: ClosedRange<Int>) -> UInt8 {
        var best = range.lowerBound, bestDistance = Int.max
        for index in range {
            let (r, g, b) = rgb(UInt8(index))
            let distance = (r - red) * (r - red) + (g - green) * (g - green) + (b - blue) * (b - blue)
            if distance < bestDistance { best = index; bestDistance = distance }
        }
        return UInt8(best)
    }
}
