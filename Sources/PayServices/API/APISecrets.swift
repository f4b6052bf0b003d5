import PayCore
import PayStore
import PayChannels

/// An API secret as listed: its id and a hint, never the secret.
public struct APISecretInfo: Sendable, Equatable {
    public let id: String
    /// "…" and the secret's last four characters.
    public let hint: String
    public let createdAt: Timestamp
    /// nil: the current secret; else the instant it stops verifying.
    public let expiresAt: Timestamp?
}

/// A rotation's result: the new secret, shown this once.
public struct APISecretRotation: Sendable, Equatable {
    public let line: BusinessLineCode
    public let id: String
    public let secret: String
    /// When the previously current secret stops verifying (nil: the line had none).
    public let previousExpiresAt: Timestamp?
}

/// The business lines' API secrets: listing and rotation (`manageBusinessLines`, audited without
/// the secret). A rotation makes a new current secret and lets the line's other valid secrets
/// verify until now + overlap, so a business system can switch without a refused request.
public struct APISecrets {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The most a rotation's overlap may be: 30 days.
    public static let maximumOverlap: Int64 = 30 * 86_400_000
    public static let defaultOverlap: Int64 = 86_400_000

    /// The line's secrets still valid now, newest first.
    public func list(line: BusinessLineCode) throws(PayError) -> [APISecretInfo] {
        try Authorizer.require(.manageBusinessLines, actor: context.actor)
        let store = context.store
        let now = context.now
        return try store.read {
            _ = try store.businessLines.require(line)
            return try store.apiSecrets.valid(line, at: now).map {
                APISecretInfo(id: $0.id, hint: $0.hint, createdAt: $0.createdAt, expiresAt: $0.expiresAt)
            }
        }
    }

    /// Makes a new current secret for the line; its other valid secrets expire at now + overlap
    /// (milliseconds; 0 retires them at once). Returns the new secret: the only time it is shown.
    public func rotate(line: BusinessLineCode, overlap: Int64 = APISecrets.defaultOverlap) throws(PayError) -> APISecretRotation {
        try Authorizer.require(.manageBusinessLines, actor: context.actor)
        guard (0...Self.maximumOverlap).contains(overlap) else {
            throw PayError.invalidInput("--overlap '\(DurationText.describe(overlap))': give from 0s to \(DurationText.describe(Self.maximumOverlap))")
        }
        let store = context.store
        let now = context.now
        let id = "key_" + Crypto.randomHex(6)
        let secret = "pdsk_" + Crypto.randomHex(32)
        let expiry = now.adding(milliseconds: overlap)
        // why before the transaction: the key file missing or damaged refuses the rotation, naming it, with nothing written.
        let sealed = try LineSecrets.seal(secret, line: line, field: LineSecrets.apiField(id), storePath: store.path)
        return try store.write {
            _ = try store.businessLines.require(line)
            let hadCurrent = try store.apiSecrets.valid(line, at: now).contains { $0.expiresAt == nil }
            let retired = try store.apiSecrets.expireValid(line, by: expiry, at: now)
            try store.apiSecrets.insertCurrent(line, id: id, secret: sealed, hint: "…" + String(secret.suffix(4)), createdBy: context.actor.name, at: now)
            try AuditLog(context).append(actor: context.actor, action: "business.api-secret", target: "business:\(line)",
                                         detail: "rotated: new secret \(id); \(retired) older valid until \(expiry)")
            return APISecretRotation(line: line, id: id, secret: secret, previousExpiresAt: hadCurrent ? expiry : nil)
        }
    }
}
