import Foundation
import Testing
import TestSupport

/// Themes ship inside the binary (issue 14): `--theme dark` works from a directory without
/// `themes/`, and the user's `$XDG_CONFIG_HOME/paydesk/themes` adds one. The built binary in tmux.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct ThemeEndToEndTests {
    /// Starts the console on a demo store from an empty working directory, with `HOME` and
    /// `XDG_CONFIG_HOME` inside it, and waits for the login screen.
    func start(theme: String, userTheme: (name: String, text: String)? = nil) throws -> (Tmux, TemporaryDirectory) {
        let directory = TemporaryDirectory("theme-e2e")
        let store = directory.path("store.db")
        #expect(try Paydesk.run(["init", "--demo", "--db", store]).exitCode == 0)
        let cwd = directory.path("elsewhere")
        try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
        if let userTheme {
            let folder = directory.path("config/paydesk/themes")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try userTheme.text.write(toFile: folder + "/\(userTheme.name).theme", atomically: true, encoding: .utf8)
        }
        let tmux = Tmux()
        try tmux.start(command: "cd '\(cwd)' && HOME='\(cwd)' XDG_CONFIG_HOME='\(directory.path("config"))' "
                       + "'\(Paydesk.binary)' --db '\(store)' --theme \(theme); echo EXIT=$?; sleep 60")
        try tmux.wait(for: "Operator login")
        return (tmux, directory)
    }

    /// The pane with its colours as escape sequences.
    func colours(_ tmux: Tmux) -> String { tmux.run(["capture-pane", "-t", tmux.session, "-p", "-e"]) }

    @Test func darkWorksFromADirectoryWithoutThemes() throws {
        let (tmux, directory) = try start(theme: "dark")
        defer { tmux.kill(); _ = directory }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!tmux.capture().contains("using default"), "no fallback warning: \(tmux.capture())")
        // dark.theme: body = color252 on color234.
        #expect(colours(tmux).contains("48;5;234"), "the dark body background is drawn")
    }

    @Test func anUnknownThemeNamesTheBuiltInOnesAndTheUsersOwnLoads() throws {
        let (unknown, first) = try start(theme: "nosuch")
        defer { unknown.kill(); _ = first }
        let screen = try unknown.wait(for: "using default")
        #expect(screen.contains("dark, default, high-contrast, light, mono"), "\(screen)")

        let (mine, second) = try start(theme: "mine", userTheme: ("mine", "body = color231 on color52\n"))
        defer { mine.kill(); _ = second }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!mine.capture().contains("using default"), "\(mine.capture())")
        #expect(colours(mine).contains("48;5;52"), "the user's theme is drawn")
    }
}
