/// A stored password: a PBKDF2-HMAC-SHA256 hash of it, the per-operator random salt, and the
/// iteration count it was made with (so the count can rise later without breaking old hashes).
/// Made and checked by PayServices (`PasswordHash.make`, `matches`); kept by `OperatorRepository`.
public struct PasswordHash: Sendable {
    public let hash: [UInt8]
    public let salt: [UInt8]
    public let iterations: Int

    public init(hash: [UInt8], salt: [UInt8], iterations: Int) {
        self.hash = hash
        self.salt = salt
        self.iterations = iterations
    }
}
