import Foundation
import PayCore
import PayServices
import TUIKit

/// The console: one loop on the main actor — read a key (100 ms timeout), update state, render.
/// A router: owns the screen stack, the overlays, the global keys of DESIGN §9 (`KeyMap`), the
/// destinations (`DestinationTable`) and the session. Screens reach the services only through
/// `services` (the narrow environment the composition root builds), never a store.
@MainActor
public final class ConsoleApp {
    public let terminal: any Terminal
    public let options: ConsoleOptions
    /// How the console reaches a store (the composition root's).
    let backend: any ConsoleBackend
    /// The wall clock the console shows and counts down by (fixed in tests).
    public let clock: any PayClock
    public private(set) var theme: Theme
    /// The services over the open store (nil before one is open).
    public private(set) var services: ConsoleServices?
    public var authenticator: (any OperatorAuthenticating)? { services?.operators }
    /// The payment core while an operator is logged in.
    public private(set) var gateway: (any CheckoutPaymentGateway)?
    /// The background jobs running in this process (nil in tests, or before a store is open).
    var worker: (any BackgroundJobs)?
    public private(set) var session: Actor?
    public private(set) var isQuitting = false
    /// The title bar's store name ("store.db (sandbox demo)"), read once when the store opens.
    private var storeLabel = "no store"
    var screens: [any ConsoleScreen] = []
    /// The logged-in operator's activity, for the idle lock.
    var activity: OperatorSession?
    /// Shown instead of the screens while the session is locked; the screens keep their work.
    var lock: LockScreen?
    var overlays: [Overlay] = []
    var flash: (text: String, isError: Bool, until: Timestamp)?
    public private(set) var spinner: Spinner
    private let mailbox = Mailbox()
    private var handlers: [Int: (any Sendable) -> Void] = [:]
    private var nextJob = 0
    /// Background calls not yet answered.
    public private(set) var inFlight = 0

    /// The smallest terminal the screens are laid out for.
    public static let minimumSize = Size(columns: 80, rows: 24)

    public init(terminal: any Terminal, options: ConsoleOptions, backend: any ConsoleBackend,
                clock: any PayClock = SystemClock()) {
        self.terminal = terminal
        self.options = options
        self.backend = backend
        self.clock = clock
        let loaded = options.themeLoader.load(options.themeName, environment: options.environment, colorSupport: terminal.colorSupport)
        theme = loaded.theme
        spinner = Spinner(ascii: !terminal.supportsUnicode)
        if let warning = loaded.warning { showMessage(warning, error: true) }
        start()
    }

    /// Opens the store (or the first-run setup when there is none) and shows the first screen.
    func start() {
        guard backend.storeExists(at: options.storePath) else {
            screens = [FirstRunScreen(mode: .newStore)]
            return
        }
        do {
            try open(create: false)
            if try authenticator?.hasOperators() == false, try !isDemoStore() {
                screens = [FirstRunScreen(mode: .adminOnly)]
            } else {
                screens = [LoginScreen()]
            }
        } catch {
            screens = [LoginScreen()]
            showMessage(error.message, error: true)
        }
    }

    func open(create: Bool) throws(PayError) {
        services = try backend.open(path: options.storePath, create: create, origin: options.origin)
        if worker == nil, let started = backend.backgroundJobs(path: options.storePath) {
            worker = started
            started.start()
        }
        try refreshStoreLabel()
    }

    /// Forgets the store (a first-run setup that failed half way).
    func closeStore() {
        services = nil
        gateway = nil
        storeLabel = "no store"
    }

    /// The title bar's store name, marked when it is a sandbox demo (after first-run seeding too).
    func refreshStoreLabel() throws(PayError) {
        storeLabel = services?.store.fileName ?? URL(fileURLWithPath: options.storePath).lastPathComponent
        if try isDemoStore() { storeLabel += " (sandbox demo)" }
    }

    public func isDemoStore() throws(PayError) -> Bool {
        guard let services else { return false }
        return try services.store.isDemo()
    }

    // MARK: Session

    /// Starts a session for the operator: the services act as them from now on, and the console
    /// lands on the screen of their role.
    func logIn(_ actor: Actor) {
        session = actor
        activity = OperatorSession(actor: actor, at: clock.now())
        lock = nil
        services?.act(actor)
        gateway = services?.payments
        let landing = DestinationTable.entry(DestinationTable.landing(for: actor.role))
        screens = [landing.make(self)]
        showMessage("Logged in as \(actor.name) (\(actor.role.rawValue))")
    }

