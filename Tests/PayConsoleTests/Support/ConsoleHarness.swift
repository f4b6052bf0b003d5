import Foundation
import PayConsole
@testable import paydesk
import PayCore
import PayServices
import PayStore
import TestSupport
import TUIKit

/// A console on a `VirtualTerminal` over a fresh store in a temporary directory, on a fixed clock.
@MainActor
final class ConsoleHarness {
    static let now = Timestamp(milliseconds: 1_795_253_400_000)  // 2026-11-21 09:30:00 UTC
    let directory = TemporaryDirectory("console")
    let terminal: VirtualTerminal
    let gateway: ScriptedGateway?
    /// The console's clock; tests move it to see countdowns and the idle lock.
    let clock = SettableClock(ConsoleHarness.now)
    private(set) var app: ConsoleApp!

    var storePath: String { directory.url.appendingPathComponent("store.db").path }
    var receipts: String { directory.url.appendingPathComponent("receipts").path }

    /// `demo`: seed a sandbox demo store first; otherwise the store is missing (first run).
    init(demo: Bool = true, gateway: ScriptedGateway? = nil, till: (any TillDesk)? = nil, columns: Int = 100, rows: Int = 30,
         themes: [String] = []) throws {
        terminal = VirtualTerminal(columns: columns, rows: rows)
        self.gateway = gateway
        if demo {
            try DemoStoreTemplate.copy(to: storePath)
        }
        let options = ConsoleOptions(storePath: storePath, environment: [:], receiptsDirectory: receipts, origin: "test",
                                     themeLoader: ThemeLoader(directories: themes))
        var backend = StandardConsoleBackend(payments: gateway.map { .custom($0) } ?? .none, runsWorker: false)
        backend.till = till
        app = ConsoleApp(terminal: terminal, options: options, backend: backend, clock: clock)
        app.render()
    }

    /// Moves the console's clock forward and lets it tick once.
    func advance(minutes: Int64) {
        clock.set(clock.now().adding(milliseconds: minutes * 60_000))
        app.tick()
        app.render()
    }

    /// Types text (Tab and Enter as "\t" and "\n") and lets the console handle it.
    func type(_ text: String) {
        terminal.type(text)
        app.processPendingInput()
    }

    func press(_ keys: Key...) {
        for key in keys { terminal.press(key) }
        app.processPendingInput()
    }

    /// Waits for the gateway's answers to be applied.
    func settle() async { await app.settle() }

    var screen: String { terminal.text }

    /// A service context on the console's store, acting as `actor` (to make orders "elsewhere").
    func context(as actor: Actor = .system) throws -> ServiceContext {
        try ServiceContext(store: try Store.open(path: storePath), actor: actor)
    }

    func logIn(_ name: String = "cashier") {
        type("\(name)\tdemo\n")
    }

    /// Switches the checkout to a business line through Ctrl-B.
    func selectLine(_ name: String) {
        press(.ctrl("b"))
        for character in name.prefix(1) { press(.character(character)) }
        press(.enter)
    }

    /// Fills one business detail through F7: the menu item at `index`, then the text.
    func setDetail(index: Int, _ text: String?) {
        press(.function(7))
        for _ in 0..<index { press(.down) }
        press(.enter)
        if let text { type(text + "\n") }
    }

    func ringUp(_ items: [(String, Int, String)]) {
        for (name, quantity, price) in items { type("\(name)\t\(quantity)\t\(price)\n") }
    }
}
