/// The labels of an alert or a metric series, kept sorted by name so equal sets compare and print
/// the same (`fingerprint`): one alert per rule and label set.
public struct AlertLabels: Hashable, Sendable, CustomStringConvertible {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ labels: [String: String] = [:]) {
        pairs = labels.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    public subscript(name: String) -> String? {
        get { pairs.first { $0.name == name }?.value }
        set {
            pairs.removeAll { $0.name == name }
            if let newValue {
                pairs.append((name, newValue))
                pairs.sort { $0.name < $1.name }
            }
        }
    }

    public var isEmpty: Bool { pairs.isEmpty }
    public var dictionary: [String: String] { Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) }) }

    /// `name="value",…` sorted by name, values escaped as in the Prometheus text format. Stable:
    /// stored as the alert's key and parsed back by `init(fingerprint:)`.
    public var fingerprint: String {
        pairs.map { "\($0.name)=\"\(Self.escape($0.value))\"" }.joined(separator: ",")
    }

    public var description: String { "{\(fingerprint)}" }

    /// Whether every pair of `other` is in these labels.
    public func contains(_ other: AlertLabels) -> Bool {
        other.pairs.allSatisfy { self[$0.name] == $0.value }
    }

    /// Parses a `fingerprint` back; nil when the text is not one.
    public init?(fingerprint text: String) {
        var labels: [String: String] = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let name = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            var value = ""
            var closed = false
            while let c = rest.first {
                rest = rest.dropFirst()
                if c == "\\", let next = rest.first {
                    rest = rest.dropFirst()
                    value.append(next == "n" ? "\n" : next)
                } else if c == "\"" {
                    closed = true
                    break
                } else {
                    value.append(c)
                }
            }
            guard closed, !name.isEmpty else { return nil }
            labels[name] = value
            if rest.first == "," { rest = rest.dropFirst() } else if !rest.isEmpty { return nil }
        }
        self.init(labels)
    }

    /// A label value escaped for the Prometheus text format (backslash, quote, newline).
    /// Scalar by scalar: Swift holds "\r\n" as one Character, which a Character match would miss.
    public static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public static func == (lhs: AlertLabels, rhs: AlertLabels) -> Bool { lhs.fingerprint == rhs.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}