    func logOut() {
        session = nil
        activity = nil
        lock = nil
        gateway = nil
        screens = [LoginScreen()]
    }

    /// Hides the work behind the lock screen until the same operator's password is given.
    func lockSession() {
        guard let session, lock == nil else { return }
        lock = LockScreen(actor: session)
    }

    /// The password was right: the screens come back as they were.
    func unlock() {
        guard let session else { return }
        lock = nil
        activity = OperatorSession(actor: session, at: clock.now())
        showMessage("Unlocked")
    }

    // MARK: Loop

    /// Runs until the operator quits.
    public func run() {
        render()
        while !isQuitting {
            if let event = terminal.readEvent(timeoutMilliseconds: 100) {
                handle(event)
                // why: a scanner types a whole code at once; take what is queued before drawing.
                var burst = 0
                while burst < 64, let next = terminal.readEvent(timeoutMilliseconds: 0) {
                    handle(next)
                    burst += 1
                }
            }
            drainMailbox()
            tick()
            render()
        }
        worker?.stop()
    }

    /// Handles every queued event, then ticks once and renders (tests drive the app with this).
    public func processPendingInput() {
        while !isQuitting, let event = terminal.readEvent(timeoutMilliseconds: 0) {
            handle(event)
            drainMailbox()
        }
        tick()
        render()
    }

    /// Waits until background calls have answered and their results are applied, then renders.
    public func settle() async {
        while inFlight > 0 {
            drainMailbox()
            if inFlight > 0 { try? await Task.sleep(for: .milliseconds(1)) }
        }
        drainMailbox()
        render()
    }

    /// Runs `work` off the main actor and hands its result to `then` on the loop.
    public func perform<T: Sendable>(_ work: @escaping @Sendable () async -> T, then: @escaping (T) -> Void) {
        let id = nextJob
        nextJob += 1
        inFlight += 1
        handlers[id] = { value in
            // why force cast: the value posted under this id is the T produced by this very work.
            then(value as! T)
        }
        let mailbox = self.mailbox
        Task.detached {
            let value = await work()
            mailbox.post(id, value)
        }
    }

    func drainMailbox() {
        for (id, value) in mailbox.takeAll() {
            inFlight -= 1
            handlers.removeValue(forKey: id)?(value)
        }
    }

    /// Advances spinners and lets the screen count down and poll.
    public func tick() {
        spinner.advance()
        if let flash, clock.now() >= flash.until { self.flash = nil }
        if lock == nil, let activity, activity.isLocked(at: clock.now()) { lockSession() }
        screens.last?.tick(app: self)
    }

    // MARK: Input

    public func handle(_ event: InputEvent) {
        switch event {
        case .resize:
            terminal.invalidate()
        case .mouse(let mouse):
            // why: with --mouse the wheel scrolls whatever ↑/↓ moves; clicks are not used yet.
            if mouse.button == .wheelUp { handle(.up) } else if mouse.button == .wheelDown { handle(.down) }
        case .key(let key):
            handle(key)
        }
    }

    var isTooSmall: Bool {
        terminal.size.columns < Self.minimumSize.columns || terminal.size.rows < Self.minimumSize.rows
    }

    func handle(_ key: Key) {
        flash = nil
        let action = KeyMap.action(for: key)
        if action == .redraw { terminal.invalidate(); return }
        if action == .quit { confirmQuit(); return }
        if isTooSmall { return }
        if let lock { _ = lock.handle(key, app: self); return }
        if var current = activity {
            // why: a key after the idle time unlocks nothing; it only shows the lock screen.
            let fresh = current.touch(at: clock.now())
            activity = current
            if !fresh { lockSession(); return }
        }
        if !overlays.isEmpty { handleOverlay(key); return }
        guard let screen = screens.last else { return }
        // why: a screen taking text gets printable keys first, so ':' can be typed into a field.
        if case .character = key, screen.capturesText, screen.handle(key, app: self) { return }
        switch action {
        case .help?: showHelp(for: screen); return
        case .palette?: openPalette(); return
        case .go(let destination)? where session != nil:
            // why: a screen may use a destination's key for itself (the checkout's F6 loads an order).
            if screen.claimedKeys.contains(key), screen.handle(key, app: self) { return }
            navigate(to: destination)
            return
        default: break
        }
        if screen.handle(key, app: self) { return }
        // why: Esc goes back a screen and never quits; on the first screen it does nothing.
        if key == .escape, screens.count > 1 { screens.removeLast() }
    }

