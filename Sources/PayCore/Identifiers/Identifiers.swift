/// Validation shared by the identifiers people type: length and no control characters.
enum IdentifierRules {
    static func check(_ text: String, field: String, maxLength: Int) throws(PayError) {
        if text.isEmpty { throw PayError.invalidInput("\(field): empty") }
        if text.unicodeScalars.count > maxLength {
            throw PayError.invalidInput("\(field) '\(text.prefix(20))…': \(text.unicodeScalars.count) characters, at most \(maxLength)")
        }
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator {
                throw PayError.invalidInput("\(field): control character U+\(String(scalar.value, radix: 16, uppercase: true)) at position \(offset + 1)")
            }
        }
        if text.first?.isWhitespace == true || text.last?.isWhitespace == true {
            throw PayError.invalidInput("\(field) '\(text)': leading or trailing spaces")
        }
    }
}

/// A business line's own order number: unique per business line, 1–64 characters, no control characters.
public struct MerchantOrderNo: Hashable, Sendable, CustomStringConvertible {
    public static let maxLength = 64
    public let rawValue: String

    public init(_ text: String, field: String = "order no") throws(PayError) {
        try IdentifierRules.check(text, field: field, maxLength: Self.maxLength)
        rawValue = text
    }

    /// An order no read back from the store, where it was checked when written.
    public init(stored text: String) { rawValue = text }

    public var description: String { rawValue }
}

/// A business line's own refund number: unique per business line, 1–64 characters.
public struct MerchantRefundNo: Hashable, Sendable, CustomStringConvertible {
    public static let maxLength = 64
    public let rawValue: String

    public init(_ text: String, field: String = "refund no") throws(PayError) {
        try IdentifierRules.check(text, field: field, maxLength: Self.maxLength)
        rawValue = text
    }

    public var description: String { rawValue }
}

/// A business line's code ("retail", "hotel"): lower-case letters, digits and '-', 1–32 characters.
public struct BusinessLineCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String, field: String = "business line") throws(PayError) {
        guard !text.isEmpty, text.count <= 32,
              text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw PayError.invalidInput("\(field) '\(text)': use 1–32 lower-case letters, digits or '-'")
        }
        rawValue = text
    }

    /// A code read back from the store, where it was checked when written.
    public init(stored text: String) { rawValue = text }

    public var description: String { rawValue }
}

/// An idempotency key sent by a client: 1–255 printable characters.
public struct IdempotencyKey: Hashable, Sendable, CustomStringConvertible {
    public static let maxLength = 255
    public let rawValue: String

    public init(_ text: String, field: String = "idempotency key") throws(PayError) {
        try IdentifierRules.check(text, field: field, maxLength: Self.maxLength)
        rawValue = text
    }

    public var description: String { rawValue }
}

/// The center's own serial for an order, a payment attempt or a refund: time-sortable, unique,
/// at most 32 characters (WeChat Pay's limit for `out_trade_no`). See `SerialGenerator`.
public struct Serial: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let maxLength = 32
    public let rawValue: String

    /// Wraps a serial read back from the store or typed by a person (checked for shape only).
    public init(_ text: String, field: String = "serial") throws(PayError) {
        guard !text.isEmpty, text.count <= Self.maxLength,
              text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
            throw PayError.invalidInput("\(field) '\(text)': a serial is 1–32 upper-case letters and digits")
        }
        rawValue = text
    }

    init(unchecked text: String) { rawValue = text }

    /// A serial read back from the store, where it was made by `SerialGenerator`.
    public init(stored text: String) { rawValue = text }

    /// What the serial names, from its first letter.
    public var kind: SerialKind? { rawValue.first.flatMap { SerialKind(rawValue: $0) } }

    public static func < (lhs: Serial, rhs: Serial) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}

/// The first letter of a serial says what it names.
public enum SerialKind: Character, Sendable {
    case order = "O"
    case payment = "P"
    case refund = "R"
}
