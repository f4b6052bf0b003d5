import CSQLite3

/// An error from SQLite with everything needed to act on it: the extended result code, SQLite's
/// message, and the statement and arguments that failed.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY_SNAPSHOT`, …).
    public let extendedCode: Int32
    public let message: String
    public let sql: String?
    public let arguments: [DatabaseValue]

    public init(extendedCode: Int32, message: String, sql: String? = nil, arguments: [DatabaseValue] = []) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.arguments = arguments
    }

    /// The primary result code (the low byte of the extended one).
    public var code: Int32 { extendedCode & 0xFF }

    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
    public var isUniqueViolation: Bool { extendedCode == csqlite_constraint_unique() || extendedCode == csqlite_constraint_primarykey() }
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    public var isNotADatabase: Bool { code == SQLITE_NOTADB }
    /// The file could not be opened, or it or its folder may not be written (`SQLITE_CANTOPEN`,
    /// `SQLITE_READONLY` and their extended codes, `SQLITE_PERM`).
    public var isAccessDenied: Bool { code == SQLITE_CANTOPEN || code == SQLITE_READONLY || code == SQLITE_PERM }

    public var description: String {
        var text = "SQLite error \(extendedCode): \(message)"
        if let sql { text += " — while executing `\(sql)`" }
        if !arguments.isEmpty { text += " with \(arguments.map(\.description))" }
        return text
    }
}
