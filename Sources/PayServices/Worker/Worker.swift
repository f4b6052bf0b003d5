#if canImport(Glibc)
import Glibc
#endif
import PayCore
import PayStore

/// One kind of background work: does what is due now and says how much it did.
public protocol WorkerJob {
    var name: String { get }
    func runDue(_ context: ServiceContext) throws(PayError) -> Int
}

/// What one round of the worker did, job by job.
public struct WorkerRound: Sendable {
    /// False when another process holds the lease: this one did nothing.
    public var ranJobs: Bool
    public var done: [String: Int]
    /// Jobs that failed this round, with why; the other jobs still ran.
    public var errors: [String: String] = [:]
}

/// Runs the background jobs (sandbox callbacks, merchant notifications, janitor, expiry) on its
/// own connection. Only the holder of the store's `worker` lease runs them, so any number of
/// processes may run a worker and no notification is delivered twice at once.
public final class Worker {
    public static let leaseName = "worker"
    public static let leaseTTL: Int64 = 30_000

    let context: ServiceContext
    let holder: String
    public var jobs: [any WorkerJob]

    public init(context: ServiceContext, jobs: [any WorkerJob]) {
        self.context = context
        self.jobs = jobs
        self.holder = "pid:\(getpid())@\(Worker.hostName)"
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One pass over what is due, if this process holds (or can take) the lease.
    public func runOnce() throws(PayError) -> WorkerRound {
        try context.refreshClock()
        let store = context.store
        let now = context.now
        let holds = try store.write {
            let holds = try store.leases.acquire(Worker.leaseName, holder: holder, ttlMilliseconds: Worker.leaseTTL, at: now)
            if holds { try store.metrics.workerHeartbeat(at: now) }  // why: the dead-man rule's "last round", seen by every process
            return holds
        }
        guard holds else { return WorkerRound(ranJobs: false, done: [:]) }
        var round = WorkerRound(ranJobs: true, done: [:])
        for job in jobs {
            do {
                round.done[job.name] = try job.runDue(context)
            } catch {
                // why: one failing job (a store hiccup, a broken channel) must not stop the others.
                round.errors[job.name] = error.message
                _ = try? store.write {
                    try Alerting(context).raise(rule: "worker.job-failed", subject: job.name, labels: ["job": job.name],
                                                message: "worker job \(job.name) failed: \(error.message)")
                }
            }
        }
        return round
    }

    /// Runs rounds every `intervalMs` until `seconds` have passed (wall time) or `stop` says so.
    public func run(forSeconds seconds: Double, intervalMs: Int = 200, stop: () -> Bool = { false }) throws(PayError) {
        // why clamped: `Int64(_:)` traps on NaN, infinity and anything past Int64; a thousand years is "forever" enough.
        let milliseconds = seconds.isNaN ? 0 : Int64(min(max(seconds, 0), 3.2e10) * 1000)
        let deadline = SystemClock().now().adding(milliseconds: milliseconds)
        while SystemClock().now() < deadline && !stop() {
            _ = try runOnce()
            if stop() { break }
            usleep(useconds_t(intervalMs * 1000))
        }
        releaseLease()
    }

    /// Gives the lease back so another process can take over at once.
    public func releaseLease() {
        let store = context.store
        _ = try? store.write { try store.leases.release(Worker.leaseName, holder: holder) }
    }
}

/// The outbox job: merchant notifications and the alert sinks' deliveries.
public struct NotificationJob: WorkerJob {
    public let name = "notifications"
    let poster: any HTTPPosting
    /// Where the SMS alert sinks' messages go.
    let sms: (any OneTimeCodeSender)?

    public init(poster: any HTTPPosting = CurlPoster(), sms: (any OneTimeCodeSender)? = nil) {
        self.poster = poster
        self.sms = sms
    }

    public func runDue(_ context: ServiceContext) throws(PayError) -> Int {
        let report = try MerchantNotifications(context, poster: poster, sms: sms).deliverDue()
        return report.delivered + report.retried + report.failed
    }
}
