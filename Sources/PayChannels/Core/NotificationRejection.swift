/// Why a callback was refused: said to the log and recorded beside the raw callback.
public struct NotificationRejection: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    /// The message names another account (app id, serial, merchant id): try the channel's next account.
    public let notForThisAccount: Bool
    public init(_ reason: String, notForThisAccount: Bool = false) {
        self.reason = reason
        self.notForThisAccount = notForThisAccount
    }
    public var description: String { reason }
}
