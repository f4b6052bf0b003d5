#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// The console as a person meets it: the built binary in a tmux pane, keys sent with `send-keys`,
/// the screen read with `capture-pane`. Skipped where tmux is not installed.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct ConsoleEndToEndTests {
    @Test func cashierLogsInRingsUpAHotelOrderScansSeesItPaidAndQuitsLeavingTheTerminalSane() throws {
        let directory = TemporaryDirectory("console-e2e")
        let store = directory.path("store.db")
        let created = try Paydesk.run(["init", "--demo", "--db", store])
        #expect(created.exitCode == 0, "\(created)")

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && '\(Paydesk.binary)' --db '\(store)'; echo EXIT=$?; stty -a; sleep 60")
        try tmux.wait(for: "Operator login")

        tmux.logIn("cashier")
        try tmux.wait(for: "cashier (cashier) │ line retail")

        tmux.send("C-b")
        try tmux.wait(for: "Business line")
        tmux.send(literal: "H")
        tmux.send("Enter")
        try tmux.wait(for: "Guest and stay")
        tmux.send(literal: "豪华大床房 Deluxe King")
        tmux.send("Tab")
        tmux.send(literal: "2")
        tmux.send("Tab")
        tmux.send(literal: "688.00")
        tmux.send("Enter")
        try tmux.wait(for: "Total ¥1,376.00")
        let rung = tmux.capture()
        #expect(rung.contains("豪华大床房 Deluxe King"))

        tmux.send("F9")
        try tmux.wait(for: "Scan")
        tmux.send(literal: "134567890123456789")
        try tmux.wait(for: "→ WeChat Pay code (18 digits)")
        tmux.send("Enter")
        let paid = try tmux.wait(for: "✔ PAID")
        #expect(paid.contains("Channel serial"))
        #expect(paid.contains("worker running"), "the console runs the background jobs itself")
        // The store agrees: the hotel order is paid through WeChat.
        let orders = try Paydesk.run(["orders", "--business", "hotel", "--status", "PAID", "--limit", "1", "--json", "--db", store])
        let latest = (try orders.json()["orders"] as? [[String: Any]])?.first
        #expect(latest?["amount"] as? String == "1376.00")
        #expect(latest?["paidAmount"] as? String == "1376.00")

        tmux.send("F10")
        try tmux.wait(for: "Leave PayDesk?")
        tmux.send(literal: "y")
        try tmux.wait(for: "EXIT=0")
        let after = try tmux.wait(for: "icanon")
        // A sane terminal: canonical mode and echo back on, the console's screen gone.
        #expect(after.contains(" icanon") && !after.contains("-icanon"))
        #expect(after.contains(" echo ") && !after.contains("-echo "))
        #expect(!after.contains("PayDesk — Checkout"))
    }

    /// Issue 10 item 6: the checkout's header shows the order as the store has it — PAYING while
    /// the customer confirms, PAID after — and after its only payment is declined the order is
    /// CREATED again, in the store and on screen, and the till offers to try again.
    @Test func aDeclinedPaymentLeavesTheOrderCreatedOnScreenAndInTheStore() throws {
        let directory = TemporaryDirectory("console-e2e-declined")
        let store = directory.path("store.db")
        #expect(try Paydesk.run(["init", "--demo", "--db", store]).exitCode == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && '\(Paydesk.binary)' --db '\(store)'; sleep 60")
        try tmux.wait(for: "Operator login")
        tmux.logIn("cashier")
        try tmux.wait(for: "cashier (cashier) │ line retail")
        func sell(_ price: String) throws {
            tmux.send(literal: "Umbrella")
            tmux.send("Tab")
            tmux.send(literal: "1")
            tmux.send("Tab")
            tmux.send(literal: price)
            tmux.send("Enter")
            try tmux.wait(for: "Total ¥\(price)")
            tmux.send("F9")
            try tmux.wait(for: "Scan")
            tmux.send(literal: "134567890123456789")
            tmux.send("Enter")
        }
        // .57: the customer confirms on their phone for a while, then pays.
        try sell("10.57")
        let waiting = try tmux.wait(for: "Waiting for the customer")
        #expect(waiting.contains("· PAYING"), "a payment is open: \(waiting)")
        let paid = try tmux.wait(for: "✔ PAID")
        #expect(paid.contains("· PAID"), "\(paid)")
        tmux.send("F12")
        try tmux.wait(for: "new sale")
        // .51: declined.
        try sell("10.51")
        let declined = try tmux.wait(for: "NOT PAID")
        #expect(declined.contains("· CREATED"), "the header follows the order: \(declined)")
        #expect(!declined.contains("· PAYING"))
        #expect(declined.contains("F9TryAgain"))
        let orders = try Paydesk.run(["orders", "--business", "retail", "--limit", "1", "--json", "--db", store])
        let latest = (try orders.json()["orders"] as? [[String: Any]])?.first
        #expect(latest?["amount"] as? String == "10.51")
        #expect(latest?["status"] as? String == "CREATED")
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let directory = TemporaryDirectory("console-e2e")
        let store = directory.path("store.db")
        #expect(try Paydesk.run(["init", "--demo", "--db", store]).exitCode == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        let pidFile = directory.path("console.pid")
        try tmux.start(command: "'\(Paydesk.binary)' --db '\(store)' </dev/tty & pid=$!; echo $pid > '\(pidFile)'; wait $pid; echo EXIT=$?; stty -a; sleep 60")
        try tmux.wait(for: "Operator login")
        let pid = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGTERM) == 0)
        try tmux.wait(for: "EXIT=")
        let after = try tmux.wait(for: "icanon")
        #expect(after.contains("EXIT=143"))
        #expect(after.contains(" icanon") && !after.contains("-icanon"))
    }

    @Test func firstRunCreatesADemoStoreThenTooSmallAndBack() throws {
        let directory = TemporaryDirectory("console-e2e")
        let store = directory.path("new.db")
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "'\(Paydesk.binary)' --db '\(store)'; echo EXIT=$?; sleep 60")
        try tmux.wait(for: "Create a sandbox demo store")
        tmux.send("Down")
        tmux.send("Enter")
        try tmux.wait(for: "Operator login")
        #expect(FileManager.default.fileExists(atPath: store))
        tmux.resize(columns: 70, rows: 20)
        try tmux.wait(for: "Terminal too small: 70×20")
        tmux.resize(columns: 120, rows: 40)
        try tmux.wait(for: "Operator login")
        tmux.send("C-q")
        try tmux.wait(for: "Leave PayDesk?")
        tmux.send(literal: "y")
        try tmux.wait(for: "EXIT=0")
    }
}

