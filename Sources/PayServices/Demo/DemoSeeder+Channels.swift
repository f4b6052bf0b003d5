import PayChannels
import PayCore
import PayStore

extension DemoSeeder {
    /// Gives every demo channel account its keys: the sandbox beside the store keeps the channel's
    /// side (its private keys, the center's public keys, the shared secrets), and the account's
    /// `config` in the store keeps only the center's side (its private key, the channel's public
    /// key, the shared secrets). RSA-2048 key generation happens here, once per account.
    func seedChannelKeys() throws {
        let store = context.store
        let sandbox = try Sandbox(storePath: store.path, clock: context.clock)
        for account in try store.channelAccounts.all() {
            let config = try sandbox.provision(account).merging(account.config) { generated, _ in generated }
            try store.channelAccounts.setConfig(account.id, config)
        }
    }
}
