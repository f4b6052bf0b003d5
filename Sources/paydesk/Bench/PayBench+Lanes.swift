import Foundation
import Synchronization
import PayCore
import PayStore
import PayServices

/// `paydesk bench pay --concurrency N`: N threads paying distinct orders over `paydesk serve`'s
/// lane pool (in process, sandbox channels, no HTTP), once with every write its own commit and
/// once with group commit, beside the raw durable commit rate of the same run.
extension PayBench {
    struct LaneReport: Encodable {
        let concurrency: Int
        /// Payments in each run.
        let payments: Int
        let rawCommitsPerSecond: Double
        let runs: [LaneRun]
    }

    struct LaneRun: Encodable {
        let groupCommit: Bool
        let seconds: Double
        let paymentsPerSecond: Double
        let latency: BenchStats
        let succeeded: Int
        /// Payments per raw durable commit.
        let ratio: Double
        let storeCommitsPerPayment: Double
        let sandboxCommitsPerPayment: Double
    }

    static func runLanes(_ settings: Settings, concurrency: Int, log: (String) -> Void) throws -> LaneReport {
        let folder = try scratchFolder(settings)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = settings.storePath ?? folder + "/store.db"
        let orderNos = try prepare(path: path, create: settings.storePath == nil, orders: 2 * settings.payments, log: log)

        log("raw durable commits …")
        let raw = try rawCommitRate(path: folder + "/raw.db", seconds: 2)
        var runs: [LaneRun] = []
        for (index, groupCommit) in [false, true].enumerated() {
            log("paying on \(concurrency) lane(s) \(groupCommit ? "with" : "without") group commit …")
            let mine = Array(orderNos[(index * settings.payments)..<((index + 1) * settings.payments)])
            runs.append(try laneRun(path: path, orders: mine, concurrency: concurrency, groupCommit: groupCommit,
                                    method: settings.method, raw: raw))
        }
        return LaneReport(concurrency: concurrency, payments: settings.payments, rawCommitsPerSecond: raw, runs: runs)
    }

    private static func laneRun(path: String, orders: [String], concurrency: Int, groupCommit: Bool,
                                method: PaymentMethod, raw: Double) throws -> LaneRun {
        let pool = try LanePool(path: path, lanes: concurrency, groupCommit: groupCommit)
        let requests = try orders.map { try request($0, method: method) }
        let storeBefore = pool.storeCommits, sandboxBefore = pool.sandboxCommits
        let next = Atomic(0)
        let latencies = Mutex<[Double]>([])
        let succeeded = Atomic(0)
        let failures = Mutex<[PayError]>([])
        let clock = ContinuousClock()
        let start = clock.now
        onThreads(concurrency) { _ in
            var mine: [Double] = []
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < requests.count else { break }
                let began = clock.now
                do {
                    let outcome = try pool.withLane { lane in
                        lane.context.actor = .localAdministrator(unixUser: "bench")
                        return try PaymentService(lane.context, gateway: lane.gateway).pay(requests[index])
                    }
                    if outcome.exitCode == 0 { succeeded.add(1, ordering: .relaxed) }
                } catch let error as PayError {
                    failures.withLock { $0.append(error) }
                } catch {
                    failures.withLock { $0.append(PayError.internal("\(error)")) }
                }
                let elapsed = clock.now - began
                mine.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
            }
            latencies.withLock { $0 += mine }
        }
        let total = clock.now - start
        if let failure = failures.withLock({ $0.first }) { throw PayError(failure.kind, "a lane failed: \(failure.message)") }
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        let rate = Double(orders.count) / seconds
        return LaneRun(groupCommit: groupCommit, seconds: seconds, paymentsPerSecond: rate,
                       latency: BenchStats("latency per payment", micros: latencies.withLock { $0 }),
                       succeeded: succeeded.load(ordering: .relaxed), ratio: rate / raw,
                       storeCommitsPerPayment: Double(pool.storeCommits - storeBefore) / Double(orders.count),
                       sandboxCommitsPerPayment: Double(pool.sandboxCommits - sandboxBefore) / Double(orders.count))
    }
}

extension Double {
    /// Two decimal places ("0.42"), for per-payment ratios.
    var twoDecimals: String { String(format: "%.2f", self) }
}
