import CCrypto
import PayCore

/// The center's cryptography, all of it through libcrypto's EVP interfaces: digests, MACs, key
/// derivation, randomness and constant-time comparison. RSA keys live in `RSAPrivateKey` /
/// `RSAPublicKey`, AES-GCM in `Crypto.aes256GCMSeal` / `aes256GCMOpen`.
public enum Crypto {
    /// SHA-256 of `data` (32 bytes).
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBufferPointer { input in
            libcrypto.EVP_Digest(input.baseAddress, input.count, &out, &length, libcrypto.EVP_sha256(), nil)
        }
        precondition(ok == 1, "EVP_Digest(SHA-256) failed: \(CryptoError.lastOpenSSLError())")
        return Array(out.prefix(Int(length)))
    }

    /// SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits.
    public static func sha256Hex(_ text: String) -> String { Hex.encode(sha256(Array(text.utf8))) }

    /// SHA-256 of `data` as 64 lowercase hex digits.
    public static func sha256Hex(_ data: [UInt8]) -> String { Hex.encode(sha256(data)) }

    /// HMAC-SHA256 of `data` under `key` (32 bytes), through `EVP_Q_mac`.
    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        // why: EVP_Q_mac rejects a NULL key pointer, which an empty Swift array may give.
        let keyBytes = key.isEmpty ? [UInt8(0)] : key
        let result = keyBytes.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                "SHA256".withCString { digest in
                    libcrypto.EVP_Q_mac(nil, "HMAC", nil, digest, nil, k.baseAddress, key.count,
                                        d.baseAddress ?? UnsafePointer(k.baseAddress), d.count, &out, 32, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "EVP_Q_mac(HMAC-SHA256) failed: \(CryptoError.lastOpenSSLError())")
        return out
    }

    /// HMAC-SHA256 of UTF-8 `text` under UTF-8 `secret`, as lowercase hex.
    public static func hmacSHA256Hex(secret: String, text: String) -> String {
        Hex.encode(hmacSHA256(key: Array(secret.utf8), data: Array(text.utf8)))
    }

    /// PBKDF2 with HMAC-SHA256 (RFC 8018): `length` bytes derived from `password` and `salt`.
    ///
    /// Throws `invalidInput` for fewer than 1 iteration or a length outside 1...1024.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) throws(PayError) -> [UInt8] {
        guard iterations >= 1 else { throw PayError.invalidInput("PBKDF2 iterations \(iterations): at least 1") }
        guard (1...1024).contains(length) else { throw PayError.invalidInput("PBKDF2 length \(length): 1 to 1024 bytes") }
        var out = [UInt8](repeating: 0, count: length)
        let passChars = password.map { CChar(bitPattern: $0) } + [0]
        let saltBytes = salt.isEmpty ? [UInt8(0)] : salt
        let ok = libcrypto.PKCS5_PBKDF2_HMAC(passChars, Int32(password.count), saltBytes, Int32(salt.count), Int32(iterations),
                                             libcrypto.EVP_sha256(), Int32(length), &out)
        guard ok == 1 else { throw PayError.internal("PBKDF2 failed: \(CryptoError.lastOpenSSLError())") }
        return out
    }

    /// PBKDF2-HMAC-SHA256 over the UTF-8 bytes of `password`.
    public static func pbkdf2SHA256(password: String, salt: [UInt8], iterations: Int, length: Int) throws(PayError) -> [UInt8] {
        try pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: length)
    }

    /// `count` bytes from the operating system's secure generator (`RAND_bytes`).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let ok = libcrypto.RAND_bytes(&out, Int32(count))
        precondition(ok == 1, "RAND_bytes failed: \(CryptoError.lastOpenSSLError())")
        return out
    }

    /// A random token of `count` bytes as lowercase hex (nonces, tokens, salts as text).
    public static func randomHex(_ count: Int) -> String { Hex.encode(randomBytes(count)) }

    /// Whether `a` and `b` are equal, in time that depends only on their lengths (`CRYPTO_memcmp`).
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in libcrypto.CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }

    /// Constant-time comparison of two strings' UTF-8 bytes (hex signatures, secrets).
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        constantTimeEquals(Array(a.utf8), Array(b.utf8))
    }
}