    func handleOverlay(_ key: Key) {
        guard let top = overlays.popLast() else { return }
        switch top {
        case .dialog(var dialog, let done):
            let outcome = dialog.handle(key)
            if outcome == .none { overlays.append(.dialog(dialog, done)) } else { done(outcome) }
        case .menu(var menu, let done):
            switch menu.handle(key) {
            case .chosen(let index): done(index)
            case .cancelled: done(nil)
            case .moved, .ignored: overlays.append(.menu(menu, done))
            }
        case .help:
            break
        case .palette(var palette):
            switch palette.handle(key) {
            case .none: overlays.append(.palette(palette))
            case .cancelled: break
            case .run(let id): runCommand(id)
            }
        }
    }

    // MARK: Navigation and commands

    /// Goes to a destination of the table: back to it when it is on the stack, else opens it on
    /// top. An operator whose role may not go there is told why and stays.
    func navigate(to destination: Destination) {
        let entry = DestinationTable.entry(destination)
        if let session, !entry.allows(session) {
            showMessage(entry.refusal(for: session), error: true)
            return
        }
        if let index = screens.firstIndex(where: { $0.destination == destination }) {
            screens.removeSubrange((index + 1)...)
            return
        }
        screens.append(entry.make(self))
    }

    func confirmQuit() {
        if case .dialog(let dialog, _)? = overlays.last, dialog.title == "Quit" { return }
        var lines = ["Leave PayDesk?"]
        if inFlight > 0 || (screens.last as? CheckoutScreen)?.isWaitingForPayment == true {
            lines.append("A payment is still in progress; the center keeps tracking it.")
        }
        if let unpaid = unpaidSaleWarning { lines.append(unpaid) }
        present(.confirm("Quit", lines, yes: "Quit", no: "Stay")) { [weak self] outcome in
            if outcome == .confirmed { self?.isQuitting = true }
        }
    }

    /// An open checkout's sale that is not paid, in words (quitting and logging out ask first).
    var unpaidSaleWarning: String? { screens.lazy.compactMap { ($0 as? CheckoutScreen)?.unpaidSaleWarning }.first }

    func confirmLogOut() {
        guard let unpaid = unpaidSaleWarning else { logOut(); return }
        present(.confirm("Log out", ["Log out?", unpaid], yes: "Log out", no: "Stay")) { [weak self] outcome in
            if outcome == .confirmed { self?.logOut() }
        }
    }

    func showHelp(for screen: any ConsoleScreen) {
        overlays.append(.help(HelpOverlay(title: "Help — \(screen.title)", sections: screen.help + [KeyMap.helpSection])))
    }

    func openPalette() {
        var commands: [CommandPalette.Command] = []
        if let session {
            for entry in DestinationTable.entries where entry.allows(session) {
                commands.append(.init(id: "go.\(entry.destination.rawValue)", title: "Go to \(entry.title.lowercased()) (\(entry.key.label))"))
            }
        }
        commands += screens.last?.paletteCommands ?? []
        for name in options.themeLoader.available() where name != theme.name {
            commands.append(.init(id: "theme.\(name)", title: "Theme: \(name)"))
        }
        commands.append(.init(id: "redraw", title: "Redraw the screen (Ctrl-L)"))
        if session != nil { commands.append(.init(id: "logout", title: "Log out")) }
        commands.append(.init(id: "quit", title: "Quit (F10)"))
        overlays.append(.palette(CommandPalette(commands: commands)))
    }

    func runCommand(_ id: String) {
        if id.hasPrefix("go."), let destination = Destination(rawValue: String(id.dropFirst(3))) { navigate(to: destination); return }
        if id.hasPrefix("theme.") { switchTheme(String(id.dropFirst(6))); return }
        switch id {
        case "redraw": terminal.invalidate()
        case "logout": confirmLogOut()
        case "quit": confirmQuit()
        default:
            if screens.last?.runPaletteCommand(id, app: self) != true { showMessage("unknown command '\(id)'", error: true) }
        }
    }

    /// Switches the theme (from the palette); a broken file keeps the current theme and says why.
    public func switchTheme(_ name: String) {
        do {
            theme = try options.themeLoader.theme(named: name)
            showMessage("Theme \(name)")
        } catch {
            showMessage("theme '\(name)': \(error)", error: true)
        }
        terminal.invalidate()
    }

    // MARK: Services for screens