/// A private tmux server (its own socket) with one 120×40 session.
final class Tmux {
    let socket = "paydesk-e2e-\(UUID().uuidString.prefix(8))"
    let session = "console"

    static var isAvailable: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs tmux and returns what it printed. Spawned with every signal unblocked and at its
    /// default: the test runner's threads block signals, and a tmux server (and the console in its
    /// pane) inheriting that mask would never see SIGWINCH or SIGTERM.
    @discardableResult
    func run(_ arguments: [String]) -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let quoted = (["tmux", "-L", socket] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let script = "LANG=C.UTF-8 TERM=xterm-256color; export LANG TERM; unset TMUX NO_COLOR; exec " + quoted.joined(separator: " ")
            + " >'\(output)' 2>&1 </dev/null"
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, &attributes, argv, environ) == 0 else { return "" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func start(command: String) throws {
        run(["new-session", "-d", "-x", "120", "-y", "40", "-s", session, "sh -c '\(command.replacingOccurrences(of: "'", with: "'\\''"))'"])
    }

    func send(_ key: String) { run(["send-keys", "-t", session, key]) }
    func send(literal text: String) { run(["send-keys", "-t", session, "-l", text]) }

    /// Types a demo operator's name and password into the login screen.
    func logIn(_ name: String, password: String = "demo") {
        send(literal: name)
        send("Tab")
        send(literal: password)
        send("Enter")
    }
    func resize(columns: Int, rows: Int) { run(["resize-window", "-t", session, "-x", "\(columns)", "-y", "\(rows)"]) }
    func capture() -> String { run(["capture-pane", "-t", session, "-p"]) }

    /// Waits (up to 15 s) until the pane shows `text`; returns the pane, or throws with what it showed.
    @discardableResult
    func wait(for text: String) throws -> String {
        let deadline = Date().addingTimeInterval(15)
        var screen = ""
        while Date() < deadline {
            screen = capture()
            if screen.contains(text) { return screen }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TmuxTimeout(expected: text, screen: screen)
    }

    func kill() { run(["kill-server"]) }
}

struct TmuxTimeout: Error, CustomStringConvertible {
    let expected: String
    let screen: String
    var description: String { "the pane never showed '\(expected)'; it showed:\n\(screen)" }
}
