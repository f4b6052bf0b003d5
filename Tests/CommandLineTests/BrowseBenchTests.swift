import Testing
import Foundation
import TestSupport
@testable import paydesk

/// `bench browse` on a small store: it runs, and every query line carries the sqlite3 shell's
/// figure and a ratio. Figures only; nothing here asserts a timing.
@Suite("bench browse")
struct BrowseBenchTests {
    @Test("runs on a small store and prints each query beside the sqlite3 shell, with a ratio column")
    func printsRatios() throws {
        let directory = TemporaryDirectory("bench-browse")
        let result = InProcess.run(["bench", "browse", "--orders", "300", "--repeats", "2", "--shell-ms", "5", "--keep", directory.path("bench.db")])
        #expect(result.exitCode == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("query") }, "\(result.stdout)")
        #expect(lines[header].hasSuffix("sqlite3    ratio"))
        let figures = lines[(header + 1)...].prefix { !$0.hasPrefix("export:") }
        let names = figures.map { String($0.prefix(38)).trimmingCharacters(in: .whitespaces) }
        for expected in ["first page (50 newest)", "next page (PgDn)", "PgUp from the deep page", "last page (End)",
                         "filter: status:refunded", "search: channel serial", "search: channel refund serial",
                         "reload a page (orders+items+subs)", "export CSV (all, per 500-row chunk)"] {
            #expect(names.contains(expected), "no line for \(expected) in\n\(result.stdout)")
        }
        // Each line ends in a ratio ("1.07×") when the shell is installed (or "n/a" when the shell's
        // figure was lost in its start-up noise: "0 µs"), and "n/a" beside "n/a" when it is not.
        let shellInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")
        for line in figures {
            if shellInstalled {
                #expect(line.range(of: #"(\d+(\.\d+)? (µs|ms) +\d+\.\d\d×| 0 µs +n/a)$"#, options: .regularExpression) != nil, "\(line)")
            } else {
                #expect(line.hasSuffix("n/a      n/a"), "\(line)")
            }
        }
        #expect(result.stdout.contains("how: sqlite3: the same statements"))
    }
}