    /// Shows a dialog; `done` gets what the operator answered.
    public func present(_ dialog: Dialog, done: @escaping (Dialog.Outcome) -> Void) {
        overlays.append(.dialog(dialog, done))
    }

    /// Shows a menu; `done` gets the chosen index, or nil when cancelled.
    public func present(_ menu: ListMenu, done: @escaping (Int?) -> Void) {
        overlays.append(.menu(menu, done))
    }

    /// A one-line message above the status line, until the next key or a few seconds pass.
    public func showMessage(_ text: String, error: Bool = false) {
        flash = (text, error, clock.now().adding(milliseconds: error ? 8_000 : 4_000))
    }

    public var hasOverlay: Bool { !overlays.isEmpty }
    public var currentScreen: (any ConsoleScreen)? { screens.last }

    // MARK: Rendering

    /// Draws the whole frame and hands it to the terminal.
    public func render() {
        var buffer = ScreenBuffer(size: terminal.size, style: theme["body"])
        let cursor = draw(into: &buffer)
        terminal.present(buffer)
        terminal.setCursor(cursor)
    }

    /// Draws the frame into a buffer (also what the 200×60 measurement times).
    public func draw(into buffer: inout ScreenBuffer) -> (x: Int, y: Int)? {
        let size = buffer.size
        if isTooSmall {
            let lines = ["Terminal too small: \(size.columns)×\(size.rows)",
                         "PayDesk needs at least \(Self.minimumSize.columns)×\(Self.minimumSize.rows) — enlarge the window"]
            let top = max(0, size.rows / 2 - 1)
            for (index, line) in lines.enumerated() where top + index < size.rows {
                let shown = line.truncated(toWidth: size.columns)
                buffer.put(shown, x: max(0, (size.columns - shown.displayWidth) / 2), y: top + index, style: index == 0 ? theme["notice"] : theme["body"])
            }
            return nil
        }
        guard let screen: any ConsoleScreen = lock ?? screens.last else { return nil }
        let bounds = buffer.bounds
        let (titleRow, rest) = bounds.splitTop(1)
        let area = Rect(x: rest.x, y: rest.y, width: rest.width, height: rest.height - 2)
        let infoRow = Rect(x: 0, y: size.rows - 2, width: size.columns, height: 1)
        let hintRow = Rect(x: 0, y: size.rows - 1, width: size.columns, height: 1)

        buffer.fill(titleRow, style: theme["title"])
        buffer.put(" PayDesk — \(screen.title)", x: 0, y: 0, style: theme["title"], maxWidth: size.columns)
        buffer.put(storeLabel + " ", x: size.columns - storeLabel.displayWidth - 1, y: 0, style: theme["title"])

        var cursor = screen.render(into: &buffer, area: area, app: self)

        var segments: [String] = []
        if let session { segments.append("\(session.name) (\(session.role.rawValue))") } else { segments.append("not logged in") }
        segments += screen.statusSegments
        if let status = worker?.status {
            segments += ["alerts \(status.firingAlerts)", "worker \(status.worker)"]
        } else {
            segments += ["alerts —", "worker —"]
        }
        StatusBar.renderInfo(left: segments, right: clock.now().displayString, into: &buffer, row: infoRow, theme: theme)
        if let flash, area.height > 0 {
            let style = flash.isError ? theme["error"] : theme["notice"]
            let row = Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1)
            buffer.fill(row, style: theme["body"])
            buffer.put(" " + flash.text, x: row.x, y: row.y, style: style, maxWidth: row.width)
        }
        StatusBar.renderHints(screen.hints + [KeyHint("F10", "Quit")], into: &buffer, row: hintRow, theme: theme)

        for index in overlays.indices where lock == nil {
            switch overlays[index] {
            case .dialog(var dialog, let done):
                cursor = dialog.render(into: &buffer, screen: bounds, theme: theme)
                overlays[index] = .dialog(dialog, done)
            case .menu(let menu, _):
                menu.renderBoxed(into: &buffer, screen: bounds, theme: theme)
                cursor = nil
            case .help(let help):
                help.render(into: &buffer, screen: bounds, theme: theme)
                cursor = nil
            case .palette(var palette):
                cursor = palette.render(into: &buffer, screen: bounds, theme: theme)
                overlays[index] = .palette(palette)
            }
        }
        return cursor
    }
}

extension Error {
    /// The message a person reads: a `PayError`'s own, anything else described.
    var message: String { (self as? PayError)?.message ?? "\(self)" }
}
