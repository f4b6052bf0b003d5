import Foundation
import Synchronization
import Testing
import PayCore
import PayStore
import PayServices
import TestSupport
@testable import paydesk

/// `paydesk serve`'s pool of service lanes: one request a lane at a time, a fresh actor and clock each time.
@Suite("Lane pool")
struct LanePoolTests {
    /// Which lanes are lent right now, and every lane ever lent, from several threads.
    final class Ledger: Sendable {
        struct State {
            var lent: Set<ObjectIdentifier> = []
            var seen: Set<ObjectIdentifier> = []
            var shared = 0
            var mostAtOnce = 0
            var staleActors = 0
        }
        let state = Mutex(State())
    }

    /// Runs `body` on `count` threads of their own at once (not a dispatch pool, which runs only
    /// as many at once as there are cores) and waits for all of them.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchSemaphore(value: 0)
        for index in 0..<count {
            Thread.detachNewThread {
                body(index)
                done.signal()
            }
        }
        for _ in 0..<count { done.wait() }
    }

    @Test("eight threads over a pool of three lanes: no lane is ever lent twice at once, and each request starts with the neutral actor")
    func neverShared() throws {
        let demo = try DemoStore()
        for groupCommit in [false, true] {
            let pool = try LanePool(path: demo.path, lanes: 3, groupCommit: groupCommit)
            let ledger = Ledger()
            Self.onThreads(8) { thread in
                for round in 0..<5 {
                    try? pool.withLane { lane in
                        let id = ObjectIdentifier(lane)
                        ledger.state.withLock {
                            if $0.lent.contains(id) { $0.shared += 1 }
                            $0.lent.insert(id)
                            $0.seen.insert(id)
                            $0.mostAtOnce = max($0.mostAtOnce, $0.lent.count)
                            if lane.context.actor != LanePool.neutralActor { $0.staleActors += 1 }
                        }
                        lane.context.actor = Actor(name: "api:t\(thread)-\(round)", role: .admin, origin: "test")
                        usleep(2_000)
                        ledger.state.withLock { _ = $0.lent.remove(id) }
                    }
                }
            }
            let state = ledger.state.withLock { $0 }
            #expect(state.shared == 0, "a lane was lent to two threads at once")
            #expect(state.seen.count <= 3 && state.mostAtOnce <= 3)
            #expect(state.staleActors == 0, "a request saw the previous request's actor")
        }
    }

    @Test("a lane is lent with the store's clock read again (a simulated clock advanced by another process)")
    func clockRefreshed() throws {
        let demo = try DemoStore()
        let pool = try LanePool(path: demo.path, lanes: 1, groupCommit: true)
        let before = try pool.withLane { $0.context.now }
        let other = try Store.open(path: demo.path)
        _ = try other.write { try other.meta.advanceClock(by: 3_600_000) }
        let after = try pool.withLane { $0.context.now }
        #expect(after.milliseconds - before.milliseconds >= 3_600_000)
    }

    @Test("a pool over a missing store or with no lanes is refused")
    func refused() throws {
        let dir = TemporaryDirectory("lanes")
        #expect(throws: PayError.self) { try LanePool(path: dir.path("missing.db"), lanes: 2, groupCommit: false) }
        let demo = try DemoStore()
        #expect(throws: PayError.self) { try LanePool(path: demo.path, lanes: 0, groupCommit: true) }
    }
}
