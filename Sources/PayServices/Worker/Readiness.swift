#if canImport(Glibc)
import Glibc
#endif
import PayCore
import PayStore

/// Whether this process can serve requests now (`GET /readyz`): the store takes a write, some
/// process holds the worker lease (the background jobs run), and the worker's last round is
/// recent. Each check says what it saw, so a failing probe tells an operator where to look.
public struct Readiness {
    /// What one check saw.
    public struct Check: Codable, Sendable, Equatable {
        public let ok: Bool
        public let detail: String
    }

    public struct Report: Codable, Sendable, Equatable {
        public let ready: Bool
        /// "store", "lease", "worker": what each saw.
        public let checks: [String: Check]
        /// The names of the checks that failed, in that order.
        public let failed: [String]
    }

    /// The worker runs a round every second or so and its lease lasts 30 s: a minute without a
    /// round means no process is doing the background work (notifications, janitor, expiry).
    public static let defaultMaxWorkerLagMilliseconds: Int64 = 60_000

    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Runs the three checks; never throws (a check that cannot run has failed).
    public func check(maxWorkerLagMilliseconds: Int64 = Readiness.defaultMaxWorkerLagMilliseconds) -> Report {
        let store = context.store
        var checks: [String: Check] = [:]
        // why an empty write: BEGIN IMMEDIATE takes the write lock and COMMIT gives it back, so a
        // read-only file, a full disk's journal or a lock held past the busy timeout all show here.
        do {
            try store.write {}
            checks["store"] = Check(ok: true, detail: "writable")
        } catch {
            checks["store"] = Check(ok: false, detail: "not writable: \(error.message)")
        }
        let now = context.now
        do {
            let (holder, lastRound) = try store.read { (try store.leases.holder(Worker.leaseName, at: now), try store.metrics.workerLastRound()) }
            if let holder {
                let ours = holder == "pid:\(getpid())@\(Worker.hostName)"
                checks["lease"] = Check(ok: true, detail: "held by \(holder)\(ours ? " (this process)" : "")")
            } else {
                checks["lease"] = Check(ok: false, detail: "no process holds the worker lease")
            }
            if let lastRound {
                let lag = max(0, now.milliseconds - lastRound.milliseconds)
                checks["worker"] = Check(ok: lag <= maxWorkerLagMilliseconds,
                                         detail: "last round \(lag / 1000) s ago (at most \(maxWorkerLagMilliseconds / 1000) s)")
            } else {
                checks["worker"] = Check(ok: false, detail: "the worker has never run a round")
            }
        } catch {
            checks["lease"] = checks["lease"] ?? Check(ok: false, detail: "could not be read: \(error.message)")
            checks["worker"] = checks["worker"] ?? Check(ok: false, detail: "could not be read: \(error.message)")
        }
        let failed = ["store", "lease", "worker"].filter { checks[$0]?.ok != true }
        return Report(ready: failed.isEmpty, checks: checks, failed: failed)
    }
}
