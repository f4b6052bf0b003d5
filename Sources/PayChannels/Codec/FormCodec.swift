/// `application/x-www-form-urlencoded` as Alipay and UnionPay send it: strict on the way in
/// (valid UTF-8, valid percent escapes, no key twice), sorted `k=v&…` for signing.
public enum FormCodec {
    /// Parses a form body into an ordered list of pairs.
    ///
    /// Throws for bytes that are not UTF-8 after decoding, a bad `%` escape, an empty key, or a
    /// key given twice (which could smuggle a second value past the signature).
    public static func parse(_ body: [UInt8]) throws(NotificationRejection) -> [(key: String, value: String)] {
        guard !body.isEmpty else { throw NotificationRejection("empty form body") }
        var pairs: [(key: String, value: String)] = []
        var seen = Set<String>()
        for (index, part) in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false).enumerated() {
            if part.isEmpty { continue }
            let pieces = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw NotificationRejection("form pair \(index + 1) has no '='") }
            let key = try decode(Array(pieces[0]), what: "key of pair \(index + 1)")
            let value = try decode(Array(pieces[1]), what: "value of '\(key)'")
            guard !key.isEmpty else { throw NotificationRejection("form pair \(index + 1) has an empty key") }
            // why: keys are ASCII names in every channel's spec; anything else is an attempt to smuggle.
            guard key.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                                        || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }) else {
                throw NotificationRejection("form key of pair \(index + 1) is not a plain ASCII name")
            }
            guard seen.insert(key).inserted else { throw NotificationRejection("form key '\(key)' appears more than once") }
            pairs.append((key, value))
        }
        guard !pairs.isEmpty else { throw NotificationRejection("form body holds no pairs") }
        return pairs
    }

    /// The pairs as a dictionary (after `parse` guaranteed the keys are unique).
    public static func dictionary(_ body: [UInt8]) throws(NotificationRejection) -> [String: String] {
        var map: [String: String] = [:]
        for pair in try parse(body) { map[pair.key] = pair.value }
        return map
    }

    static func decode(_ bytes: [UInt8], what: String) throws(NotificationRejection) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "+") {
                out.append(0x20); i += 1
            } else if c == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else {
                    throw NotificationRejection("bad percent escape in the \(what)")
                }
                out.append(h << 4 | l); i += 3
            } else {
                out.append(c); i += 1
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw NotificationRejection("the \(what) is not valid UTF-8")
        }
        return text
    }

    /// Percent-encodes for a form body (RFC 3986 unreserved characters stay as they are).
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.encode([byte]).uppercased()
            }
        }
        return out
    }

    /// A form body from pairs, in the given order.
    public static func body(_ pairs: [(String, String)]) -> [UInt8] {
        Array(pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&").utf8)
    }

    /// The string both Alipay and UnionPay sign: pairs sorted by key, `k=v` joined by `&`, raw
    /// (not percent-encoded) values, with the keys in `excluding` and empty values left out.
    public static func signingString(_ params: [String: String], excluding: Set<String>) -> String {
        params.filter { !excluding.contains($0.key) && !$0.value.isEmpty }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: "&")
    }
}
