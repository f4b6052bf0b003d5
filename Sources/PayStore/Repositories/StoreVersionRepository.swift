import PayCore

/// The versions of the configuration a process caches (`store_versions`, schema 22): each moves
/// whenever anything in its tables changes, by triggers, so a cache compares one number.
public struct StoreVersions: Hashable, Sendable {
    public static let channelAccountsName = "channel_accounts"
    public static let riskRulesName = "risk_rules"

    /// Moves on every insert, update or delete of a channel account.
    public let channelAccounts: Int64
    /// Moves on every insert, update or delete of a risk rule.
    public let riskRules: Int64

    public init(channelAccounts: Int64, riskRules: Int64) {
        self.channelAccounts = channelAccounts
        self.riskRules = riskRules
    }
}

/// Reads `store_versions`.
public struct StoreVersionRepository {
    let db: Connection

    /// Every version, in one statement.
    public func current() throws -> StoreVersions {
        var accounts: Int64 = 0, rules: Int64 = 0
        for row in try db.rows("SELECT name, version FROM store_versions") {
            switch row.string("name") {
            case StoreVersions.channelAccountsName: accounts = row.int64("version")
            case StoreVersions.riskRulesName: rules = row.int64("version")
            default: break
            }
        }
        return StoreVersions(channelAccounts: accounts, riskRules: rules)
    }
}
