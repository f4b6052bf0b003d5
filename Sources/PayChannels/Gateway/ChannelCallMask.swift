import Foundation
import PayCore

/// Masks what a recorded channel call must not keep: signatures, keys, secrets, tokens and
/// passwords (by field or header name), and card numbers and card codes anywhere in the text
/// (`CardNumberMask`). JSON bodies are masked field by field; form bodies (`a=1&b=2`) per
/// parameter; XML per element; anything else by `CardNumberMask` alone.
public enum ChannelCallMask {
    public static let masked = "***"

    /// Whether a field or header of this name holds a secret or card data (case ignored).
    public static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower == "number" || lower.hasSuffix(".number") { return true }
        return secretParts.contains { lower.contains($0) }
    }

    static let secretParts = ["sign", "secret", "key", "token", "password", "authorization", "cvc", "cvv", "security_code",
                              "card_number", "cardnumber", "pan", "cert"]

    public static func headers(_ headers: [String: String]) -> [String: String] {
        headers.reduce(into: [:]) { out, pair in out[pair.key] = isSecret(pair.key) ? masked : CardNumberMask.mask(pair.value) }
    }

    public static func body(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let structured: String
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("["), let json = maskJSON(trimmed) {
            structured = json
        } else if trimmed.hasPrefix("<") {
            structured = maskXML(trimmed)
        } else if looksLikeForm(trimmed) {
            structured = maskForm(trimmed)
        } else {
            structured = text
        }
        // why: a card number under an innocent name (a description) is still card data.
        return CardNumberMask.mask(structured)
    }

    /// A path's query string masked like a form body.
    public static func path(_ path: String) -> String {
        guard let mark = path.firstIndex(of: "?") else { return CardNumberMask.mask(path) }
        return CardNumberMask.mask(String(path[..<mark]) + "?" + maskForm(String(path[path.index(after: mark)...])))
    }

    static func looksLikeForm(_ text: String) -> Bool {
        !text.isEmpty && text.contains("=") && !text.contains(" ") && !text.contains("\n")
    }

    static func maskForm(_ text: String) -> String {
        text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = String(pair[..<equals])
            return isSecret(name.removingPercentEncoding ?? name) ? "\(name)=\(masked)" : String(pair)
        }.joined(separator: "&")
    }

    static func maskJSON(_ text: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
        var writer = JSONWriter(escapesSlashes: true, reservingCapacity: text.utf8.count + 16)
        SafeJSON.write(maskValue(object, name: nil), into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func maskValue(_ value: Any, name: String?) -> Any {
        if let name, isSecret(name), !(value is [String: Any]), !(value is [Any]) { return masked }
        switch value {
        case let object as [String: Any]:
            return object.reduce(into: [String: Any]()) { out, pair in out[pair.key] = maskValue(pair.value, name: pair.key) }
        case let array as [Any]:
            return array.map { maskValue($0, name: name) }
        case let text as String:
            return CardNumberMask.mask(text)
        default:
            return value
        }
    }

    /// `<name>value</name>` with a secret name gets `***` for its value.
    static func maskXML(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            output += rest[open...close]
            rest = rest[rest.index(after: close)...]
            let name = tag.split(separator: " ").first.map(String.init) ?? ""
            guard !name.hasPrefix("/"), !name.hasPrefix("?"), !tag.hasSuffix("/"), isSecret(name),
                  let end = rest.range(of: "</\(name)>") else { continue }
            output += masked
            rest = rest[end.lowerBound...]
        }
        return output + rest
    }
}
