/// A filter line that did not parse: the service's message and the column it names, if any
/// ("filter column 12: unknown key 'bogus'"), for the caret under the filter line.
struct FilterError: Equatable {
    let message: String
    /// 1-based column of the filter text where the problem starts.
    let column: Int?

    init(_ message: String) {
        self.message = message
        column = FilterError.column(in: message)
    }

    static func column(in message: String) -> Int? {
        let prefix = "filter column "
        guard message.hasPrefix(prefix) else { return nil }
        return Int(message.dropFirst(prefix.count).prefix { $0.isNumber })
    }
}
