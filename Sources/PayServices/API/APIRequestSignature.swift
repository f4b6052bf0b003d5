import PayCore
import PayChannels

/// The signature a business system puts on every API request:
/// `PayDesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD>.<path>.<body>")>`
/// beside `PayDesk-Business: <line>`. `path` is the request target as sent, query string included;
/// the body is the raw bytes. Several `v1=` may be sent (one per secret during a rotation).
public enum APIRequestSignature {
    public static let header = "PayDesk-Signature"
    public static let lineHeader = "PayDesk-Business"
    /// How far a signature's timestamp may be from the store's clock, either way.
    public static let windowSeconds: Int64 = 300

    /// "t=…,v1=…" for a request.
    public static func sign(secret: String, timestamp: Int64, method: String, path: String, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(v1(secret: secret, timestamp: timestamp, method: method, path: path, body: body))"
    }

    /// The lowercase hex HMAC-SHA256 of "t.METHOD.path.body" under `secret`.
    /// The signed text: "t.METHOD.target.body".
    public static func payload(timestamp: Int64, method: String, path: String, body: [UInt8]) -> [UInt8] {
        Array("\(timestamp).\(method).\(path).".utf8) + body
    }

    public static func v1(secret: String, timestamp: Int64, method: String, path: String, body: [UInt8]) -> String {
        let payload = payload(timestamp: timestamp, method: method, path: path, body: body)
        return Hex.encode(Crypto.hmacSHA256(key: Array(secret.utf8), data: payload))
    }

    /// A parsed header: its timestamp and its v1 values.
    public struct Parsed: Sendable, Equatable {
        public let timestamp: Int64
        public let signatures: [String]
    }

    /// Parses "t=…,v1=…[,v1=…]"; unknown keys are ignored (a later scheme may add some). nil when
    /// `t` is missing or not a number, or no well-formed v1 (64 lowercase hex digits) is there.
    public static func parse(_ value: String) -> Parsed? {
        guard value.utf8.count <= 1024 else { return nil }
        var timestamp: Int64?
        var signatures: [String] = []
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.trimmingSpaces.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { return nil }
            switch pair[0] {
            case "t":
                guard timestamp == nil, !pair[1].isEmpty, pair[1].utf8.count <= 12,
                      pair[1].utf8.allSatisfy({ (48...57).contains($0) }), let seconds = Int64(pair[1]) else { return nil }
                timestamp = seconds
            case "v1":
                guard pair[1].utf8.count == 64,
                      pair[1].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
                signatures.append(String(pair[1]))
            default:
                continue
            }
        }
        guard let timestamp, !signatures.isEmpty, signatures.count <= 8 else { return nil }
        return Parsed(timestamp: timestamp, signatures: signatures)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
