/// A business detail the cashier fills in for a layout (guest, stay dates, passengers …).
public struct CheckoutField: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case text, date, money, toggle }
    public let key: String
    public let label: String
    public let kind: Kind
    public let placeholder: String

    public init(_ key: String, _ label: String, kind: Kind = .text, placeholder: String = "") {
        self.key = key
        self.label = label
        self.kind = kind
        self.placeholder = placeholder
    }
}
