import CCrypto

extension Crypto {
    /// AES-256-GCM output: the ciphertext and the 16-byte tag.
    public struct Sealed: Equatable, Sendable {
        public let ciphertext: [UInt8]
        public let tag: [UInt8]
        public init(ciphertext: [UInt8], tag: [UInt8]) { self.ciphertext = ciphertext; self.tag = tag }
        /// Ciphertext followed by the tag, the layout WeChat Pay v3 Base64-encodes in `ciphertext`.
        public var combined: [UInt8] { ciphertext + tag }
    }

    /// AES-256-GCM encryption (RFC 5116 AEAD_AES_256_GCM): 32-byte key, 12-byte nonce, any AAD.
    public static func aes256GCMSeal(key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8]) throws(CryptoError) -> Sealed {
        guard key.count == 32 else { throw CryptoError("AES-256-GCM key must be 32 bytes, got \(key.count)") }
        guard !nonce.isEmpty, nonce.count <= 64 else { throw CryptoError("AES-256-GCM nonce must be 1 to 64 bytes, got \(nonce.count)") }
        guard let ctx = libcrypto.EVP_CIPHER_CTX_new() else { throw CryptoError("EVP_CIPHER_CTX_new failed") }
        defer { libcrypto.EVP_CIPHER_CTX_free(ctx) }
        guard libcrypto.EVP_EncryptInit_ex(ctx, libcrypto.EVP_aes_256_gcm(), nil, nil, nil) == 1,
              libcrypto.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonce.count), nil) == 1,
              libcrypto.EVP_EncryptInit_ex(ctx, nil, nil, key, nonce) == 1 else {
            throw CryptoError("AES-256-GCM init: \(CryptoError.lastOpenSSLError())")
        }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard libcrypto.EVP_EncryptUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 else {
                throw CryptoError("AES-256-GCM AAD: \(CryptoError.lastOpenSSLError())")
            }
        }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var total = 0
        if !plaintext.isEmpty {
            guard libcrypto.EVP_EncryptUpdate(ctx, &out, &length, plaintext, Int32(plaintext.count)) == 1 else {
                throw CryptoError("AES-256-GCM encrypt: \(CryptoError.lastOpenSSLError())")
            }
            total = Int(length)
        }
        let finalOK = out.withUnsafeMutableBufferPointer { buffer in
            libcrypto.EVP_EncryptFinal_ex(ctx, buffer.baseAddress! + total, &length)
        }
        guard finalOK == 1 else { throw CryptoError("AES-256-GCM final: \(CryptoError.lastOpenSSLError())") }
        total += Int(length)
        var tag = [UInt8](repeating: 0, count: 16)
        guard libcrypto.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, &tag) == 1 else { throw CryptoError("AES-256-GCM tag: \(CryptoError.lastOpenSSLError())") }
        return Sealed(ciphertext: Array(out.prefix(total)), tag: tag)
    }

    /// AES-256-GCM decryption; throws when the tag does not authenticate the ciphertext and AAD.
    public static func aes256GCMOpen(key: [UInt8], nonce: [UInt8], sealed: Sealed, aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard key.count == 32 else { throw CryptoError("AES-256-GCM key must be 32 bytes, got \(key.count)") }
        guard !nonce.isEmpty, nonce.count <= 64 else { throw CryptoError("AES-256-GCM nonce must be 1 to 64 bytes, got \(nonce.count)") }
        guard sealed.tag.count == 16 else { throw CryptoError("AES-256-GCM tag must be 16 bytes, got \(sealed.tag.count)") }
        guard let ctx = libcrypto.EVP_CIPHER_CTX_new() else { throw CryptoError("EVP_CIPHER_CTX_new failed") }
        defer { libcrypto.EVP_CIPHER_CTX_free(ctx); libcrypto.ERR_clear_error() }
        guard libcrypto.EVP_DecryptInit_ex(ctx, libcrypto.EVP_aes_256_gcm(), nil, nil, nil) == 1,
              libcrypto.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonce.count), nil) == 1,
              libcrypto.EVP_DecryptInit_ex(ctx, nil, nil, key, nonce) == 1 else {
            throw CryptoError("AES-256-GCM init failed")
        }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard libcrypto.EVP_DecryptUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 else { throw CryptoError("AES-256-GCM AAD failed") }
        }
        var out = [UInt8](repeating: 0, count: sealed.ciphertext.count + 16)
        var total = 0
        if !sealed.ciphertext.isEmpty {
            guard libcrypto.EVP_DecryptUpdate(ctx, &out, &length, sealed.ciphertext, Int32(sealed.ciphertext.count)) == 1 else {
                throw CryptoError("AES-256-GCM decrypt failed")
            }
            total = Int(length)
        }
        var tag = sealed.tag
        guard libcrypto.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, &tag) == 1 else { throw CryptoError("AES-256-GCM set tag failed") }
        let finalOK = out.withUnsafeMutableBufferPointer { buffer in
            libcrypto.EVP_DecryptFinal_ex(ctx, buffer.baseAddress! + total, &length)
        }
        guard finalOK == 1 else { throw CryptoError("AES-256-GCM authentication failed: the tag does not match") }
        total += Int(length)
        return Array(out.prefix(total))
    }
}
