import Foundation
@testable import PayConsole
@testable import paydesk
import PayCore
import PayStore
import TestSupport
import TUIKit

/// `paydesk demo` on a `VirtualTerminal`: a copy of the seeded demo store switched to a simulated
/// clock (as `init --demo --simulated-clock` makes it), the demo merchant's endpoint, the tours.
@MainActor
final class DemoHarness {
    let directory = TemporaryDirectory("demo")
    let terminal: VirtualTerminal
    let merchant: DemoMerchant
    let stage: CommandLineDemoStage
    private(set) var demo: DemoConsole!

    let storePath: String

    init(tours: [Tour]? = nil, settings: DemoConsole.Settings = .init(), columns: Int = 130, rows: Int = 34) throws {
        terminal = VirtualTerminal(columns: columns, rows: rows)
        let storePath = directory.path("demo.db")
        self.storePath = storePath
        try DemoStoreTemplate.copy(to: storePath)
        let store = try Store.open(path: storePath)
        try store.write {
            try store.meta.set(MetaRepository.clockModeKey, "simulated")
            try store.meta.set(MetaRepository.clockNowKey, String(SystemClock().now().milliseconds))
        }
        merchant = try DemoMerchant()
        let stage = CommandLineDemoStage(storePath: storePath, workDirectory: directory.url.path, environment: ["USER": "tester"])
        self.stage = stage
        try stage.connect(merchant)
        let all = try tours ?? DemoCatalog.all(environment: [:])
        demo = DemoCommand.makeConsole(terminal: terminal, stage: stage, environment: [:], tours: all, settings: settings)
        demo.render()
    }

    deinit { merchant.stop() }

    var screen: String { terminal.text }
}
