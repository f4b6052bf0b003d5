import PayChannels
import PayCore
import PayStore

extension DemoSeeder {
    /// Gives every demo channel account its keys: the sandbox beside the store keeps the channel's
    /// side (its private keys, the center's public keys, the shared secrets), and the account's
    /// `config` in the store keeps only the center's side (its private key, the channel's public
    /// key, the shared secrets). RSA-2048 key generation happens here, once per account. The
    /// center's private keys and secrets are sealed at rest (`ConfigSeal`) like any admin's.
    func seedChannelKeys() throws {
        let store = context.store
        let sandbox = try Sandbox(storePath: store.path, clock: context.clock)
        let seal = try ConfigSeal(storePath: store.path)
        for account in try store.channelAccounts.all() {
            var config = try sandbox.provision(account).merging(account.config) { generated, _ in generated }
            for name in ChannelAccountService.plaintextSecrets(ChannelAccount(
                id: account.id, channel: account.channel, merchantId: nil, name: "", currencies: [], feeRateBps: 0, feeFixedMinor: 0,
                enabled: true, config: config)) {
                config[name] = try seal.seal(config[name] ?? "", scope: ChannelAccountService.scope(account.id), field: name)
            }
            try store.channelAccounts.setConfig(account.id, config)
        }
    }
}
