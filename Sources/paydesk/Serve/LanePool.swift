import Foundation
import PayCore
import PayStore
import PayChannels
import PayServices

/// `paydesk serve`'s lanes: `lanes` service lanes over the store at `path`, each its own store
/// connection, service context and channel gateway, lent to one request at a time.
///
/// `withLane` blocks while every lane is busy. Before a lane is lent its clock is read again (a
/// simulated store's time may have moved); after use its actor goes back to `neutralActor`, so a
/// request never acts as the previous request's caller. With `groupCommit` the lanes' writes go
/// through one shared `GroupCommitWriter` and concurrent requests share durable commits.
final class LanePool: ServiceLanes, @unchecked Sendable {
    // why @unchecked Sendable: the lanes (not Sendable: a store connection each) are only touched
    // by the thread that took one out of `free` under `condition` until it puts it back under the
    // same lock, so no lane is ever used by two threads at once, and the lock orders the hand-over.
    // `free` is read and written only with `condition` locked; everything else is immutable.

    /// The actor a lane holds between requests: the least trusted role, named so that a request
    /// that forgot to set its caller fails its permission checks visibly in the audit trail.
    static let neutralActor = Actor(name: "serve:no-caller", role: .cashier, origin: "serve")

    let path: String
    /// The shared writer when the lanes group their commits, else nil.
    let writer: GroupCommitWriter?
    let count: Int
    private let lanes: [ServiceLane]
    private var free: [Int]
    private let condition = NSCondition()

    init(path: String, lanes: Int, groupCommit: Bool) throws(PayError) {
        guard (1...1024).contains(lanes) else { throw PayError.invalidInput("lanes \(lanes): a whole number from 1 to 1024") }
        // why open one store first: it refuses a missing or foreign file and migrates before the writer opens.
        let first = try Store.open(path: path)
        let writer = groupCommit ? try GroupCommitWriter(path: path, maxBatch: max(lanes, 1)) : nil
        var made: [ServiceLane] = []
        for index in 0..<lanes {
            let store = index == 0 && writer == nil ? first : try Store.open(path: path, groupCommit: writer)
            let context = try ServiceContext(store: store, actor: Self.neutralActor)
            made.append(ServiceLane(context: context, gateway: try ChannelGateway(store: store, clock: context.clock)))
        }
        self.path = path
        self.writer = writer
        self.count = lanes
        self.lanes = made
        self.free = Array((0..<lanes).reversed())
    }

    func withLane<T>(_ body: (ServiceLane) throws -> T) throws -> T {
        condition.lock()
        while free.isEmpty { condition.wait() }
        let index = free.removeLast()
        condition.unlock()
        defer {
            lanes[index].context.actor = Self.neutralActor
            condition.lock()
            free.append(index)
            // why broadcast: besides one borrower, the commit counters may wait for every lane.
            condition.broadcast()
            condition.unlock()
        }
        let lane = lanes[index]
        try lane.context.refreshClock()
        return try body(lane)
    }

    /// Durable commits of the center's store so far, over every lane (and the shared writer).
    /// Waits until no lane is lent (a lent lane's connection belongs to its thread).
    var storeCommits: Int {
        condition.lock()
        defer { condition.unlock() }
        while free.count < count { condition.wait() }
        return lanes.reduce(writer?.committedBatches ?? 0) { $0 + $1.context.store.db.committedWrites }
    }

    /// Commits of the simulated channels' files so far, over every lane. Waits until no lane is lent.
    var sandboxCommits: Int {
        condition.lock()
        defer { condition.unlock() }
        while free.count < count { condition.wait() }
        return lanes.reduce(0) { $0 + $1.gateway.sandbox.db.committedWrites }
    }
}
