/// A one-line chart of values with block characters (▁▂▃▄▅▆▇█): scaled to the largest value or to
/// a given range, a missing value drawn as `missing`, and an optional threshold whose breaching
/// cells a screen draws in another style (`cells`) and whose level `thresholdGlyph` names.
public struct Sparkline: Hashable, Sendable {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Which side of the threshold is the bad one.
    public enum Breach: Hashable, Sendable { case above, below }

    /// The line a value crosses (`value`), and on which side it is bad (`breach`; at the threshold
    /// counts as breached, as `>=`/`<=` rules do: give the rule's own side).
    public struct Threshold: Hashable, Sendable {
        public var value: Double
        public var breach: Breach

        public init(_ value: Double, breach: Breach) {
            self.value = value
            self.breach = breach
        }

        func isBreached(by value: Double) -> Bool {
            breach == .above ? value >= self.value : value <= self.value
        }
    }

    /// One drawn cell: its character, and whether its value breaches the threshold.
    public struct Cell: Hashable, Sendable {
        public var character: Character
        public var breached: Bool
    }

    public var values: [Double?]
    /// The values mapped to the lowest and highest block; nil: from 0 (or the lowest value when
    /// negative) to the highest value and the threshold.
    public var range: ClosedRange<Double>?
    public var threshold: Threshold?
    /// Drawn for a value that is missing (no data that minute).
    public var missing: Character

    public init(_ values: [Double?], range: ClosedRange<Double>? = nil, threshold: Threshold? = nil, missing: Character = "·") {
        self.values = values
        self.range = range
        self.threshold = threshold
        self.missing = missing
    }

    /// The range the blocks span: the given one, else 0 (or the lowest value) to the highest of
    /// the values and the threshold; nil when there is nothing to scale.
    public var scale: ClosedRange<Double>? {
        if let range { return range }
        let present = values.compactMap { $0 } + (threshold.map { [$0.value] } ?? [])
        guard let top = present.max() else { return nil }
        let bottom = min(0, present.min() ?? 0)
        return bottom...top
    }

    /// The block index (0…7) of a value on `scale`; values outside the scale are clamped.
    public static func level(_ value: Double, on scale: ClosedRange<Double>) -> Int {
        let span = scale.upperBound - scale.lowerBound
        guard span > 0 else { return 0 }
        let fraction = (min(max(value, scale.lowerBound), scale.upperBound) - scale.lowerBound) / span
        return min(blocks.count - 1, Int((fraction * Double(blocks.count - 1)).rounded()))
    }

    /// The last `width` values as cells, oldest first.
    public func cells(width: Int) -> [Cell] {
        let shown = values.suffix(max(0, width))
        let scale = self.scale
        return shown.map { value in
            guard let value, let scale else { return Cell(character: missing, breached: false) }
            return Cell(character: Self.blocks[Self.level(value, on: scale)], breached: threshold?.isBreached(by: value) ?? false)
        }
    }

    /// The last `width` values as text.
    public func text(width: Int) -> String { String(cells(width: width).map(\.character)) }

    /// The block at the threshold's level: the marker a legend shows ("threshold ▆ 90 %").
    public var thresholdGlyph: Character? {
        guard let threshold, let scale else { return nil }
        return Self.blocks[Self.level(threshold.value, on: scale)]
    }

    /// Draws the last `width` values at (x, y): breaching cells in `breachStyle`. Returns the
    /// columns used.
    @discardableResult
    public func render(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, style: Style, breachStyle: Style) -> Int {
        let cells = cells(width: width)
        for (index, cell) in cells.enumerated() {
            buffer.put(String(cell.character), x: x + index, y: y, style: cell.breached ? breachStyle : style, maxWidth: 1)
        }
        return cells.count
    }

    /// The last `width` counts as blocks, scaled to the largest (zero is the lowest block).
    public static func text(_ values: [Int64], width: Int) -> String {
        Sparkline(values.map { Double(max(0, $0)) }).text(width: width)
    }

    /// How `fold` merges the values that share a cell.
    public enum Fold: Sendable { case sum, mean, max }

    /// Folds `values` into `width` cells, oldest first, each cell merging its share of
    /// consecutive values (an hour of minutes in 20 columns: three minutes a cell); a cell with no
    /// value is nil. Fewer values than cells are returned as they are.
    public static func fold(_ values: [Double?], into width: Int, by fold: Fold) -> [Double?] {
        guard width > 0 else { return [] }
        guard values.count > width else { return values }
        return (0..<width).map { cell in
            let present = values[cell * values.count / width ..< (cell + 1) * values.count / width].compactMap { $0 }
            guard !present.isEmpty else { return nil }
            switch fold {
            case .sum: return present.reduce(0, +)
            case .mean: return present.reduce(0, +) / Double(present.count)
            case .max: return present.max()
            }
        }
    }
}
