/// Why a callback was refused: said to the log and recorded beside the raw callback.
public struct NotificationRejection: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    /// The message names another account (app id, serial, merchant id): try the channel's next account.
    public let notForThisAccount: Bool
    /// The signature verified under the account, but what it signed names another merchant (mchid,
    /// appid, merId): the channel's own word that does not match, so suspicious, not junk.
    public let verified: Bool
    public init(_ reason: String, notForThisAccount: Bool = false, verified: Bool = false) {
        self.reason = reason
        self.notForThisAccount = notForThisAccount
        self.verified = verified
    }
    public var description: String { reason }
}
