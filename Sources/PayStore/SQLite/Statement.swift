import CSQLite3

/// A prepared statement. Not `Sendable`: it belongs to its connection's isolation domain.
/// Finalized when released.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    private unowned let connection: Connection
    private var boundArguments: [DatabaseValue] = []
    private var columnIndex: Row.ColumnIndex?

    init(connection: Connection, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw connection.error(code: code, sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds the arguments, replacing earlier ones. Their count must match the parameters.
    public func bind(_ arguments: [DatabaseValue]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw SQLiteError(extendedCode: SQLITE_RANGE, message: "expected \(expected) arguments, got \(arguments.count)",
                              sql: sql, arguments: arguments)
        }
        boundArguments = arguments
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
            case .real(let v): code = sqlite3_bind_double(handle, index, v)
            case .text(let v): code = sqlite3_bind_text(handle, index, v, -1, csqlite_transient())
            case .blob(let v):
                code = v.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), csqlite_transient())
                }
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    /// Runs the statement to completion, ignoring rows.
    public func execute() throws(SQLiteError) {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW { throw failure(code) }
        }
    }

    /// Runs the statement and collects every row.
    public func rows() throws(SQLiteError) -> [Row] {
        defer { sqlite3_reset(handle) }
        var result: [Row] = []
        let columns = index()
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return result }
            guard code == SQLITE_ROW else { throw failure(code) }
            result.append(readRow(columns))
        }
    }

    /// Runs the statement and hands each row to `body` as it is read, keeping none: for scans
    /// whose rows must not all sit in memory at once (a day of a channel account's payments).
    public func forEachRow(_ body: (Row) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        let columns = index()
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            try body(readRow(columns))
        }
    }

    /// Runs the statement and returns the first row, if any.
    public func firstRow() throws(SQLiteError) -> Row? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw failure(code) }
        return readRow(index())
    }

    private func index() -> Row.ColumnIndex {
        if let columnIndex { return columnIndex }
        let count = sqlite3_column_count(handle)
        let names = (0..<count).map { String(cString: sqlite3_column_name(handle, $0)) }
        let built = Row.ColumnIndex(names: names)
        columnIndex = built
        return built
    }

    private func readRow(_ columns: Row.ColumnIndex) -> Row {
        var values: [DatabaseValue] = []
        values.reserveCapacity(columns.names.count)
        for i in 0..<Int32(columns.names.count) {
            switch sqlite3_column_type(handle, i) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(handle, i)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(handle, i)))
            case SQLITE_TEXT:
                let text = sqlite3_column_text(handle, i).map { String(cString: $0) } ?? ""
                values.append(.text(text))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, i))
                if let pointer = sqlite3_column_blob(handle, i), count > 0 {
                    values.append(.blob(Array(UnsafeRawBufferPointer(start: pointer, count: count))))
                } else {
                    values.append(.blob([]))
                }
            default: values.append(.null)
            }
        }
        return Row(values: values, columns: columns)
    }

    private func failure(_ code: Int32) -> SQLiteError {
        connection.error(code: code, sql: sql, arguments: boundArguments)
    }

    func connectionError(_ code: Int32) -> SQLiteError { failure(code) }
}
