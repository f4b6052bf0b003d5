import Synchronization

/// Parsed RSA keys by their PEM text, so a plugin does not re-parse its account's keys on every
/// request. Process-wide and thread-safe; keys are immutable once parsed.
enum KeyCache {
    private static let privateKeys = Mutex<[String: RSAPrivateKey]>([:])
    private static let publicKeys = Mutex<[String: RSAPublicKey]>([:])
    /// More distinct keys than any store holds; past it the cache starts over.
    private static let limit = 256

    static func privateKey(_ pem: String) throws(CryptoError) -> RSAPrivateKey {
        if let key = privateKeys.withLock({ $0[pem] }) { return key }
        let key = try RSAPrivateKey(pem: pem)
        privateKeys.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[pem] = key
        }
        return key
    }

    static func publicKey(_ pem: String) throws(CryptoError) -> RSAPublicKey {
        if let key = publicKeys.withLock({ $0[pem] }) { return key }
        let key = try RSAPublicKey(pem: pem)
        publicKeys.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[pem] = key
        }
        return key
    }
}
