/// A column of a table: its title, width, alignment and how long it stays when space runs out.
public struct TableColumn: Hashable, Sendable {
    /// How wide a column is: a fixed number of columns, or a share of what is left (at least `min`).
    public enum Width: Hashable, Sendable { case fixed(Int), flex(min: Int) }
    public var title: String
    public var width: Width
    public var alignment: TextAlignment
    /// When the columns do not fit, the lowest priority hides first (equal ones right to left);
    /// `TableColumn.required` never hides.
    public var priority: Int

    /// Columns that stay however narrow the table gets.
    public static let required = Int.max

    public init(_ title: String, width: Width, alignment: TextAlignment = .left, priority: Int = TableColumn.required) {
        self.title = title
        self.width = width
        self.alignment = alignment
        self.priority = priority
    }

    /// The fewest columns this column takes.
    public var minimumWidth: Int {
        switch width {
        case .fixed(let w): return w
        case .flex(let m): return m
        }
    }
}
