/// How many terminal columns text takes, after Unicode's East Asian Width property (UAX #11):
/// wide and fullwidth characters take two columns, combining marks and format characters none,
/// everything else one. `¥` (U+00A5) is narrow; `￥` (U+FFE5) is wide.
public enum DisplayWidth {
    /// Ranges of East Asian Wide (W) and Fullwidth (F) code points, plus emoji with default emoji
    /// presentation, sorted for binary search (Unicode 15 EastAsianWidth.txt, condensed).
    static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202,
        0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265, 0x1F300...0x1F320,
        0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3,
        0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC,
        0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596,
        0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2,
        0x1F6D5...0x1F6D7, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB, 0x1F90C...0x1F93A,
        0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// Columns of one code point: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(value) { return 0 }  // Hangul medial vowels and final consonants join the syllable
        return isWide(value) ? 2 : 1
    }

    /// Columns of one grapheme: its base's width (an emoji presentation selector widens a narrow base).
    public static func of(_ character: Character) -> Int {
        var scalars = character.unicodeScalars.makeIterator()
        guard let base = scalars.next() else { return 0 }
        var width = of(base)
        while let next = scalars.next() {
            if next.value == 0xFE0F && width == 1 { width = 2 }
        }
        return width
    }

    /// Columns of a string.
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0, high = wide.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wide[mid]
            if value < range.lowerBound { high = mid - 1 } else if value > range.upperBound { low = mid + 1 } else { return true }
        }
        return false
    }
}

extension String {
    /// Columns the string takes on a terminal.
    public var displayWidth: Int { DisplayWidth.of(self) }

    /// The longest prefix that fits in `columns`, with `…` when cut (a wide character never split).
    public func truncated(toWidth columns: Int, ellipsis: Bool = true) -> String {
        if columns <= 0 { return "" }
        if displayWidth <= columns { return self }
        let budget = ellipsis ? columns - 1 : columns
        var result = "", used = 0
        for character in self {
            let width = DisplayWidth.of(character)
            if used + width > budget { break }
            result.append(character)
            used += width
        }
        return ellipsis ? result + "…" : result
    }

    /// Pads with spaces (or cuts) to exactly `columns`, aligned left, right or centred.
    public func padded(toWidth columns: Int, alignment: TextAlignment = .left) -> String {
        let text = truncated(toWidth: columns)
        let gap = max(0, columns - text.displayWidth)
        switch alignment {
        case .left: return text + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + text
        case .center: return String(repeating: " ", count: gap / 2) + text + String(repeating: " ", count: gap - gap / 2)
        }
    }
}


extension String {
    /// Splits into lines of at most `columns` columns at spaces (a word longer than a line is cut).
    public func wrapped(toWidth columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if candidate.displayWidth <= columns {
                current = candidate
            } else {
                if !current.isEmpty { lines.append(current) }
                current = word.displayWidth <= columns ? word : word.truncated(toWidth: columns)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Splits into pieces of at most `columns` columns, wherever the width runs out: for text with
    /// no spaces that must be read whole (a file name, a path).
    public func broken(toWidth columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var pieces: [String] = []
        var current = "", used = 0
        for character in self {
            let width = DisplayWidth.of(character)
            if used + width > columns, !current.isEmpty {
                pieces.append(current)
                current = ""
                used = 0
            }
            current.append(character)
            used += width
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
