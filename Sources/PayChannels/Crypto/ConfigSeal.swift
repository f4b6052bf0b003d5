#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PayCore

/// Seals the secrets of a store at rest: channel accounts' private keys and shared secrets (and
/// whatever else a service hands it) are kept as `sealed:v1:<Base64(nonce ‖ ciphertext ‖ tag)>`,
/// AES-256-GCM under a key derived with HKDF-SHA256 from the store's audit key
/// (`<store>.audit-key`, see AuditSeal), so a copy of the store file alone reveals none of them.
///
/// The AAD binds each value to its place (`paydesk-config-v1;<scope>;<field>`): a sealed value
/// copied to another account or field does not open. A value without the prefix is plaintext (a
/// store from before schema 18) and passes through as it is.
public struct ConfigSeal: Sendable {
    /// The key file the sealing key derives from.
    public let keyPath: String
    private let key: [UInt8]?

    public static let prefix = "sealed:v1:"

    /// The seal of the store at `storePath`. A missing key file is not an error here: sealing or
    /// opening then throws `notFound` naming the file. A damaged key file throws `conflict`.
    public init(storePath: String) throws(PayError) {
        keyPath = storePath + ".audit-key"
        key = try Self.loadKey(keyPath)
    }

    /// A seal over a given 32-byte master key (tests, and the sandbox's own files).
    public init(masterKey: [UInt8], keyPath: String) throws(PayError) {
        self.keyPath = keyPath
        do {
            key = try Crypto.hkdfSHA256(key: masterKey, salt: Array("paydesk-secrets-at-rest".utf8), info: Array("config-seal-v1".utf8), length: 32)
        } catch { throw PayError.internal("deriving the sealing key: \(error)") }
    }

    /// Whether the key file exists (the store can seal and open).
    public var hasKey: Bool { key != nil }

    public static func isSealed(_ value: String) -> Bool { value.hasPrefix(prefix) }

    /// Seals `value` for `field` of `scope` (e.g. `account:alipay-main`).
    public func seal(_ value: String, scope: String, field: String) throws(PayError) -> String {
        let key = try requireKey(for: "seal \(field) of \(scope)")
        let nonce = Crypto.randomBytes(12)
        do {
            let sealed = try Crypto.aes256GCMSeal(key: key, nonce: nonce, plaintext: Array(value.utf8), aad: Self.aad(scope, field))
            return Self.prefix + Base64.encode(nonce + sealed.combined)
        } catch { throw PayError.internal("sealing \(field) of \(scope): \(error)") }
    }

    /// The plaintext of a sealed value (a plaintext value as it is). `conflict` when it does not
    /// open (another store's key, a damaged value, a value moved from another field).
    public func open(_ value: String, scope: String, field: String) throws(PayError) -> String {
        guard Self.isSealed(value) else { return value }
        let key = try requireKey(for: "open \(field) of \(scope)")
        guard let bytes = Base64.decode(String(value.dropFirst(Self.prefix.count))), bytes.count >= 12 + 16 else {
            throw PayError.conflict("\(field) of \(scope): the sealed value is damaged")
        }
        let nonce = Array(bytes.prefix(12)), body = Array(bytes.dropFirst(12))
        do {
            let plain = try Crypto.aes256GCMOpen(key: key, nonce: nonce, sealed: Crypto.Sealed(ciphertext: Array(body.dropLast(16)), tag: Array(body.suffix(16))),
                                                 aad: Self.aad(scope, field))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw PayError.conflict("\(field) of \(scope) does not open under the key '\(keyPath)': the key file is not this store's, or the value was changed")
        }
    }

    /// Every value of `config` opened.
    public func open(_ config: [String: String], scope: String) throws(PayError) -> [String: String] {
        var out = config
        for (name, value) in config where Self.isSealed(value) { out[name] = try open(value, scope: scope, field: name) }
        return out
    }

    private func requireKey(for what: String) throws(PayError) -> [UInt8] {
        guard let key else {
            throw PayError.notFound("cannot \(what): the key file '\(keyPath)' is missing (secrets at rest are sealed under it); restore it")
        }
        return key
    }

    private static func aad(_ scope: String, _ field: String) -> [UInt8] { Array("paydesk-config-v1;\(scope);\(field)".utf8) }

    private static func loadKey(_ path: String) throws(PayError) -> [UInt8]? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw PayError.conflict("key file '\(path)' cannot be read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { throw PayError.conflict("key file '\(path)' is empty; restore it") }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self)
        let hex = text.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        guard let master = Hex.decode(hex), master.count == 32 else {
            throw PayError.conflict("key file '\(path)' is damaged: expected 64 hex digits")
        }
        do {
            return try Crypto.hkdfSHA256(key: master, salt: Array("paydesk-secrets-at-rest".utf8), info: Array("config-seal-v1".utf8), length: 32)
        } catch { throw PayError.internal("deriving the sealing key from '\(path)': \(error)") }
    }
}
