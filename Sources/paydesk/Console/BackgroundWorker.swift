import Foundation
import Synchronization
import PayCore
import PayStore
import PayChannels
import PayServices
import PayConsole

/// Runs the worker's jobs in this console process on a thread and connection of its own — sandbox
/// callbacks, janitor, duplicates, expiry, merchant notifications — when it can take the store's
/// worker lease; otherwise it stands by while another process works. Never blocks the UI.
final class BackgroundWorker: BackgroundJobs {
    private let storePath: String
    private let state = Mutex<(status: BackgroundStatus, stop: Bool)>((BackgroundStatus(), false))

    init(storePath: String) { self.storePath = storePath }

    var status: BackgroundStatus { state.withLock { $0.status } }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "paydesk-worker"
        thread.start()
    }

    func stop() { state.withLock { $0.stop = true } }

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
        var lastDeadManCheck: Date?
        while !state.withLock({ $0.stop }) {
            do {
                let round = try worker.runOnce()
                let alerts = AlertService(context, metrics: MetricsService(context))
                // why: standing by, this process still notices a worker that stopped (the dead-man
                // rule, 5 minutes); once a minute is enough, and spares the store a write per round.
                if !round.ranJobs, lastDeadManCheck.map({ Date().timeIntervalSince($0) >= 60 }) ?? true {
                    try alerts.checkDeadMan()
                    lastDeadManCheck = Date()
                }
                let firing = try alerts.counts()[.firing] ?? 0
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
