#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PayConsole
import TUICurses
import TUIKit

/// `paydesk [--db PATH] [--theme NAME] [--mouse]`: opens the console when no command is given.
enum ConsoleLaunch {
    struct Request {
        var storePath: String?
        var theme: String?
        var mouse = false
    }

    /// The console request, or nil when the arguments name a command (or ask for help).
    static func parse(_ arguments: [String]) -> Request? {
        var request = Request()
        var args = Array(arguments.dropFirst())[...]
        while let word = args.popFirst() {
            switch word {
            case "--db": guard let value = args.popFirst() else { return nil }; request.storePath = value
            case "--theme": guard let value = args.popFirst() else { return nil }; request.theme = value
            case "--mouse": request.mouse = true
            default:
                if word.hasPrefix("--db=") { request.storePath = String(word.dropFirst(5)) }
                else if word.hasPrefix("--theme=") { request.theme = String(word.dropFirst(8)) }
                else { return nil }
            }
        }
        return request
    }

    /// Whether stdin and stdout are a terminal the console can take over.
    static var hasTerminal: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Runs the console on this terminal until the operator quits; the terminal is restored on
    /// every way out (`NCursesTerminal` also restores it on exit and on signals).
    @MainActor
    static func run(_ request: Request) -> Int32 {
        guard hasTerminal else {
            FileHandle.standardError.write(Data("paydesk: the console needs a terminal; to run a command see `paydesk --help`\n".utf8))
            return 2
        }
        let environment = ProcessInfo.processInfo.environment
        let storePath = request.storePath ?? environment["PAYDESK_DB"] ?? "paydesk.db"
        let tty = ttyname(STDIN_FILENO).map { String(cString: $0) } ?? "tty"
        let options = ConsoleOptions(
            storePath: storePath, themeName: request.theme, mouse: request.mouse, environment: environment,
            origin: "console \(tty)",
            themeLoader: ThemeLoader.standard(environment: environment))
        let terminal = NCursesTerminal(mouse: request.mouse)
        defer { terminal.stop() }
        let app = ConsoleApp(terminal: terminal, options: options, backend: StandardConsoleBackend())
        app.run()
        return 0
    }
}
