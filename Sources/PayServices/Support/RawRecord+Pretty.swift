import Foundation
import PayCore

extension RawRecord {
    /// The body for the viewer: JSON pretty-printed (keys sorted, 2-space indent), form fields
    /// (a=1&b=2, percent-decoded) and XML elements as a two-column "name  value" table, text as is.
    /// A channel call's answer follows its request under "request:" / "answer:" headings.
    public var prettyLines: [String] {
        guard let answer else { return Self.pretty(body, format) }
        return ["request:"] + Self.pretty(body, format).map { "  " + $0 } + ["", "answer:"]
            + Self.pretty(answer, answerFormat).map { "  " + $0 }
    }

    /// `text` laid out as `format`; text that does not parse as its format is shown as is.
    public static func pretty(_ text: String, _ format: Format) -> [String] {
        switch format {
        case .json: return prettyJSON(text) ?? lines(text)
        case .form: return table(formFields(text))
        case .xml:
            let fields = xmlFields(text)
            return fields.isEmpty ? lines(text) : table(fields)
        case .text: return lines(text)
        }
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
    }

    /// Two columns: names padded to the longest.
    static func table(_ fields: [Field]) -> [String] {
        let width = fields.map(\.name.count).max() ?? 0
        return fields.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.value }
    }

    // MARK: Form

    /// `a=1&b=2` as fields in their order, names and values percent-decoded (`+` is a space).
    static func formFields(_ text: String) -> [Field] {
        text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return Field(decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    // MARK: XML

    /// The leaf elements (`<name>value</name>`, CDATA unwrapped) in document order.
    static func xmlFields(_ text: String) -> [Field] {
        var fields: [Field] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            guard let name = tag.split(separator: " ").first, !name.hasPrefix("/"), !name.hasPrefix("?"), !name.hasPrefix("!"),
                  !tag.hasSuffix("/"), let end = rest.range(of: "</\(name)>") else { continue }
            var value = String(rest[..<end.lowerBound])
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") {
                value = String(value.dropFirst(9).dropLast(3))
            } else if value.contains("<") {
                continue
            }
            fields.append(Field(String(name), value.trimmingCharacters(in: .whitespacesAndNewlines)))
            rest = rest[end.upperBound...]
        }
        return fields
    }

    // MARK: JSON

    static func prettyJSON(_ text: String) -> [String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
        var out: [String] = []
        write(object, indent: "", prefix: "", suffix: "", into: &out)
        return out
    }

    /// One value at `indent`, its first line starting with `prefix` ("\"key\": ") and its last
    /// ending with `suffix` (",").
    static func write(_ value: Any, indent: String, prefix: String, suffix: String, into out: inout [String]) {
        let inner = indent + "  "
        switch value {
        case let object as [String: Any]:
            guard !object.isEmpty else { out.append(indent + prefix + "{}" + suffix); return }
            out.append(indent + prefix + "{")
            let keys = object.keys.sorted()
            for (index, key) in keys.enumerated() {
                write(object[key]!, indent: inner, prefix: scalar(key) + ": ", suffix: index == keys.count - 1 ? "" : ",", into: &out)
            }
            out.append(indent + "}" + suffix)
        case let array as [Any]:
            guard !array.isEmpty else { out.append(indent + prefix + "[]" + suffix); return }
            out.append(indent + prefix + "[")
            for (index, element) in array.enumerated() {
                write(element, indent: inner, prefix: "", suffix: index == array.count - 1 ? "" : ",", into: &out)
            }
            out.append(indent + "]" + suffix)
        default:
            out.append(indent + prefix + scalar(value) + suffix)
        }
    }

    /// A string, number, bool or null as JSON writes it.
    static func scalar(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]) else {
            return "\(value)"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension RawRecord.Format {
    /// The format a body looks like: JSON, XML, a form (`a=1&b=2`), or text.
    public static func detect(_ text: String) -> RawRecord.Format {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return .json }
        if trimmed.hasPrefix("<") { return .xml }
        if !trimmed.isEmpty, trimmed.contains("="), !trimmed.contains(" "), !trimmed.contains("\n") { return .form }
        return .text
    }
}
