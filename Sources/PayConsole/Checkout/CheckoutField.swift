import PayCore

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

    /// The form field of one of the line's typed details (`LineDetails.fields`, the one list the
    /// service checks the details against).
    public init(_ field: DetailField) {
        let kind: Kind
        switch field.kind {
        case .date: kind = .date
        case .money: kind = .money
        case .toggle: kind = .toggle
        case .text, .names, .segments, .session: kind = .text
        }
        self.init(field.key, field.label, kind: kind, placeholder: field.placeholder)
    }

    /// The fields of a layout that takes typed details.
    static func fields(layout: String) -> [CheckoutField] { LineDetails.fields(layout: layout).map(CheckoutField.init) }
}
