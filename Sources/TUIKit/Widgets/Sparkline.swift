/// A one-line chart of values with block characters, scaled to the largest value.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The last `width` values as blocks (a space for none; zero is the lowest block).
    public static func text(_ values: [Int64], width: Int) -> String {
        let shown = values.suffix(max(0, width))
        guard let top = shown.max(), top > 0 else { return String(repeating: blocks[0], count: shown.count) }
        return String(shown.map { value in
            let level = Int((Double(max(0, value)) / Double(top) * Double(blocks.count - 1)).rounded())
            return blocks[min(blocks.count - 1, level)]
        })
    }
}
