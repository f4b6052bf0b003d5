import Foundation
import PayCore
import PayStore
import PayChannels

/// A run's result: the stored run, its mismatches and their counts per type.
public struct ReconciliationReport: Sendable {
    public var run: ReconciliationRun
    public var typeCounts: [(type: MismatchType, count: Int, minor: Int64)]
    public var mismatches: [Mismatch]

    public init(run: ReconciliationRun, typeCounts: [(type: MismatchType, count: Int, minor: Int64)], mismatches: [Mismatch]) {
        self.run = run
        self.typeCounts = typeCounts
        self.mismatches = mismatches
    }
}

/// Reconciliation (issue 16): a channel account's bill for one of the channel's days against the
/// center's attempts and refunds of that day.
///
/// The run: download the bill through the channel's plugin (or read `--bill FILE`), keep it beside
/// the store, load the center's records of the day into a compact index (by channel serial and by
/// center serial), stream the bill line by line through the index — time linear in the lines,
/// memory growing with the index only —, then look up the few lines the index did not have, age
/// the holding pool, and write the run, its mismatches and the pool in one transaction. A bill
/// that does not parse or whose summary disagrees with its lines is recorded as a FAILED run and
/// nothing else is applied. Running a date again adds a version and keeps the earlier ones.
public struct ReconciliationService {
    let context: ServiceContext
    let gateway: ChannelGateway?

    /// `gateway` downloads bills and carries resolutions to the payment and refund services;
    /// nil: runs read `--bill` files only and resolutions that move money are refused.
    public init(_ context: ServiceContext, gateway: ChannelGateway?) {
        self.context = context
        self.gateway = gateway
    }

    // MARK: Reading

    public func runs(date: String? = nil, account: String? = nil, limit: Int = 200) throws(PayError) -> [ReconciliationRun] {
        try Authorizer.require(.queryOrders, actor: context.actor)
        if let date { _ = try ReconciliationSettings.parseDate(date, field: "--date") }
        let store = context.store
        return try store.read { try store.reconciliation.runs(date: date, account: account, limit: limit) }
    }

    public func report(run id: Int64) throws(PayError) -> ReconciliationReport {
        try Authorizer.require(.queryOrders, actor: context.actor)
        let store = context.store
        return try store.read {
            guard let run = try store.reconciliation.run(id: id) else { throw PayError.notFound("reconciliation run \(id): not found") }
            return ReconciliationReport(run: run, typeCounts: try store.reconciliation.typeCounts(runId: id),
                                        mismatches: try store.reconciliation.items(runId: id))
        }
    }

    public func mismatch(_ id: Int64) throws(PayError) -> Mismatch {
        try Authorizer.require(.queryOrders, actor: context.actor)
        let store = context.store
        return try store.read {
            guard let item = try store.reconciliation.item(id: id) else { throw PayError.notFound("mismatch \(id): not found") }
            return item
        }
    }

    /// The holding pool of an account, newest first.
    public func pool(account: String) throws(PayError) -> [PoolEntry] {
        try Authorizer.require(.queryOrders, actor: context.actor)
        let store = context.store
        return try store.read { try store.reconciliation.pool(account: account) }
    }

    // MARK: Running

    /// Where the bills downloaded for a store are kept: `<store>.bills/<account>/<date>.txt`.
    public static func billPath(storePath: String, account: String, date: String) -> String {
        "\(storePath).bills/\(account)/\(date).txt"
    }

    /// Runs the reconciliation of `account` for the channel's day `date`. `billFile` reads that
    /// file instead of downloading. Throws `invalidInput` (after recording the FAILED run) for a
    /// malformed bill or one whose summary disagrees with its lines.
    @discardableResult
    public func run(account accountId: String, date: String, billFile: String? = nil) throws(PayError) -> ReconciliationReport {
        try Authorizer.require(.reconcile, actor: context.actor)
        let store = context.store
        let startedAt = context.now
        let day = try ReconciliationSettings.parseDate(date, field: "--date")
        guard let account = try store.read({ try store.channelAccounts.find(accountId) }) else {
            let known = (try? store.read { try store.channelAccounts.all().map(\.id) }) ?? []
            throw PayError.notFound("--account '\(accountId)': no such channel account (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        if let billFile, !FileManager.default.fileExists(atPath: billFile) {
            throw PayError.invalidInput("--bill '\(billFile)': no such file")
        }
        let base = NewReconciliationRun(account: account.id, channel: account.channel, billDate: date, status: .failed,
                                        startedBy: context.actor.name, startedAt: startedAt)
        // The bill: the given file, or the channel's, kept beside the store.
        let path: String
        if let billFile {
            path = billFile
        } else {
            guard let gateway else { throw PayError.usage("no channel to download the bill from: give --bill FILE") }
            path = Self.billPath(storePath: store.path, account: account.id, date: date)
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            } catch {
                throw PayError.internal("bill for \(account.id) \(date): cannot keep it beside the store at '\(path)': \(error)")
            }
            do {
                try gateway.plugin(for: account).downloadBill(date: date, to: path)
            } catch {
                var run = base
                run.status = error.kind == .notFound ? .noBill : .failed
                run.error = "\(account.channel) bill for \(date): \(error.message)"
                let stored = try record(failure: run)
                if run.status == .noBill { return stored }
                throw PayError.internal("\(run.error ?? ""); recorded as run #\(stored.run.id) (FAILED), nothing applied")
            }
        }
        var run = base
        run.billFile = path
        let settings = try ReconciliationSettings.load(store, channels: [account.channel])
        let pass = try ReconciliationPass(context: context, account: account, date: date, day: day,
                                          holdDays: settings.holdDays(for: account.channel))
        do {
            try pass.compare(billPath: path)
        } catch {
            run.error = error.message
            run.billLines = pass.lines
            let stored = try record(failure: run)
            throw PayError(error.kind == .internal ? .internal : .invalidInput,
                           "\(error.message); recorded as run #\(stored.run.id) (FAILED), nothing applied")
        }
        return try pass.apply(into: run)
    }

    /// Records a run that compared nothing (FAILED, NO_BILL), with its alert.
    private func record(failure run: NewReconciliationRun) throws(PayError) -> ReconciliationReport {
        let store = context.store
        let stored = try store.write {
            let stored = try store.reconciliation.insertRun(run, at: context.now)
            try Alerting(context).raise(rule: "reconciliation.failed", subject: "reconciliation:\(run.account)/\(run.billDate)",
                                        labels: ["channel": run.channel, "account": run.account],
                                        message: "reconciliation of \(run.account) for \(run.billDate) \(run.status == .noBill ? "found no bill" : "failed"): \(run.error ?? "")")
            return stored
        }
        try AuditLog(context).append(actor: context.actor, action: "reconciliation.run", target: "reconciliation:\(run.account)/\(run.billDate)",
                                     outcome: .failed, detail: "run #\(stored.id) v\(stored.version) \(stored.status.rawValue): \(run.error ?? "")")
        return ReconciliationReport(run: stored, typeCounts: [], mismatches: [])
    }
}
