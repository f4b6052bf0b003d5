import CCrypto

/// Why a cryptographic operation on outside input failed: a bad key, a bad signature encoding,
/// an authentication tag that did not match.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The newest error on libcrypto's queue as text, clearing the queue.
    static func lastOpenSSLError() -> String {
        let code = libcrypto.ERR_get_error()
        defer { libcrypto.ERR_clear_error() }
        guard code != 0 else { return "no detail from libcrypto" }
        var buffer = [CChar](repeating: 0, count: 256)
        libcrypto.ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
