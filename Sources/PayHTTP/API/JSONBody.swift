import Foundation
import PayCore

/// One JSON value of a request body, as sent: kept apart by type so a field of the wrong type is
/// refused by name ("items[1].quantity: a whole number expected, got a string") rather than coerced.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .integer(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    /// What a person calls this value's type, for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The fields of one JSON object of a request body, read by name; every read names the field's
/// path (`items[0].unitPrice`) in its error, and `finish()` refuses fields nobody read (a typo
/// such as `ammount` is an error, not a silently ignored field).
struct JSONFields {
    let values: [String: JSONValue]
    /// "" for the body itself, "card." or "items[2]." for nested objects.
    let prefix: String
    private var read: Set<String> = []

    init(_ values: [String: JSONValue], prefix: String = "") {
        self.values = values
        self.prefix = prefix
    }

    /// The body of `request` as a JSON object; an empty body is an empty object. Checks the
    /// content type first (415), then the syntax (`malformed_json`).
    static func body(of request: HTTPRequest) throws(APIFailure) -> JSONFields {
        if request.body.isEmpty { return JSONFields([:]) }
        try requireJSONContentType(request)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(request.body))
        } catch {
            throw APIFailure.malformedJSON("the body is not valid JSON (\(describe(error)))")
        }
        guard case .object(let fields) = value else {
            throw APIFailure.malformedJSON("the body must be a JSON object, not \(value.typeName)")
        }
        if let repeated = DuplicateKeys.first(in: request.body) {
            throw APIFailure.malformedJSON("the body names '\(repeated)' twice in one object; send each field once")
        }
        return JSONFields(fields)
    }

    /// `application/json`, with or without `; charset=utf-8` (no other charset).
    static func requireJSONContentType(_ request: HTTPRequest) throws(APIFailure) {
        let given = request.header("content-type")
        let parts = (given ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { throw APIFailure.unsupportedMediaType(given) }
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            guard parameter == "charset=utf-8" || parameter == "charset=\"utf-8\"" else { throw APIFailure.unsupportedMediaType(given) }
        }
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context)? = error as? DecodingError {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "unreadable"
    }

    func path(_ name: String) -> String { prefix + name }

    private mutating func value(_ name: String) -> JSONValue? {
        read.insert(name)
        guard let value = values[name] else { return nil }
        if case .null = value { return nil }
        return value
    }

    // MARK: Reading fields

    mutating func string(_ name: String) throws(APIFailure) -> String {
        guard let value = try optionalString(name) else { throw APIFailure.invalid(path(name), "\(path(name)): required") }
        return value
    }

    /// A string field; absent or null is nil.
    mutating func optionalString(_ name: String) throws(APIFailure) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let text) = value else {
            throw APIFailure.invalid(path(name), "\(path(name)): a string expected, got \(value.typeName)")
        }
        return text
    }

    /// A whole-number field within `range`; absent or null is nil.
    mutating func optionalInteger(_ name: String, in range: ClosedRange<Int64>) throws(APIFailure) -> Int64? {
        guard let value = value(name) else { return nil }
        guard case .integer(let number) = value else {
            throw APIFailure.invalid(path(name), "\(path(name)): a whole number expected, got \(value.typeName)")
        }
        guard range.contains(number) else {
            throw APIFailure.invalid(path(name), "\(path(name)) \(number): from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int64>) throws(APIFailure) -> Int64 {
        guard let value = try optionalInteger(name, in: range) else { throw APIFailure.invalid(path(name), "\(path(name)): required") }
        return value
    }

    /// A nested object; absent or null is nil.
    mutating func optionalObject(_ name: String) throws(APIFailure) -> JSONFields? {
        guard let value = value(name) else { return nil }
        guard case .object(let fields) = value else {
            throw APIFailure.invalid(path(name), "\(path(name)): an object expected, got \(value.typeName)")
        }
        return JSONFields(fields, prefix: path(name) + ".")
    }

    /// An array of objects, at most `limit` long; absent or null is empty.
    mutating func objects(_ name: String, limit: Int) throws(APIFailure) -> [JSONFields] {
        guard let value = value(name) else { return [] }
        guard case .array(let elements) = value else {
            throw APIFailure.invalid(path(name), "\(path(name)): an array expected, got \(value.typeName)")
        }
        guard elements.count <= limit else {
            throw APIFailure.invalid(path(name), "\(path(name)): \(elements.count) entries, at most \(limit)")
        }
        var result: [JSONFields] = []
        for (index, element) in elements.enumerated() {
            let at = "\(path(name))[\(index)]"
            guard case .object(let fields) = element else {
                throw APIFailure.invalid(at, "\(at): an object expected, got \(element.typeName)")
            }
            result.append(JSONFields(fields, prefix: at + "."))
        }
        return result
    }

    /// An object whose values are all strings (free-form attributes); absent or null is empty.
    mutating func stringMap(_ name: String, limit: Int) throws(APIFailure) -> [String: String] {
        guard let object = try optionalObject(name) else { return [:] }
        guard object.values.count <= limit else {
            throw APIFailure.invalid(path(name), "\(path(name)): \(object.values.count) entries, at most \(limit)")
        }
        var result: [String: String] = [:]
        for (key, value) in object.values {
            guard case .string(let text) = value else {
                throw APIFailure.invalid(object.path(key), "\(object.path(key)): a string expected, got \(value.typeName)")
            }
            result[key] = text
        }
        return result
    }

    /// Refuses fields that were not read: the first unknown one, by name.
    func finish() throws(APIFailure) {
        if let unknown = values.keys.sorted().first(where: { !read.contains($0) }) {
            throw APIFailure.invalid(path(unknown), "\(path(unknown).prefix(100)): unknown field")
        }
    }

    // MARK: Values the services check

    /// Runs a PayCore parser on a field's text; its error is tagged with the field's path.
    func parse<T>(_ name: String, _ parser: (String) throws(PayError) -> T, _ text: String) throws(APIFailure) -> T {
        do {
            return try parser(text)
        } catch {
            throw APIFailure.invalid(path(name), error.message)
        }
    }
}

/// The first key named twice in one object of a JSON text already known to be valid.
///
/// why: JSON leaves repeated names undefined; the decoder keeps one value and other parsers the
/// other, so a business system (or a firewall) that checked `"amount": "1.00"` could have
/// `"amount": "999.00"` charged. Repeats are refused instead of resolved.
enum DuplicateKeys {
    static func first(in bytes: [UInt8]) -> String? {
        // One frame per open object or array: an object's keys so far and whether a key comes next.
        var frames: [(keys: Set<String>, isObject: Bool, expectsKey: Bool)] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): frames.append(([], true, true))
            case UInt8(ascii: "["): frames.append(([], false, false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = frames.popLast()
            case UInt8(ascii: ","): if let last = frames.indices.last, frames[last].isObject { frames[last].expectsKey = true }
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if let last = frames.indices.last, frames[last].isObject, frames[last].expectsKey {
                    frames[last].expectsKey = false
                    // why decoded: "a" and "\u0061" name the same field.
                    let token = Data(bytes[start...min(index, bytes.count - 1)])
                    let key = (try? JSONSerialization.jsonObject(with: token, options: .fragmentsAllowed)) as? String ?? String(decoding: token, as: UTF8.self)
                    if !frames[last].keys.insert(key).inserted { return key }
                }
            default: break
            }
            index += 1
        }
        return nil
    }
}
