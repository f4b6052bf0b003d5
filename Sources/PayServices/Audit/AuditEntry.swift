import PayCore
import PayChannels

/// How an audited action ended.
public enum AuditOutcome: String, Sendable, CaseIterable {
    /// Done.
    case ok
    /// Tried and failed (a wrong password, a refused input).
    case failed
    /// Refused because the actor lacked the right.
    case denied
}

/// One line of the audit log: who did what to which target, when, from where, and how it ended,
/// chained to the line before by `prevHash`.
public struct AuditEntry: Sendable, Hashable {
    public let id: Int64
    public let at: Timestamp
    public let actor: String
    /// The role the actor had when acting; nil for someone who is no operator (an unknown login name).
    public let actorRole: Role?
    public let action: String
    public let target: String?
    public let outcome: AuditOutcome
    public let origin: String
    public let detail: String?
    public let prevHash: String
    public let hash: String

    /// The hash of the very first entry's predecessor.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// SHA-256 (hex) over the previous hash and this entry's fields, each written as
    /// `<byte length>:<value>;` (absent fields as `-;`) so no two different entries share an input.
    ///
    /// The unkeyed chain of entries written before the store had an audit key (`AuditSeal`).
    static func chainHash(prevHash: String, at: Timestamp, actor: String, actorRole: Role?, action: String,
                          target: String?, outcome: AuditOutcome, origin: String, detail: String?) throws(PayError) -> String {
        let text = encodedFields(prevHash: prevHash, at: at, actor: actor, actorRole: actorRole, action: action,
                                 target: target, outcome: outcome, origin: origin, detail: detail)
        return Crypto.sha256Hex(Array(text.utf8))
    }

    /// The previous hash and the fields, each as `<byte length>:<value>;` (absent as `-;`).
    static func encodedFields(prevHash: String, at: Timestamp, actor: String, actorRole: Role?, action: String,
                              target: String?, outcome: AuditOutcome, origin: String, detail: String?) -> String {
        var text = prevHash
        for field in [String(at.milliseconds), actor, actorRole?.rawValue, action, target, outcome.rawValue, origin, detail] {
            if let field { text += "\(field.utf8.count):\(field);" } else { text += "-;" }
        }
        return text
    }

    /// The hash this entry's fields give (its MAC under `seal` from the seal's first keyed entry
    /// on); differs from `hash` when the row was edited or written without the key.
    func recomputedHash(seal: AuditSeal?) throws(PayError) -> String {
        if let seal, id >= seal.keyedFrom {
            return seal.mac(id: id, prevHash: prevHash, at: at, actor: actor, actorRole: actorRole, action: action,
                            target: target, outcome: outcome, origin: origin, detail: detail)
        }
        return try Self.chainHash(prevHash: prevHash, at: at, actor: actor, actorRole: actorRole, action: action,
                                  target: target, outcome: outcome, origin: origin, detail: detail)
    }
}
