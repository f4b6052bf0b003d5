import Foundation

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

    /// Encodes a JSON object with sorted keys and unescaped slashes (the bytes then get signed).
    public static func encode(_ object: [String: Any]) -> [UInt8] {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            preconditionFailure("not JSON-encodable: \(object)")
        }
        return [UInt8](data)
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
