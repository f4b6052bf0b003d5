import Foundation
@testable import PayConsole
@testable import paydesk
import PayCore
import PayServices
import PayStore
import TestSupport
import TUIKit

/// A console over a demo store (for the logins) whose support services are a `FakeSupportDesk`,
/// on the fixed clock of `ConsoleHarness`; `open()` logs in and goes to the orders (F3).
@MainActor
final class OrdersHarness {
    let directory = TemporaryDirectory("orders")
    let terminal: VirtualTerminal
    let desk: FakeSupportDesk?
    let clock = SettableClock(ConsoleHarness.now)
    private(set) var app: ConsoleApp!

    var storePath: String { directory.url.appendingPathComponent("store.db").path }

    init(desk: FakeSupportDesk? = FakeSupportDesk(), columns: Int = 140, rows: Int = 30) throws {
        terminal = VirtualTerminal(columns: columns, rows: rows)
        self.desk = desk
        try DemoStoreTemplate.copy(to: storePath)
        let options = ConsoleOptions(storePath: storePath, environment: [:], origin: "test", themeLoader: ThemeLoader(directories: []))
        let backend = StandardConsoleBackend(payments: .none, support: desk.map { .custom($0) } ?? .none, runsWorker: false)
        app = ConsoleApp(terminal: terminal, options: options, backend: backend, clock: clock)
        app.render()
    }

    /// Logs in and opens the order browser, its first page loaded.
    func open(as name: String = "support") async {
        type("\(name)\tdemo\n")
        press(.function(3))
        await settle()
    }

    func type(_ text: String) {
        terminal.type(text)
        app.processPendingInput()
    }

    func press(_ keys: Key...) {
        for key in keys { terminal.press(key) }
        app.processPendingInput()
    }

    /// Types, then waits for the services' answers to be drawn.
    func typeAndSettle(_ text: String) async {
        type(text)
        await settle()
    }

    func pressAndSettle(_ keys: Key...) async {
        for key in keys { terminal.press(key) }
        app.processPendingInput()
        await settle()
    }

    func settle() async {
        // why: an answer may start the next call (actions → menu → preview); settle until quiet.
        for _ in 0..<5 { await app.settle() }
    }

    /// Moves the clock (the rows refresh every two seconds) and lets the console tick.
    func advance(seconds: Int64) async {
        clock.set(clock.now().adding(milliseconds: seconds * 1_000))
        app.tick()
        await settle()
    }

    var screen: String { terminal.text }

    /// The order no under the browser's cursor (nil when the orders screen is not on top).
    var selectedOrderNo: String? { (app.currentScreen as? OrdersScreen)?.selected?.orderNo.rawValue }

    /// The screen's text, then each cell's theme style as one letter (ratatui-style buffer snapshot).
    var styledScreen: String { StyleMap.render(terminal.screen, theme: app.theme) }
}
