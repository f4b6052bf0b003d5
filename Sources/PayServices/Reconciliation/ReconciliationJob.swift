import PayCore
import PayStore
import PayChannels

/// The worker's daily reconciliation: once the channel's local time has passed the configured
/// hour (`ReconciliationSettings.hour`, set by `reconcile schedule --hour H`; off until set), yesterday's
/// bill of every enabled channel account is reconciled, once (a run of that date already stored,
/// whatever its status, is not repeated: re-running is an operator's `reconcile`).
public struct ReconciliationJob: WorkerJob {
    public let name = "reconciliation"
    let gateway: ChannelGateway

    public init(gateway: ChannelGateway) { self.gateway = gateway }

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let store = context.store
        let accounts = try store.read { try store.channelAccounts.all().filter(\.enabled) }
        guard !accounts.isEmpty else { return 0 }
        let settings = try ReconciliationSettings.load(store, channels: [])
        guard let hour = settings.hour else { return 0 }
        var done = 0
        for account in accounts {
            let local = context.now.adding(milliseconds: ReconciliationSettings.dayOffsetMilliseconds(channel: account.channel))
            guard local.components.hour >= hour else { continue }
            let yesterday = ReconciliationSettings.dayBefore(local)
            guard try store.read({ try store.reconciliation.latestRun(account: account.id, date: yesterday) }) == nil else { continue }
            // why not thrown: one account's bad bill is recorded as its FAILED run and alerted; the others still run.
            _ = try? ReconciliationService(context, gateway: gateway).run(account: account.id, date: yesterday)
            done += 1
        }
        return done
    }
}
