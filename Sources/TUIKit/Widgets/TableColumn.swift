/// A column of a table: its title, width and alignment.
public struct TableColumn: Hashable, Sendable {
    /// How wide a column is: a fixed number of columns, or a share of what is left (at least `min`).
    public enum Width: Hashable, Sendable { case fixed(Int), flex(min: Int) }
    public var title: String
    public var width: Width
    public var alignment: TextAlignment

    public init(_ title: String, width: Width, alignment: TextAlignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}
