/// The placeholders and arguments of an `IN (…)` list of enum cases, so that a status set is bound
/// from its enum and never written into the SQL: `status IN (\(list.sql))`, with `list.arguments`
/// appended to the statement's arguments at that place.
public struct BoundList {
    /// `?, ?, ?`: one placeholder a value.
    public let sql: String
    public let arguments: StatementArguments

    public init<Value: RawRepresentable>(_ values: [Value]) where Value.RawValue == String {
        precondition(!values.isEmpty, "an IN list needs at least one value")
        sql = Array(repeating: "?", count: values.count).joined(separator: ", ")
        arguments = values.map { $0.rawValue }
    }
}
