/// Writes JSON text straight into bytes, with no intermediate objects: the encoder of the payment
/// path (the center's requests to the channels, the sandbox's answers), where Foundation's encoders
/// cost a quarter of a payment's CPU.
///
/// The output is compact and byte for byte what `JSONEncoder` with `.sortedKeys` writes:
/// - object keys in the order of their UTF-8 bytes (`JSONWriter.precedes`);
/// - strings with `"` and `\` escaped, `\b \f \n \r \t` for those controls, `\u00xx` (lower-case
///   hex) for the other controls below U+0020, everything else as UTF-8 (U+007F, U+2028 included);
/// - `/` as is, or `\/` when `escapesSlashes` (Foundation's default);
/// - integers in decimal; finite doubles in Swift's shortest form without a trailing `.0`.
/// For keys made of lower-case ASCII letters and `_` this is also `JSONSerialization`'s
/// `.sortedKeys` order (which otherwise sorts like a collator: case folded, digits as numbers).
public struct JSONWriter: Sendable {
    public let escapesSlashes: Bool
    public private(set) var bytes: [UInt8] = []

    public init(escapesSlashes: Bool = false, reservingCapacity capacity: Int = 256) {
        self.escapesSlashes = escapesSlashes
        bytes.reserveCapacity(capacity)
    }

    /// Whether key `a` sorts before key `b`: by their UTF-8 bytes, which is Unicode scalar order.
    @inlinable
    public static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    public mutating func writeNull() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    public mutating func writeBool(_ value: Bool) {
        if value { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
    }

    public mutating func writeInt(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        writeDigits(value.magnitude)
    }

    public mutating func writeUInt(_ value: UInt64) { writeDigits(value) }

    /// A finite double as `JSONEncoder` writes it (`1`, `0.1`, `1e+20`, `5e-324`).
    public mutating func writeDouble(_ value: Double) {
        precondition(value.isFinite, "JSON has no \(value)")
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A string, quoted and escaped.
    public mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let slashes = escapesSlashes
        // why: most strings on the payment path have nothing to escape; they are copied from their
        // contiguous storage in one go.
        let copied: Bool? = value.utf8.withContiguousStorageIfAvailable { buffer in
            guard !buffer.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || ($0 == 0x2F && slashes) }) else { return false }
            bytes.append(contentsOf: buffer)
            return true
        }
        if copied != true {
            for byte in value.utf8 { writeEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An object of `entries`, keys sorted, each value written by `value`.
    public mutating func writeObject<Value>(_ entries: [String: Value], _ value: (inout JSONWriter, Value) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for key in entries.keys.sorted(by: Self.precedes) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
            value(&self, entries[key]!)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// An array of `elements` in their order, each written by `element`.
    public mutating func writeArray<Elements: Sequence>(_ elements: Elements, _ element: (inout JSONWriter, Elements.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A whole value.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let flag): writeBool(flag)
        case .int(let number): writeInt(number)
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let elements): writeArray(elements) { $0.write($1) }
        case .object(let entries): writeObject(entries) { $0.write($1) }
        }
    }

    private mutating func writeDigits(_ value: UInt64) {
        guard value >= 10 else {
            bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt64, Int) = (value, 0)
        while digits.0 > 0 { digits.0 /= 10; digits.1 += 1 }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits.1))
        var rest = value
        var index = start + digits.1 - 1
        while rest > 0 {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
    }

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x2F where escapesSlashes: bytes.append(contentsOf: [0x5C, 0x2F])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x00..<0x20:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        default: bytes.append(byte)
        }
    }
}

/// A JSON value with its types spelled out, for callers that build a document without Foundation.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value as compact JSON text in `JSONWriter`'s form.
    public func encoded(escapesSlashes: Bool = false) -> [UInt8] {
        var writer = JSONWriter(escapesSlashes: escapesSlashes)
        writer.write(self)
        return writer.bytes
    }
}
