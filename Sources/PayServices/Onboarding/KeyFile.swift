#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PayChannels
import PayCore

/// A key or secret read from a file the admin names: never from a command line, where other users
/// see it in `ps` and the shell keeps it in its history. Every refusal names the file and says
/// what was wrong with it; nothing of its contents is repeated.
public enum KeyFile {
    /// Larger than any PEM key or certificate chain a channel hands out.
    public static let maxBytes = 64 * 1024

    public static func read(_ path: String) throws(PayError) -> String {
        guard !path.isEmpty else { throw PayError.invalidInput("key file: no path given") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let why = errno == ENOENT ? "no such file" : errno == EACCES ? "permission denied" : String(cString: strerror(errno))
            throw PayError.invalidInput("key file '\(path)': \(why)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw PayError.invalidInput("key file '\(path)': not a regular file")
        }
        guard Int(info.st_size) <= maxBytes else {
            throw PayError.invalidInput("key file '\(path)': \(info.st_size) bytes, larger than any key (at most \(maxBytes))")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while bytes.count <= maxBytes {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PayError.invalidInput("key file '\(path)': cannot read (\(String(cString: strerror(errno))))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PayError.invalidInput("key file '\(path)': not text (a binary DER or .p12 file? convert it to PEM with openssl)")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw PayError.invalidInput("key file '\(path)': empty") }
        return text
    }

    /// The center's RSA private key from a PEM file.
    public static func privateKey(_ path: String, field: String) throws(PayError) -> RSAPrivateKey {
        let text = try read(path)
        guard text.contains("-----BEGIN ") else {
            throw PayError.invalidInput("key file '\(path)': not PEM (no '-----BEGIN' line); \(field) needs the center's RSA private key in PEM")
        }
        if text.contains("PUBLIC KEY-----") || text.contains("CERTIFICATE-----"), !text.contains("PRIVATE KEY-----") {
            throw PayError.invalidInput("key file '\(path)': holds a public key or certificate; \(field) needs the center's PRIVATE key")
        }
        if text.contains("ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED") {
            throw PayError.invalidInput("key file '\(path)': the private key is passphrase-protected; export it without one (openssl pkey -in KEY -out PLAIN.pem)")
        }
        do { return try RSAPrivateKey(pem: text) } catch {
            throw PayError.invalidInput("key file '\(path)': \(error.message.hasPrefix("the PEM") ? "not an RSA key (the channels sign with RSA-2048)" : "not a readable RSA private key")")
        }
    }

    /// The channel's RSA public key from a PEM file.
    public static func publicKey(_ path: String, field: String) throws(PayError) -> RSAPublicKey {
        let text = try read(path)
        guard text.contains("-----BEGIN ") else {
            throw PayError.invalidInput("key file '\(path)': not PEM (no '-----BEGIN' line); \(field) needs the channel's public key in PEM")
        }
        if text.contains("PRIVATE KEY-----") {
            throw PayError.invalidInput("key file '\(path)': holds a PRIVATE key; \(field) needs the channel's public key (a private key is never handed to the center by the channel)")
        }
        do { return try RSAPublicKey(pem: text) } catch {
            throw PayError.invalidInput("key file '\(path)': \(error.message.contains("not an RSA") ? "not an RSA key (the channels sign with RSA-2048)" : "not a readable PEM public key (-----BEGIN PUBLIC KEY-----)")")
        }
    }

    /// A channel's X.509 certificate from a PEM file.
    public static func certificate(_ path: String, field: String) throws(PayError) -> X509Certificate {
        let text = try read(path)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw PayError.invalidInput("key file '\(path)': not a PEM certificate (no '-----BEGIN CERTIFICATE-----' line); \(field) needs the channel's certificate")
        }
        do { return try X509Certificate(pem: text) } catch {
            throw PayError.invalidInput("key file '\(path)': not a readable X.509 certificate; \(field) needs the channel's certificate in PEM")
        }
    }

    /// A shared secret: the file's one line, trimmed.
    public static func secret(_ path: String, field: String) throws(PayError) -> String {
        let text = try read(path)
        if text.contains("-----BEGIN ") { throw PayError.invalidInput("key file '\(path)': holds a PEM key; \(field) is a secret (one line of text)") }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count == 1, let secret = lines.first else {
            throw PayError.invalidInput("key file '\(path)': \(lines.count) lines; \(field) is one line of text")
        }
        guard (8...256).contains(secret.count), secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw PayError.invalidInput("key file '\(path)': \(field) must be 8 to 256 printable ASCII characters without spaces")
        }
        if field == "api_v3_key", secret.utf8.count != 32 {
            throw PayError.invalidInput("key file '\(path)': an APIv3 key is 32 characters, this one has \(secret.utf8.count)")
        }
        return secret
    }
}
