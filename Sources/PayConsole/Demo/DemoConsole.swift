import Foundation
import PayCore
import PayServices
import TUIKit

/// `paydesk demo`: the console on a throwaway sandbox store, with the tour panel beside it.
///
/// The demoer's keys drive the panel — Enter next step, 1–9 a branch's option, Esc back to the
/// list of tours, Ctrl-T hands the keyboard to the console (free play) and back, q quits — while
/// the tour types its own keys into the console. Each step's effect on the screen is marked (the
/// cells that changed, diffed from the frames before and after it). With `autoplay` the steps
/// follow one another after a delay, tour after tour, looping (or once through).
@MainActor
public final class DemoConsole: DemoConsoleHost {
    public struct Settings: Sendable {
        public var autoplay: Bool
        /// Autoplay stops after showing every tour once (and the demo ends).
        public var once: Bool
        /// Autoplay's pace: the delay between steps is divided by it.
        public var speed: Double

        public init(autoplay: Bool = false, once: Bool = false, speed: Double = 1) {
            self.autoplay = autoplay
            self.once = once
            self.speed = speed
        }

        /// How long autoplay shows a step, in milliseconds.
        var stepDelay: Int { max(50, Int(6000 / max(0.1, speed))) }
    }

    public enum Mode: Equatable { case menu, touring, freePlay }

    public let terminal: any Terminal
    public let app: ConsoleApp
    public let tours: [Tour]
    public let settings: Settings
    public private(set) var mode: Mode = .menu
    public private(set) var player: TourPlayer?
    /// Tours that stopped on a failed expectation: the tour's name and where.
    public private(set) var failures: [(tour: String, failure: TourFailure)] = []
    /// Tours played to their end.
    public private(set) var finished: [String] = []
    public private(set) var isQuitting = false
    /// The console's cells the last step changed (indexes into its frame); empty: none marked.
    public private(set) var changedCells: Set<Int> = []
    /// The bounding box of the last step's change, in the console's coordinates.
    public private(set) var changedRegion: Rect?
    let inner: DemoTerminal
    let stage: any DemoStage
    let clock: SettableClock
    var menuIndex = 0
    var runs: [String: Int] = [:]
    /// Autoplay: the tour shown next, and when the next step is due.
    var autoplayIndex = 0
    var nextAutoStep: UInt64 = 0
    private var resumeMode: Mode = .menu

    /// The panel's width beside a console of at least 80 columns.
    static func panelWidth(for columns: Int) -> Int { max(30, min(56, columns - ConsoleApp.minimumSize.columns)) }

    public init(terminal: any Terminal, options: ConsoleOptions, backend: any ConsoleBackend, stage: any DemoStage,
                tours: [Tour], settings: Settings = Settings()) {
        self.terminal = terminal
        self.stage = stage
        self.tours = tours
        self.settings = settings
        clock = SettableClock(stage.now())
        inner = DemoTerminal(outer: terminal, panelWidth: Self.panelWidth(for: terminal.size.columns))
        app = ConsoleApp(terminal: inner, options: options, backend: backend, clock: clock)
        inner.onPresent = { [weak self] in self?.compose() }
    }

    // MARK: Tours

    /// Starts the tour named `name` (the console logs in afresh as its operator); false if unknown.
    @discardableResult
    public func start(_ name: String) -> Bool {
        guard let index = tours.firstIndex(where: { $0.name == name }) else { return false }
        start(at: index)
        return true
    }

    func start(at index: Int) {
        let tour = tours[index]
        menuIndex = index
        changedCells = []
        changedRegion = nil
        logIn(tour.operatorName)
        let run = (runs[tour.name] ?? 0) + 1
        runs[tour.name] = run
        player = TourPlayer(tour: tour, stage: stage, host: self, run: run)
        mode = .touring
        render()
    }

    /// The console as a person finds it: logged out, then logged in through the login screen.
    func logIn(_ name: String) {
        if app.session != nil { app.logOut() }
        app.overlays = []
        type([.text("\(name)\t\(stage.operatorPassword)\n")])
    }

    /// Runs the tour's next step and marks what it changed on the screen.
    public func next() { step { $0.next() } }

    /// Takes option `number` (from 1) at the current branch point.
    @discardableResult
    public func choose(_ number: Int) -> Bool {
        var chosen = false
        step { chosen = $0.choose(number) }
        return chosen
    }

    private func step(_ body: (TourPlayer) -> Void) {
        guard let player, !player.isOver else { return }
        app.render()
        let before = inner.frame
        body(player)
        app.render()
        mark(before: before, after: inner.frame)
        switch player.state {
        case .finished: finished.append(player.tour.name)
        case .failed(let failure): failures.append((player.tour.name, failure))
        default: break
        }
        render()
    }

    /// Plays the tour through, taking `options` at its branch points in turn (then the first).
    public func playThrough(choosing options: [Int] = []) {
        var options = options[...]
        var guardCount = 0
        while let player, !player.isOver, guardCount < 500 {
            guardCount += 1
            if case .choosing = player.state { choose(options.popFirst() ?? 1) } else { next() }
        }
    }

    func mark(before: ScreenBuffer, after: ScreenBuffer) {
        changedCells = []
        changedRegion = nil
        guard before.size == after.size else { return }
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        for index in after.cells.indices where before.cells[index].character != after.cells[index].character {
            changedCells.insert(index)
            let x = index % after.size.columns, y = index / after.size.columns
            minX = min(minX, x); minY = min(minY, y); maxX = max(maxX, x); maxY = max(maxY, y)
        }
        guard maxX >= 0 else { return }
        changedRegion = Rect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
        // why: a step that opens another screen changes nearly every cell; marking them all marks nothing.
        if changedCells.count * 5 > after.cells.count * 2 { changedCells = [] }
    }

