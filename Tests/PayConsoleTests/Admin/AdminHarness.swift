import Foundation
@testable import PayConsole
@testable import paydesk
import PayCore
import PayServices
import PayStore
import TestSupport
import TUIKit

/// A console over a demo store (for the logins) or a missing one (the first run), whose admin
/// services are `desk`: a `FakeAdminDesk`, the real `ServiceAdminDesk` (`desk` nil and `real`),
/// or none.
@MainActor
final class AdminHarness {
    let directory = TemporaryDirectory("admin")
    let terminal: VirtualTerminal
    let clock = SettableClock(ConsoleHarness.now)
    private(set) var app: ConsoleApp!

    var storePath: String { directory.url.appendingPathComponent("store.db").path }

    init(desk: FakeAdminDesk? = FakeAdminDesk.sample(), real: Bool = false, demo: Bool = true, columns: Int = 100, rows: Int = 30) throws {
        terminal = VirtualTerminal(columns: columns, rows: rows)
        if demo { try DemoStoreTemplate.copy(to: storePath) }
        let options = ConsoleOptions(storePath: storePath, environment: [:], origin: "test", themeLoader: ThemeLoader(directories: []))
        let admin: StandardConsoleBackend.Admin = real ? .standard : desk.map { .custom($0) } ?? .none
        let backend = StandardConsoleBackend(payments: .none, support: .none, monitoring: .none, admin: admin, runsWorker: false)
        app = ConsoleApp(terminal: terminal, options: options, backend: backend, clock: clock)
        app.render()
    }

    /// Logs in (password `demo`) and opens the admin screen with F11.
    func open(as name: String = "admin") {
        type("\(name)\tdemo\n")
        press(.function(11))
    }

    func type(_ text: String) {
        terminal.type(text)
        app.processPendingInput()
    }

    func press(_ keys: Key...) {
        for key in keys { terminal.press(key) }
        app.processPendingInput()
    }

    var screen: String { terminal.text }
    var admin: AdminScreen? { app.currentScreen as? AdminScreen }

    /// Moves the tree's cursor down to the row holding `text`.
    func select(_ text: String) {
        for _ in 0..<40 {
            if let admin, let row = admin.selected, admin.tree.text(row).contains(text) { return }
            press(.down)
        }
    }
}
