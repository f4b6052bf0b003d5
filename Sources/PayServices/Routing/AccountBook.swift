import PayCore
import PayStore

/// Channel accounts as routing reads them, kept per context (a process's isolation domain) and
/// dropped as a whole when the accounts' version in the store (`store_versions`) moves — any
/// change of any account, by any process, moves it. A class so copies of a service share it.
final class AccountBook {
    private var version: Int64 = -1
    private var accounts: [String: ChannelAccount] = [:]

    /// The account `id` as stored at `version`, or nil when there is none.
    func account(_ id: String, store: Store, version: Int64) throws -> ChannelAccount? {
        if version != self.version {
            accounts = [:]
            self.version = version
        }
        if let hit = accounts[id] { return hit }
        guard let found = try store.channelAccounts.find(id) else { return nil }
        accounts[id] = found
        return found
    }
}
