import PayChannels
import PayCore
import PayStore
import Synchronization

/// A business line's secrets at rest: its notify (webhook) secret and its API secrets, sealed
/// with `ConfigSeal` under the store's key file like the channel accounts' secrets, each bound to
/// its line and field (`business:CODE;notify_secret`, `business:CODE;api_secret:ID`), so a sealed
/// value copied to another line or field does not open.
///
/// Opening is cached per process by the sealed text itself (a new value has a new nonce, so a
/// changed secret is never served stale): a signed API request or a notification does not read
/// the key file and run HKDF each time.
public enum LineSecrets {
    /// The config field of the notify secret.
    public static let notifyField = "notify_secret"

    /// The scope a line's secrets are sealed under.
    public static func scope(_ line: BusinessLineCode) -> String { "business:\(line.rawValue)" }

    /// The field an API secret is sealed as.
    public static func apiField(_ id: String) -> String { "api_secret:\(id)" }

    /// Seals `secret` for `field` of `line`. The key file missing or damaged: a refusal naming it.
    public static func seal(_ secret: String, line: BusinessLineCode, field: String, storePath: String) throws(PayError) -> String {
        try ConfigSeal(storePath: storePath).seal(secret, scope: scope(line), field: field)
    }

    /// The plaintext of a stored value (plaintext from before schema 23 passes through).
    /// `notFound`/`conflict` naming the key file when it is missing or not this store's.
    public static func open(_ stored: String, line: BusinessLineCode, field: String, storePath: String) throws(PayError) -> String {
        guard ConfigSeal.isSealed(stored) else { return stored }
        let key = "\(storePath)\u{0}\(scope(line))\u{0}\(field)\u{0}\(stored)"
        if let hit = opened.withLock({ $0[key] }) { return hit }
        let plain = try ConfigSeal(storePath: storePath).open(stored, scope: scope(line), field: field)
        opened.withLock { cache in
            // why: a bound, not an eviction policy: a store has a few dozen line secrets at most.
            if cache.count >= 4096 { cache.removeAll() }
            cache[key] = plain
        }
        return plain
    }

    /// The line's notify secret in clear ("" when none is set).
    public static func notifySecret(of line: BusinessLine, storePath: String) throws(PayError) -> String {
        try open(line.notifySecret, line: line.code, field: notifyField, storePath: storePath)
    }

    /// An API secret in clear.
    public static func apiSecret(_ record: APISecretRecord, storePath: String) throws(PayError) -> String {
        try open(record.secret, line: record.line, field: apiField(record.id), storePath: storePath)
    }

    /// A new random secret for a business line's notifications ("whsec_" + 64 hex digits), for a
    /// person to give to the business system once.
    public static func generateNotifySecret() -> String { "whsec_" + Crypto.randomHex(32) }

    private static let opened = Mutex<[String: String]>([:])
}
