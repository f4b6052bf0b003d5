import Foundation
import Testing
import TestSupport

/// Issue 17 at a booth: the built binary's `paydesk demo --autoplay --once` in tmux shows every
/// tour, one after another, each to its end, and leaves the terminal to the shell.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct DemoEndToEndTests {
    @Test func autoplayOnceShowsEveryTourToItsEnd() throws {
        let directory = TemporaryDirectory("demo-e2e")
        let listed = try Paydesk.run(["demo", "--list", "--json"])
        #expect(listed.exitCode == 0, "\(listed)")
        let tours = try #require(try listed.json()["tours"] as? [[String: Any]], "\(listed)")
        let titles = tours.compactMap { $0["title"] as? String }
        #expect(titles.count == 8, "\(titles)")

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && '\(Paydesk.binary)' demo --autoplay --once --speed 20; echo \"demo exited $?\"; sleep 60")
        var seen: Set<String> = []
        var screen = ""
        // why the first 24 characters: the panel wraps a long title. why a wall-clock deadline: eight tours of commands on a loaded machine; the loop ends as soon as the demo does.
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, !screen.contains("demo exited") {
            screen = tmux.capture()
            for title in titles where screen.contains(String(title.prefix(24))) { seen.insert(title) }
            Thread.sleep(forTimeInterval: 0.15)
        }
        #expect(screen.contains("demo exited 0"), "\(screen)")
        #expect(screen.contains("Played 8 tours to their end; 0 stopped on a failed check."), "\(screen)")
        #expect(Set(titles).subtracting(seen).isEmpty, "tours never shown: \(Set(titles).subtracting(seen))")
    }

    @Test func checkNamesTheLineOfABadTour() throws {
        let directory = TemporaryDirectory("demo-check")
        let file = directory.path("mine.tour")
        try "title Mine\nstep One\nkeys F2 Hyper\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try Paydesk.run(["demo", "--check", file])
        #expect(bad.exitCode == 3 && bad.stderr.contains("mine.tour:3: unknown key 'Hyper'"), "\(bad)")
        try "title Mine\nstep One\nkeys F2\n".write(toFile: file, atomically: true, encoding: .utf8)
        let good = try Paydesk.run(["demo", "--check", file])
        #expect(good.exitCode == 0 && good.stdout.contains("ok"), "\(good)")
    }
}
