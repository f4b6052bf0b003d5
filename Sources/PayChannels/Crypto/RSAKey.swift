import CCrypto
import PayCore

/// An RSA private key held by libcrypto. Signs SHA256withRSA (PKCS#1 v1.5), the scheme of
/// Alipay RSA2, WeChat Pay v3 and UnionPay 5.1.0.
public final class RSAPrivateKey: @unchecked Sendable {
    // why @unchecked: the EVP_PKEY is never mutated after creation and libcrypto allows
    // concurrent signing with one key (OpenSSL 3 threading rules for EVP_PKEY).
    let pkey: OpaquePointer

    init(pkey: OpaquePointer) { self.pkey = pkey }

    deinit { libcrypto.EVP_PKEY_free(pkey) }

    /// A fresh key of `bits` bits (2048 for every channel here). Takes tens of milliseconds.
    public static func generate(bits: Int32 = 2048) throws(CryptoError) -> RSAPrivateKey {
        guard let ctx = libcrypto.EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw CryptoError("RSA key generation: \(CryptoError.lastOpenSSLError())")
        }
        defer { libcrypto.EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard libcrypto.EVP_PKEY_keygen_init(ctx) == 1, libcrypto.EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) == 1,
              libcrypto.EVP_PKEY_generate(ctx, &key) == 1, let key else {
            throw CryptoError("RSA key generation: \(CryptoError.lastOpenSSLError())")
        }
        return RSAPrivateKey(pkey: key)
    }

    /// Reads a PEM private key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY").
    public convenience init(pem: String) throws(CryptoError) {
        let key = try BIOText.read(pem) { bio in libcrypto.PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        guard let key else { throw CryptoError("not a PEM RSA private key: \(CryptoError.lastOpenSSLError())") }
        guard libcrypto.EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            libcrypto.EVP_PKEY_free(key)
            throw CryptoError("the PEM private key is not an RSA key")
        }
        self.init(pkey: key)
    }

    /// The key as PKCS#8 PEM.
    public var pem: String {
        BIOText.write { bio in libcrypto.PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) }
    }

    /// The matching public key.
    public var publicKey: RSAPublicKey {
        // why: a round trip through PEM is the EVP-only way to split off the public half.
        try! RSAPublicKey(pem: BIOText.write { bio in libcrypto.PEM_write_bio_PUBKEY(bio, pkey) })
    }

    /// SHA256withRSA (PKCS#1 v1.5) signature of `data`: 256 bytes for a 2048-bit key.
    public func sign(_ data: [UInt8]) -> [UInt8] {
        guard let ctx = libcrypto.EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        defer { libcrypto.EVP_MD_CTX_free(ctx) }
        guard libcrypto.EVP_DigestSignInit(ctx, nil, libcrypto.EVP_sha256(), nil, pkey) == 1 else {
            preconditionFailure("EVP_DigestSignInit: \(CryptoError.lastOpenSSLError())")
        }
        var length = 0
        let ok = data.withUnsafeBufferPointer { input -> Int32 in
            guard libcrypto.EVP_DigestSign(ctx, nil, &length, input.baseAddress, input.count) == 1 else { return 0 }
            return 1
        }
        precondition(ok == 1, "EVP_DigestSign (length): \(CryptoError.lastOpenSSLError())")
        var signature = [UInt8](repeating: 0, count: length)
        let signed = data.withUnsafeBufferPointer { input in
            libcrypto.EVP_DigestSign(ctx, &signature, &length, input.baseAddress, input.count)
        }
        precondition(signed == 1, "EVP_DigestSign: \(CryptoError.lastOpenSSLError())")
        return Array(signature.prefix(length))
    }

    /// SHA256withRSA signature of the UTF-8 bytes of `text`, Base64-encoded.
    public func signBase64(_ text: String) -> String { Base64.encode(sign(Array(text.utf8))) }
}

/// An RSA public key: verifies SHA256withRSA (PKCS#1 v1.5) signatures.
public final class RSAPublicKey: @unchecked Sendable {
    // why @unchecked: immutable after creation; verification does not mutate the key.
    let pkey: OpaquePointer

    init(pkey: OpaquePointer) { self.pkey = pkey }

    deinit { libcrypto.EVP_PKEY_free(pkey) }

    /// Reads a PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
    public convenience init(pem: String) throws(CryptoError) {
        let key = try BIOText.read(pem) { bio in libcrypto.PEM_read_bio_PUBKEY(bio, nil, nil, nil) }
        guard let key else { throw CryptoError("not a PEM public key: \(CryptoError.lastOpenSSLError())") }
        guard libcrypto.EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            libcrypto.EVP_PKEY_free(key)
            throw CryptoError("the PEM public key is not an RSA key")
        }
        self.init(pkey: key)
    }

    public var pem: String { BIOText.write { bio in libcrypto.PEM_write_bio_PUBKEY(bio, pkey) } }

    /// A short fingerprint: the first 20 bytes of SHA-256 over the PEM, upper-case hex (used as
    /// the WeChat platform certificate serial and the UnionPay certId of the sandbox keys).
    public var serial: String { Hex.encode(Array(Crypto.sha256(Array(pem.utf8)).prefix(20))).uppercased() }

    /// Whether `signature` is a valid SHA256withRSA signature of `data` under this key.
    public func verify(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        guard !signature.isEmpty, let ctx = libcrypto.EVP_MD_CTX_new() else { return false }
        defer { libcrypto.EVP_MD_CTX_free(ctx); libcrypto.ERR_clear_error() }
        guard libcrypto.EVP_DigestVerifyInit(ctx, nil, libcrypto.EVP_sha256(), nil, pkey) == 1 else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            data.withUnsafeBufferPointer { input in
                libcrypto.EVP_DigestVerify(ctx, sig.baseAddress, sig.count, input.baseAddress, input.count)
            }
        }
        return result == 1
    }

    /// Verifies a Base64 signature over the UTF-8 bytes of `text`; a signature that is not Base64 fails.
    public func verifyBase64(_ signature: String, for text: String) -> Bool {
        guard let bytes = Base64.decode(signature) else { return false }
        return verify(bytes, for: Array(text.utf8))
    }
}

/// PEM text in and out of memory BIOs.
enum BIOText {
    static func read(_ text: String, _ body: (OpaquePointer) -> OpaquePointer?) throws(CryptoError) -> OpaquePointer? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw CryptoError("empty PEM text") }
        return bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let bio = libcrypto.BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { _ = libcrypto.BIO_free(bio) }
            return body(bio)
        }
    }

    static func write(_ body: (OpaquePointer) -> Int32) -> String {
        guard let bio = libcrypto.BIO_new(libcrypto.BIO_s_mem()) else { preconditionFailure("BIO_new failed") }
        defer { _ = libcrypto.BIO_free(bio) }
        precondition(body(bio) == 1, "PEM write failed: \(CryptoError.lastOpenSSLError())")
        var pointer: UnsafeMutablePointer<CChar>?
        let length = libcrypto.BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer) // BIO_get_mem_data, a macro
        guard let pointer, length > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
        }
    }
}
