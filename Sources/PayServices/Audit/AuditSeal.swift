#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PayCore
import PayChannels
import PayStore

/// What keeps the audit log honest against someone who can write the store file: two files
/// beside the store, which such a person cannot forge without also holding them.
///
/// - `<store>.audit-key` (mode 0600): 32 random bytes, hex. Every entry from `keyedFrom` on
///   carries HMAC-SHA256 under this key of its id, its predecessor's hash and its fields, so an
///   entry cannot be written, rewritten or re-chained without the key.
/// - `<store>.audit-anchor`: append-only. A header line `paydesk-audit-anchor 1 keyed-from N`,
///   then `<id> <mac>` for every entry once its transaction committed, each line fsynced. Entries
///   deleted from the end, a head moved back, an emptied log and a store put back from an older
///   copy all leave an anchored entry the store no longer holds as written.
///
/// Entries below `keyedFrom` were written before the store had a key (an older PayDesk): they
/// keep their plain SHA-256 chain, and the first keyed entry's MAC covers the last of them, so
/// they cannot be rewritten either once the store is keyed.
struct AuditSeal {
    let key: [UInt8]
    /// The first entry id chained with the key.
    let keyedFrom: Int64
    let keyPath: String
    let anchorPath: String

    static let keyLength = 32
    static let anchorHeader = "paydesk-audit-anchor 1 keyed-from "

    static func keyPath(store path: String) -> String { path + ".audit-key" }
    static func anchorPath(store path: String) -> String { path + ".audit-anchor" }

    /// The seal of the store at `path`; nil when neither file exists (a store never keyed).
    /// Throws `notFound` naming the file when only one of the two is there.
    static func load(store path: String) throws(PayError) -> AuditSeal? {
        let keyPath = keyPath(store: path), anchorPath = anchorPath(store: path)
        let keyText = try readFile(keyPath)
        // why: only the header is needed here; the anchor grows with every entry.
        let anchorText = try readFile(anchorPath, limit: 256)
        switch (keyText, anchorText) {
        case (nil, nil):
            return nil
        case (nil, _?):
            throw PayError.notFound("audit key '\(keyPath)' is missing: the audit log of store '\(path)' cannot be written or verified without it; restore the file")
        case (_?, nil):
            throw PayError.notFound("audit anchor '\(anchorPath)' is missing: the audit log of store '\(path)' cannot be trusted without it; restore the file")
        case (let keyText?, let anchorText?):
            let hex = keyText.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
            guard let key = Hex.decode(hex), key.count == keyLength else {
                throw PayError.conflict("audit key '\(keyPath)' is damaged: expected \(keyLength * 2) hex digits")
            }
            guard let first = anchorText.split(separator: "\n", omittingEmptySubsequences: false).first,
                  first.hasPrefix(anchorHeader), let from = Int64(first.dropFirst(anchorHeader.count)), from >= 1 else {
                throw PayError.conflict("audit anchor '\(anchorPath)' is damaged: its first line is not '\(anchorHeader)N'")
            }
            return AuditSeal(key: key, keyedFrom: from, keyPath: keyPath, anchorPath: anchorPath)
        }
    }

    /// Makes the key and the anchor of a store whose log is keyed from `keyedFrom` on; nil when
    /// the key exists already (another process made it first: load that one).
    static func create(store path: String, keyedFrom: Int64) throws(PayError) -> AuditSeal? {
        let key = Crypto.randomBytes(keyLength)
        let seal = AuditSeal(key: key, keyedFrom: keyedFrom, keyPath: keyPath(store: path), anchorPath: anchorPath(store: path))
        guard try writeNew(seal.keyPath, Hex.encode(key) + "\n") else { return nil }
        guard try writeNew(seal.anchorPath, "\(anchorHeader)\(keyedFrom)\n") else {
            unlink(seal.keyPath)
            throw PayError.conflict("audit anchor '\(seal.anchorPath)' exists without its key '\(seal.keyPath)'; restore the key file")
        }
        return seal
    }

    /// The MAC an entry with these fields must carry.
    func mac(id: Int64, prevHash: String, at: Timestamp, actor: String, actorRole: Role?, action: String,
             target: String?, outcome: AuditOutcome, origin: String, detail: String?) -> String {
        let text = "paydesk-audit-v2;\(id);" + AuditEntry.encodedFields(prevHash: prevHash, at: at, actor: actor, actorRole: actorRole,
                                                                       action: action, target: target, outcome: outcome,
                                                                       origin: origin, detail: detail)
        return Hex.encode(Crypto.hmacSHA256(key: key, data: Array(text.utf8)))
    }

    /// Appends `<id> <mac>` to the anchor and fsyncs it. Called once the entry committed.
    func anchor(id: Int64, mac: String) throws(PayError) {
        let fd = open(anchorPath, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw Self.fileError("cannot open audit anchor '\(anchorPath)'") }
        defer { close(fd) }
        // why: one write() per line; O_APPEND keeps lines of several processes whole.
        guard Self.writeAll(fd, Array("\(id) \(mac)\n".utf8)) else { throw Self.fileError("cannot write audit anchor '\(anchorPath)'") }
        guard fsync(fd) == 0 else { throw Self.fileError("cannot sync audit anchor '\(anchorPath)'") }
    }

    /// Every `<id> <mac>` anchored so far. Throws `conflict` when one id was anchored with two
    /// different MACs (the store was put back and written again).
    func anchored() throws(PayError) -> [Int64: String] {
        guard let text = try Self.readFile(anchorPath) else {
            throw PayError.notFound("audit anchor '\(anchorPath)' is missing; restore the file")
        }
        var result: [Int64: String] = [:]
        // why: a line cut short by a crash has no newline; it never claims anything.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
        for line in lines where !line.isEmpty {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let id = Int64(parts[0]), parts[1].count == 64 else {
                throw PayError.conflict("audit anchor '\(anchorPath)' is damaged: line '\(line.prefix(80))'")
            }
            let mac = String(parts[1])
            if let earlier = result[id], earlier != mac {
                throw PayError.conflict("audit log broken: entry #\(id) was written twice with different contents (the anchor holds both): the store was put back to an older copy")
            }
            result[id] = mac
        }
        return result
    }

    // MARK: Files

    /// The file's text (its first `limit` bytes at most), or nil when it does not exist.
    static func readFile(_ path: String, limit: Int = .max) throws(PayError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw fileError("cannot read '\(path)'")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: min(65_536, limit))
        while bytes.count < limit {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fileError("cannot read '\(path)'")
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Creates `path` (owner read/write only; never over an existing file) holding `text`, fsynced.
    /// False when the file exists already.
    static func writeNew(_ path: String, _ text: String) throws(PayError) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return false }
            throw fileError("cannot create '\(path)'")
        }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else {
            let error = fileError("cannot set the mode of '\(path)'")
            unlink(path)
            throw error
        }
        guard writeAll(fd, Array(text.utf8)), fsync(fd) == 0 else {
            let error = fileError("cannot write '\(path)'")
            unlink(path)
            throw error
        }
        return true
    }

    /// Writes all of `bytes`; false (with `errno` set) when the system refuses.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// `what` failed, with the system's reason; a permission the user lacks is `notPermitted`
    /// (exit 8, like a store the user may not open), anything else `internal`.
    static func fileError(_ what: String) -> PayError {
        let reason = String(cString: strerror(errno))
        if errno == EACCES || errno == EPERM {
            return PayError.notPermitted("\(what): \(reason); run as the store's owner or give this user access")
        }
        return PayError.internal("\(what): \(reason)")
    }
}
