import Foundation
import Testing
import TestSupport

/// The till's editing keys as tmux and screen send them to a program that believes it runs in an
/// xterm (`TERM=xterm-256color` inside the pane): Home arrives as `ESC [ 1 ~`, which xterm's
/// terminfo entry does not list, and must still move the cursor — not type "[1~".
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct TillKeysEndToEndTests {
    @Test func homeEndAndDeleteWorkUnderXtermInsideTmux() throws {
        let directory = TemporaryDirectory("till-keys-e2e")
        let store = directory.path("store.db")
        let created = try Paydesk.run(["init", "--demo", "--db", store])
        #expect(created.exitCode == 0, "\(created)")

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && TERM=xterm-256color '\(Paydesk.binary)' --db '\(store)'; sleep 60")
        try tmux.wait(for: "Operator login")
        tmux.logIn("cashier")
        try tmux.wait(for: "cashier (cashier) │ line retail")
        tmux.send(literal: "ab")
        // Each spelling of Home and End the terminals in use send, then a letter typed there.
        let sequences: [(home: String, end: String)] = [("\u{1B}[1~", "\u{1B}[4~"), ("\u{1B}[H", "\u{1B}[F"),
                                                        ("\u{1B}OH", "\u{1B}OF"), ("\u{1B}[7~", "\u{1B}[8~")]
        var expected = "ab"
        for (index, pair) in sequences.enumerated() {
            tmux.send(literal: pair.home)
            tmux.send(literal: "\(index)")
            tmux.send(literal: pair.end)
            tmux.send(literal: "z")
            expected = "\(index)" + expected + "z"
            try tmux.wait(for: "Item " + expected)
        }
        // tmux's own Home key and Delete (ESC [ 3 ~) at the start: the first character goes.
        tmux.send("Home")
        tmux.send(literal: "\u{1B}[3~")
        expected.removeFirst()
        let screen = try tmux.wait(for: "Item " + expected)
        #expect(!screen.contains("[1~") && !screen.contains("[3~"))
    }
}
