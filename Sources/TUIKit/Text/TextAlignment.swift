/// Where text sits in a column wider than itself.
public enum TextAlignment: Sendable, Hashable {
    case left, right, center
}
