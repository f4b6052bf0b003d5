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
            // The hour of the channel's own day: its start is the day's 00:00.
            let today = BillDay.date(channel: account.channel, of: context.now)
            guard let start = try? BillDay.window(channel: account.channel, date: today).lowerBound,
                  context.now.milliseconds - start.milliseconds >= Int64(hour) * 3_600_000 else { continue }
            let yesterday = ReconciliationSettings.yesterday(channel: account.channel, at: context.now)
            guard try store.read({ try store.reconciliation.latestRun(account: account.id, date: yesterday) }) == nil else { continue }
            // why not thrown: one account's bad bill is recorded as its FAILED run and alerted; the others still run.
            _ = try? ReconciliationService(context, gateway: gateway).run(account: account.id, date: yesterday)
            done += 1
        }
        return done
    }
}
