/// A theme file line that could not be read: which file, which line, what is wrong.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// "themes/dark.theme:12: unknown colour 'pruple'" (no line number for a file-level problem).
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
