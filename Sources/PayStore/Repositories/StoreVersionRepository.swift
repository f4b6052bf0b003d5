import PayCore

/// The versions of the configuration a process caches (`store_versions`, schemas 22 and 24):
/// each moves whenever anything in its tables changes, by triggers, so a cache compares one number.
public struct StoreVersions: Hashable, Sendable {
    public static let channelAccountsName = "channel_accounts"
    public static let riskRulesName = "risk_rules"
    public static let routeRulesName = "route_rules"
    public static let businessLinesName = "business_lines"
    public static let breakersName = "circuit_breakers"

    /// Moves on every insert, update or delete of a channel account.
    public let channelAccounts: Int64
    /// Moves on every insert, update or delete of a risk rule.
    public let riskRules: Int64
    /// Moves on every insert, update or delete of a routing rule or one of its candidates.
    public let routeRules: Int64
    /// Moves on every insert, update or delete of a business line.
    public let businessLines: Int64
    /// Moves whenever a circuit breaker's row is written (a success on a closed, clean breaker writes none).
    public let breakers: Int64

    public init(channelAccounts: Int64, riskRules: Int64, routeRules: Int64 = 0, businessLines: Int64 = 0, breakers: Int64 = 0) {
        self.channelAccounts = channelAccounts
        self.riskRules = riskRules
        self.routeRules = routeRules
        self.businessLines = businessLines
        self.breakers = breakers
    }
}

/// Reads `store_versions`.
public struct StoreVersionRepository {
    let db: Connection

    /// Every version, in one statement.
    public func current() throws -> StoreVersions {
        var accounts: Int64 = 0, rules: Int64 = 0, routes: Int64 = 0, lines: Int64 = 0, breakers: Int64 = 0
        for row in try db.rows("SELECT name, version FROM store_versions") {
            let version = row.int64("version")
            switch row.string("name") {
            case StoreVersions.channelAccountsName: accounts = version
            case StoreVersions.riskRulesName: rules = version
            case StoreVersions.routeRulesName: routes = version
            case StoreVersions.businessLinesName: lines = version
            case StoreVersions.breakersName: breakers = version
            default: break
            }
        }
        return StoreVersions(channelAccounts: accounts, riskRules: rules, routeRules: routes, businessLines: lines, breakers: breakers)
    }
}
