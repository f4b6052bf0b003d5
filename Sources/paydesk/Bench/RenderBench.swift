import Foundation
import PayCore
import PayStore
import PayServices
import PayConsole
import TUIKit

/// `paydesk bench render`: how long the console takes to draw a full checkout frame — a cashier
/// logged in on a demo store, 40 lines rung up — into an in-memory terminal of the given size.
enum RenderBench {
    struct Report: Encodable {
        let columns: Int
        let rows: Int
        let frame: BenchStats
    }

    @MainActor
    static func run(columns: Int, rows: Int, frames: Int) throws -> Report {
        let folder = NSTemporaryDirectory() + "/paydesk-bench-render-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/store.db"
        let store = try Store.open(path: path, create: true)
        try DemoSeeder(try ServiceContext(store: store, actor: .system)).seed()

        let terminal = VirtualTerminal(columns: columns, rows: rows)
        let app = ConsoleApp(terminal: terminal, options: ConsoleOptions(storePath: path, receiptsDirectory: folder + "/receipts"),
                             backend: StandardConsoleBackend(payments: .none, runsWorker: false))
        app.render()
        terminal.type("cashier\tdemo\n")
        app.processPendingInput()
        for n in 1...40 {
            terminal.type("商品 item \(n) 珍珠奶茶\t\(n % 5 + 1)\t\(n).50\n")
            app.processPendingInput()
        }
        let stats = BenchStats.measure("render \(columns)×\(rows) checkout, 40 lines", count: frames) { _ in app.render() }
        return Report(columns: columns, rows: rows, frame: stats)
    }
}
