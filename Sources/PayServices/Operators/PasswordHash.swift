import PayCore
import PayChannels

/// Making and checking a stored password (`PasswordHash`, a plain value in PayCore):
/// PBKDF2-HMAC-SHA256 of the password with a per-operator random salt.
extension PasswordHash {
    static let saltLength = 16
    static let hashLength = 32

    /// Hashes `password` with a fresh random salt.
    static func make(password: String, iterations: Int) throws(PayError) -> PasswordHash {
        let salt = Crypto.randomBytes(saltLength)
        let hash = try Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt,
                                                   iterations: iterations, length: hashLength)
        return PasswordHash(hash: hash, salt: salt, iterations: iterations)
    }

    /// Whether `password` is the one hashed here; the comparison takes the same time wherever the
    /// bytes differ.
    func matches(_ password: String) throws(PayError) -> Bool {
        let candidate = try Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt,
                                                        iterations: iterations, length: hash.count)
        return Crypto.constantTimeEquals(candidate, hash)
    }

    /// Spends the time a real check would, for a name that has no account, so the answer's timing
    /// does not tell which names exist.
    static func burn(password: String, iterations: Int) {
        _ = try? Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: [UInt8](repeating: 0x5a, count: saltLength),
                                             iterations: iterations, length: hashLength)
    }
}
