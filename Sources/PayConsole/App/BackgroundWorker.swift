import Foundation
import Synchronization
import PayCore
import PayStore
import PayChannels
import PayServices

/// What the status bar shows of the background: firing alerts and the worker's state.
public struct BackgroundStatus: Sendable, Equatable {
    public var firingAlerts: Int = 0
    /// "running" (this console holds the lease), "standby" (another process does), "stopped", "error: …".
    public var worker: String = "starting"
}

/// Runs the worker's jobs in this console process on a thread and connection of its own — sandbox
/// callbacks, janitor, duplicates, expiry, merchant notifications — when it can take the store's
/// worker lease; otherwise it stands by while another process works. Never blocks the UI.
public final class BackgroundWorker: Sendable {
    private let storePath: String
    private let state = Mutex<(status: BackgroundStatus, stop: Bool)>((BackgroundStatus(), false))

    public init(storePath: String) { self.storePath = storePath }

    public var status: BackgroundStatus { state.withLock { $0.status } }

    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "paydesk-worker"
        thread.start()
    }

    public func stop() { state.withLock { $0.stop = true } }

    private func loop() {
        let worker: Worker
        let context: ServiceContext
        do {
            let store = try Store.open(path: storePath)
            context = try ServiceContext(store: store, actor: .system)
            let gateway = try ChannelGateway(store: store, clock: context.clock)
            worker = Worker(context: context, jobs: PaymentJobs.all(gateway: gateway))
        } catch {
            state.withLock { $0.status.worker = "error: \(error)" }
            return
        }
        while !state.withLock({ $0.stop }) {
            do {
                let round = try worker.runOnce()
                let firing = try context.store.read { try context.store.alerts.count(state: AlertRepository.State.firing) }
                state.withLock {
                    $0.status.worker = round.ranJobs ? (round.errors.isEmpty ? "running" : "job failed") : "standby"
                    $0.status.firingAlerts = firing
                }
            } catch {
                state.withLock { $0.status.worker = "error" }
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        worker.releaseLease()
        state.withLock { $0.status.worker = "stopped" }
    }
}
