import Foundation
import Testing
import TestSupport

/// How `paydesk` without a command behaves when there is no terminal to take over.
@Suite struct ConsoleLaunchEndToEndTests {
    @Test func bareCommandWithoutATerminalPrintsTheOverview() throws {
        let result = try Paydesk.run([])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("open the console"))
    }

    @Test func consoleOptionsWithoutATerminalAreAUsageError() throws {
        let directory = TemporaryDirectory("console-launch")
        let result = try Paydesk.run(["--db", directory.path("store.db"), "--theme", "dark"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("the console needs a terminal"))
        // Nothing was created: the first-run setup never started.
        #expect(!FileManager.default.fileExists(atPath: directory.path("store.db")))
    }
}
