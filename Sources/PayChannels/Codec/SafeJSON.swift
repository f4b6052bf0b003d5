import Foundation
import PayCore

/// JSON parsing for bytes from outside: size and nesting depth are checked on the raw bytes
/// before `JSONSerialization` sees them, so a body nested a thousand deep is refused, not recursed.
public enum SafeJSON {
    public static let maxDepth = 32
    public static let maxBytes = 1 << 20

    /// Parses a JSON object, refusing non-UTF-8, over-deep, over-large or non-object input.
    public static func object(_ body: [UInt8], what: String = "body") throws(NotificationRejection) -> [String: Any] {
        guard !body.isEmpty else { throw NotificationRejection("empty JSON \(what)") }
        guard body.count <= maxBytes else { throw NotificationRejection("JSON \(what) larger than \(maxBytes) bytes") }
        guard String(validating: body, as: UTF8.self) != nil else { throw NotificationRejection("JSON \(what) is not valid UTF-8") }
        try checkDepth(body, what: what)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            throw NotificationRejection("JSON \(what) does not parse")
        }
        guard let object = parsed as? [String: Any] else { throw NotificationRejection("JSON \(what) is not an object") }
        return object
    }

    /// Counts bracket depth outside strings.
    static func checkDepth(_ body: [UInt8], what: String) throws(NotificationRejection) {
        var depth = 0, inString = false, escaped = false
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maxDepth { throw NotificationRejection("JSON \(what) nested deeper than \(maxDepth)") }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
    }

    /// Encodes a JSON object with sorted keys and unescaped slashes (the bytes then get signed), in
    /// `JSONWriter`'s form: for the channels' lower-case `snake_case` keys the same bytes
    /// `JSONSerialization` with `.sortedKeys` wrote before, at a fraction of its cost.
    public static func encode(_ object: [String: Any]) -> [UInt8] {
        var writer = JSONWriter()
        write(object, into: &writer)
        return writer.bytes
    }

    /// Writes a value of the kinds `JSONSerialization` takes (`String`, integers, `Bool`, `Double`,
    /// `NSNumber`, `NSNull`, arrays and `[String: …]` dictionaries of them).
    static func write(_ value: Any, into writer: inout JSONWriter) {
        // why first: a parsed NSNumber also casts to Int and Bool (`true` to 1, 1 to `true`); its
        // Objective-C type says which it is.
        let kind = type(of: value)
        if kind is NSNumber.Type {
            writeNumber(value as! NSNumber, into: &writer)
            return
        }
        // why exact types: Foundation bridges Bool and Int into each other in a cast.
        if kind == Bool.self { writer.writeBool(value as! Bool); return }
        if kind == Int.self { writer.writeInt(Int64(value as! Int)); return }
        if kind == Int64.self { writer.writeInt(value as! Int64); return }
        switch value {
        case let text as String: writer.writeString(text)
        case let object as [String: String]: writer.writeObject(object) { $0.writeString($1) }
        case let object as [String: Any]: writer.writeObject(object) { write($1, into: &$0) }
        case let array as [Any]: writer.writeArray(array) { write($1, into: &$0) }
        case let number as Int32: writer.writeInt(Int64(number))
        case let number as UInt64: writer.writeUInt(number)
        case let number as UInt: writer.writeUInt(UInt64(number))
        case let number as Double: writer.writeDouble(number)
        case is NSNull: writer.writeNull()
        case let text as Substring: writer.writeString(String(text))
        default: preconditionFailure("not JSON-encodable: \(kind)")
        }
    }

    private static func writeNumber(_ number: NSNumber, into writer: inout JSONWriter) {
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "c"), UInt8(ascii: "B"): writer.writeBool(number.boolValue)
        case UInt8(ascii: "f"), UInt8(ascii: "d"): writer.writeDouble(number.doubleValue)
        case UInt8(ascii: "Q"), UInt8(ascii: "L"), UInt8(ascii: "I"), UInt8(ascii: "S"): writer.writeUInt(number.uint64Value)
        default: writer.writeInt(number.int64Value)
        }
    }
}

/// Typed reads from a parsed JSON object, each failing with the field's path.
public struct JSONFields {
    public let object: [String: Any]
    public let path: String

    public init(_ object: [String: Any], path: String = "") {
        self.object = object
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func string(_ key: String) throws(NotificationRejection) -> String {
        guard let value = object[key] as? String else { throw NotificationRejection("field '\(name(key))' missing or not a string") }
        return value
    }

    public func optionalString(_ key: String) -> String? { object[key] as? String }

    /// An integer field (JSON number without a fraction, within Int64).
    public func int(_ key: String) throws(NotificationRejection) -> Int64 {
        guard let number = object[key] as? NSNumber, number.stringValue == String(number.int64Value) else {
            throw NotificationRejection("field '\(name(key))' missing or not a whole number")
        }
        return number.int64Value
    }

    public func nested(_ key: String) throws(NotificationRejection) -> JSONFields {
        guard let value = object[key] as? [String: Any] else { throw NotificationRejection("field '\(name(key))' missing or not an object") }
        return JSONFields(value, path: name(key))
    }
}
