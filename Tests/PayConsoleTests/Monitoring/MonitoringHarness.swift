import Foundation
@testable import PayConsole
@testable import paydesk
import PayCore
import PayServices
import PayStore
import TestSupport
import TUIKit

/// A console over a demo store (for the logins) whose monitoring is a `FakeMonitoringDesk` and
/// whose support services a `FakeSupportDesk` (for `o`), on the fixed clock of `ConsoleHarness`.
@MainActor
final class MonitoringHarness {
    let directory = TemporaryDirectory("monitoring")
    let terminal: VirtualTerminal
    let desk: FakeMonitoringDesk?
    let clock = SettableClock(ConsoleHarness.now)
    private(set) var app: ConsoleApp!

    var storePath: String { directory.url.appendingPathComponent("store.db").path }

    init(desk: FakeMonitoringDesk? = FakeMonitoringDesk(), columns: Int = 120, rows: Int = 40) throws {
        terminal = VirtualTerminal(columns: columns, rows: rows)
        self.desk = desk
        try DemoStoreTemplate.copy(to: storePath)
        let options = ConsoleOptions(storePath: storePath, environment: [:], origin: "test", themeLoader: ThemeLoader(directories: []))
        let backend = StandardConsoleBackend(payments: .none, support: .custom(FakeSupportDesk()),
                                             monitoring: desk.map { .custom($0) } ?? .none, runsWorker: false)
        app = ConsoleApp(terminal: terminal, options: options, backend: backend, clock: clock)
        app.render()
    }

    /// Logs in and goes to `key` (F4 the alerts, F5 the dashboard).
    func open(_ key: Key = .function(4), as name: String = "support") async {
        type("\(name)\tdemo\n")
        await settle()
        press(key)
    }

    func type(_ text: String) {
        terminal.type(text)
        app.processPendingInput()
    }

    func press(_ keys: Key...) {
        for key in keys { terminal.press(key) }
        app.processPendingInput()
    }

    func settle() async {
        for _ in 0..<5 { await app.settle() }
    }

    /// Moves the clock and lets the console tick (the screens reload every three seconds).
    func advance(seconds: Int64) {
        clock.set(clock.now().adding(milliseconds: seconds * 1_000))
        app.tick()
        app.render()
    }

    var screen: String { terminal.text }
    var panel: AlertPanelScreen? { app.currentScreen as? AlertPanelScreen }
    /// The rows of the screen holding `text`.
    func rows(containing text: String) -> [String] { screen.split(separator: "\n").map(String.init).filter { $0.contains(text) } }
    var styledScreen: String { StyleMap.render(terminal.screen, theme: app.theme) }
}
