import CCrypto

/// The `PayDesk-Signature` header of a merchant notification:
/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
public enum NotificationSignature {
    public static let headerName = "PayDesk-Signature"

    public static func header(secret: String, body: [UInt8], unixSeconds: Int64) -> String {
        "t=\(unixSeconds),v1=\(hmacSHA256Hex(key: Array(secret.utf8), message: Array("\(unixSeconds).".utf8) + body))"
    }

    /// HMAC-SHA256 through libcrypto, as lower-case hex.
    static func hmacSHA256Hex(key: [UInt8], message: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count,
                     &digest, &length)
            }
        }
        return digest.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