    // MARK: DemoConsoleHost

    public func type(_ keys: [TourKey]) {
        for key in keys {
            switch key {
            case .key(let key): inner.queue(.key(key))
            case .text(let text):
                for character in text {
                    switch character {
                    case "\n": inner.queue(.key(.enter))
                    case "\t": inner.queue(.key(.tab))
                    default: inner.queue(.key(.character(character)))
                    }
                }
            }
            app.processPendingInput()
            settle()
        }
    }

    public var screenText: String { inner.frame.text }

    public func clockMoved() {
        clock.set(stage.now())
        // why: a jump of the simulated clock is not the operator walking away; without this a
        // tour's "a day later" would lock the console (the idle lock counts the console's clock).
        if let session = app.session, app.lock == nil { app.activity = OperatorSession(actor: session, at: clock.now()) }
    }

    /// Waits (a bounded while) until the console's background calls have answered and been drawn.
    func settle() {
        let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        var quiet = 0
        while quiet < 3, DispatchTime.now().uptimeNanoseconds < deadline {
            app.drainMailbox()
            if app.inFlight == 0 { quiet += 1 } else { quiet = 0; usleep(2_000) }
        }
        app.tick()
        app.render()
    }

    // MARK: Loop

    /// Runs until the demoer quits (or autoplay with `once` has shown every tour).
    public func run() {
        if settings.autoplay { scheduleAutoStep(after: 1000) }
        render()
        while !isQuitting {
            if let event = terminal.readEvent(timeoutMilliseconds: 50) {
                handle(event)
            }
            app.drainMailbox()
            app.tick()
            if app.isQuitting { isQuitting = true }
            if settings.autoplay, DispatchTime.now().uptimeNanoseconds >= nextAutoStep { autoStep() }
            app.render()
        }
    }

    func scheduleAutoStep(after milliseconds: Int) {
        nextAutoStep = DispatchTime.now().uptimeNanoseconds + UInt64(milliseconds) * 1_000_000
    }

    /// One beat of autoplay: the next step, the first option at a branch, or the next tour.
    func autoStep() {
        scheduleAutoStep(after: settings.stepDelay)
        if let player, !player.isOver, mode == .touring {
            if case .choosing = player.state { choose(1) } else { next() }
            return
        }
        // why after a beat: a finished (or failed) tour's last state stays on show for one delay.
        guard !tours.isEmpty, !(settings.once && autoplayIndex >= tours.count) else { isQuitting = true; return }
        start(at: autoplayIndex % tours.count)
        autoplayIndex += 1
    }

    public func handle(_ event: InputEvent) {
        switch event {
        case .resize:
            inner.panelWidth = Self.panelWidth(for: terminal.size.columns)
            app.handle(.resize(inner.size))
            terminal.invalidate()
        case .mouse: break
        case .key(let key): handle(key)
        }
        render()
    }

    func handle(_ key: Key) {
        if key == .ctrl("t") {
            if mode == .freePlay { mode = resumeMode } else { resumeMode = mode; mode = .freePlay }
            changedCells = []
            return
        }
        if mode == .freePlay {
            inner.queue(.key(key))
            app.processPendingInput()
            return
        }
        if key == .function(10) || key == .ctrl("q") || key == .character("q") { isQuitting = true; return }
        switch mode {
        case .menu:
            switch key {
            case .up, .character("k"): menuIndex = max(0, menuIndex - 1)
            case .down, .character("j"): menuIndex = min(tours.count - 1, menuIndex + 1)
            case .enter where !tours.isEmpty: start(at: menuIndex)
            case .character(let c) where c.isNumber:
                if let n = c.wholeNumberValue, n >= 1, n <= tours.count { start(at: n - 1) }
            default: break
            }
        case .touring:
            guard let player else { mode = .menu; return }
            switch key {
            case .escape:
                mode = .menu
                self.player = nil
                changedCells = []
            case .enter, .character(" "), .right, .character("n"):
                if player.isOver { mode = .menu; self.player = nil } else { next() }
            case .character(let c) where c.isNumber:
                if let n = c.wholeNumberValue { choose(n) }
            default: break
            }
        case .freePlay: break
        }
    }

    // MARK: Drawing

    /// Draws the console's last frame and the panel on the real terminal.
    public func render() { app.render() }

    func compose() {
        let size = terminal.size
        let theme = app.theme
        var buffer = ScreenBuffer(size: size, style: theme["body"])
        let frame = inner.frame
        let mark = mode == .freePlay ? [] : changedCells
        for y in 0..<min(frame.size.rows, size.rows) {
            for x in 0..<min(frame.size.columns, size.columns) {
                var cell = frame[x, y]
                if mark.contains(y * frame.size.columns + x) { cell.style = cell.style.with([.reverse, .bold]) }
                buffer[x, y] = cell
            }
        }
        let panel = Rect(x: frame.size.columns, y: 0, width: max(0, size.columns - frame.size.columns), height: size.rows)
        if panel.width >= 10 { TourPanel(demo: self).render(into: &buffer, area: panel, theme: theme) }
        terminal.present(buffer)
        terminal.setCursor(mode == .freePlay ? inner.cursor : nil)
    }
}
