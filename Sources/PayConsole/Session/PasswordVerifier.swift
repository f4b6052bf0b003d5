import PayCore

/// A stored password: the derived hash, its salt and the work factor.
public struct PasswordRecord: Hashable, Sendable {
    public let hash: [UInt8]
    public let salt: [UInt8]
    public let iterations: Int

    public init(hash: [UInt8], salt: [UInt8], iterations: Int) {
        self.hash = hash
        self.salt = salt
        self.iterations = iterations
    }
}

/// Hashes and checks operator passwords. The operators module provides the real one
/// (PBKDF2-HMAC-SHA256 through libcrypto); the console never hashes by itself.
public protocol PasswordVerifier: Sendable {
    func hash(_ password: String) throws(PayError) -> PasswordRecord
    func verify(_ password: String, against record: PasswordRecord) throws(PayError) -> Bool
}

/// The verifier until the operators module is wired in: it refuses, saying so, and never
/// pretends a password matched.
public struct UnconnectedPasswordVerifier: PasswordVerifier {
    public init() {}

    static let message = "password hashing is not connected in this build (it comes with the operators module)"

    public func hash(_ password: String) throws(PayError) -> PasswordRecord { throw PayError.internal(Self.message) }

    public func verify(_ password: String, against record: PasswordRecord) throws(PayError) -> Bool {
        throw PayError.internal(Self.message)
    }
}
