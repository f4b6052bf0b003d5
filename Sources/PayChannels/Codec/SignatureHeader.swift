import PayCore

/// The `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` header of the card acquirers
/// and PayPal (`Acquirer-Signature`), and of PayDesk's own merchant notifications
/// (`PayDesk-Signature`). Modelled on Stripe's `Stripe-Signature` scheme.
public enum SignatureHeader {
    /// Callbacks older or newer than this are refused (replay protection).
    public static let windowSeconds: Int64 = 300

    /// The header value for `body` signed at `time`.
    public static func make(secret: String, body: [UInt8], at time: Timestamp) -> String {
        let t = time.seconds
        let mac = Crypto.hmacSHA256(key: Array(secret.utf8), data: Array("\(t).".utf8) + body)
        return "t=\(t),v1=\(Hex.encode(mac))"
    }

    /// Checks `header` against the raw `body`: well-formed, inside the window around `now`, and
    /// some `v1` equal (in constant time) to the HMAC under `secret`.
    public static func verify(_ header: String?, body: [UInt8], secret: String, now: Timestamp) throws(NotificationRejection) {
        guard let header, !header.isEmpty else { throw NotificationRejection("signature header missing") }
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { throw NotificationRejection("signature header part '\(part)' is not k=v") }
            switch kv[0].filter({ $0 != " " }) {
            case "t":
                guard timestamp == nil, let t = Int64(kv[1]) else { throw NotificationRejection("signature header t is not one whole number") }
                timestamp = t
            case "v1": signatures.append(String(kv[1]))
            default: continue
            }
        }
        guard let timestamp else { throw NotificationRejection("signature header has no t=") }
        guard !signatures.isEmpty else { throw NotificationRejection("signature header has no v1=") }
        // why subtractingReportingOverflow: t= is outside input; now − Int64.min would trap.
        let (skew, overflow) = now.seconds.subtractingReportingOverflow(timestamp)
        guard !overflow, skew >= -windowSeconds, skew <= windowSeconds else {
            throw NotificationRejection("signature timestamp \(timestamp) is \(skew) s from now, outside the \(windowSeconds) s window")
        }
        let expected = Crypto.hmacSHA256(key: Array(secret.utf8), data: Array("\(timestamp).".utf8) + body)
        for candidate in signatures {
            if let bytes = Hex.decode(candidate), Crypto.constantTimeEquals(bytes, expected) { return }
        }
        throw NotificationRejection("signature does not match the body")
    }
}
