/// One result row: values by position, and by column name through a table shared by the rows of
/// one statement.
public struct Row: Sendable {
    public let values: [DatabaseValue]
    let columns: ColumnIndex

    final class ColumnIndex: Sendable {
        let names: [String]
        let positions: [String: Int]
        init(names: [String]) {
            self.names = names
            var positions: [String: Int] = [:]
            for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
            self.positions = positions
        }
    }

    public subscript(_ index: Int) -> DatabaseValue { values[index] }

    public subscript(_ name: String) -> DatabaseValue {
        guard let index = columns.positions[name] else {
            preconditionFailure("no column '\(name)' in result (columns: \(columns.names))")
        }
        return values[index]
    }

    public var columnNames: [String] { columns.names }

    public func int64(_ name: String) -> Int64 {
        switch self[name] {
        case .integer(let v): v
        case .real(let v): Int64(v)
        case .text(let t): Int64(t) ?? 0
        default: 0
        }
    }

    public func optionalInt64(_ name: String) -> Int64? {
        if case .null = self[name] { return nil }
        return int64(name)
    }

    public func int(_ name: String) -> Int { Int(int64(name)) }

    public func bool(_ name: String) -> Bool { int64(name) != 0 }

    public func double(_ name: String) -> Double {
        switch self[name] {
        case .integer(let v): Double(v)
        case .real(let v): v
        default: 0
        }
    }

    public func string(_ name: String) -> String { optionalString(name) ?? "" }

    public func optionalString(_ name: String) -> String? {
        switch self[name] {
        case .text(let t): t
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .blob(let b): String(decoding: b, as: UTF8.self)
        case .null: nil
        }
    }

    public func blob(_ name: String) -> [UInt8] {
        switch self[name] {
        case .blob(let b): b
        case .text(let t): Array(t.utf8)
        default: []
        }
    }

    public func optionalBlob(_ name: String) -> [UInt8]? {
        if case .null = self[name] { return nil }
        return blob(name)
    }
}
