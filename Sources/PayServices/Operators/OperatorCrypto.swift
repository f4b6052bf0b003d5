import CCrypto
import PayCore

/// The few libcrypto primitives operators and the audit log need: PBKDF2-HMAC-SHA256, SHA-256,
/// secure random bytes and a constant-time comparison. Thin calls into OpenSSL; nothing here
/// implements cryptography itself.
enum OperatorCrypto {
    /// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) of `password` with `salt`, `iterations` rounds, `length`
    /// bytes of output.
    static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int = 32) throws(PayError) -> [UInt8] {
        guard iterations >= 1, iterations <= Int(Int32.max), !salt.isEmpty, length > 0 else {
            throw PayError.internal("pbkdf2: bad parameters (iterations \(iterations), salt \(salt.count) bytes)")
        }
        var output = [UInt8](repeating: 0, count: length)
        // why: an empty array may have no base address; OpenSSL still wants a pointer for length 0.
        let passwordBytes = password.isEmpty ? [0] : password
        let status = passwordBytes.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { saltBuffer in
                output.withUnsafeMutableBufferPointer { out in
                    pass.withMemoryRebound(to: CChar.self) { passChars in
                        PKCS5_PBKDF2_HMAC(passChars.baseAddress, Int32(password.count),
                                          saltBuffer.baseAddress, Int32(salt.count), Int32(iterations),
                                          EVP_sha256(), Int32(length), out.baseAddress)
                    }
                }
            }
        }
        guard status == 1 else { throw PayError.internal("pbkdf2: libcrypto failed") }
        return output
    }

    /// SHA-256 of `bytes` (32 bytes).
    static func sha256(_ bytes: [UInt8]) throws(PayError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var size: UInt32 = 0
        let status = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &size, EVP_sha256(), nil)
            }
        }
        guard status == 1, size == 32 else { throw PayError.internal("sha256: libcrypto failed") }
        return digest
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    static func randomBytes(_ count: Int) throws(PayError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard status == 1 else { throw PayError.internal("random: libcrypto could not produce \(count) bytes") }
        return bytes
    }

    /// Whether `a` and `b` are equal, in time that depends only on their length.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 }
        }
    }

    /// Lowercase hexadecimal.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
