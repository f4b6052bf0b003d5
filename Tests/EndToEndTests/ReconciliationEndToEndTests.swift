import Foundation
import Testing
import TestSupport

/// Issue 16, as a supervisor meets it: the built binary, the command line and the console in tmux.
@Suite(.serialized)
struct ReconciliationEndToEndTests {
    /// A card payment whose answer timed out after the acquirer took the money (amount ending 53):
    /// UNKNOWN at the center, on the acquirer's bill. The demo store's clock is simulated.
    func lostCallbackStore(_ directory: TemporaryDirectory) throws -> (store: String, date: String) {
        let store = directory.path("store.db")
        #expect(try Paydesk.run(["init", "--demo", "--simulated-clock", "--db", store]).exitCode == 0)
        #expect(try Paydesk.run(["order", "create", "--business", "retail", "--order", "LOST-1", "--amount", "20.53", "--db", store]).exitCode == 0)
        let pay = try Paydesk.run(["pay", "--business", "retail", "--order", "LOST-1", "--method", "card", "--card", "4242424242424242",
                                   "--expiry", "12/30", "--cvc", "123", "--db", store])
        #expect(pay.exitCode == 5, "\(pay)")
        let clock = try Paydesk.run(["clock", "show", "--json", "--db", store])
        let now = try #require(try clock.json()["now"] as? String, "\(clock)")
        // The next day: the payment's day is yesterday.
        #expect(try Paydesk.run(["clock", "advance", "1d", "--db", store]).exitCode == 0)
        return (store, String(now.prefix(10)))
    }

    @Test("reconcile from the command line: one lost-callback mismatch, shown, resolved with a reason; bad input is refused naming the flag")
    func commandLine() throws {
        let directory = TemporaryDirectory("recon-cli")
        let (store, date) = try lostCallbackStore(directory)
        let bad = try Paydesk.run(["reconcile", "--account", "acquirer-a", "--date", "2026-13-01", "--db", store])
        #expect(bad.exitCode == 3 && bad.stderr.contains("--date '2026-13-01'"), "\(bad)")
        let unknown = try Paydesk.run(["reconcile", "--account", "nope", "--date", date, "--db", store])
        #expect(unknown.exitCode == 6 && unknown.stderr.contains("--account 'nope'"), "\(unknown)")

        let run = try Paydesk.run(["reconcile", "--account", "acquirer-a", "--date", date, "--json", "--db", store])
        #expect(run.exitCode == 0, "\(run)")
        let json = try run.json()
        let summary = try #require(json["run"] as? [String: Any])
        #expect(summary["status"] as? String == "MISMATCHED")
        let items = try #require(json["mismatches"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["type"] as? String == "CHANNEL_SUCCESS_CENTER_NOT")
        let item = try #require(items.first?["id"] as? Int)

        let list = try Paydesk.run(["reconcile", "list", "--db", store])
        #expect(list.stdout.contains("\(date) acquirer-a (card) v1 MISMATCHED"), "\(list)")
        let noReason = try Paydesk.run(["reconcile", "resolve", "\(item)", "--trust", "channel", "--db", store])
        #expect(noReason.exitCode == 2 && noReason.stderr.contains("--reason"), "\(noReason)")
        let badTrust = try Paydesk.run(["reconcile", "resolve", "\(item)", "--trust", "bank", "--reason", "x", "--db", store])
        #expect(badTrust.exitCode == 3 && badTrust.stderr.contains("--trust 'bank'"), "\(badTrust)")
        let refund = try Paydesk.run(["reconcile", "resolve", "\(item)", "--trust", "refund", "--reason", "x", "--db", store])
        #expect(refund.exitCode == 7 && refund.stderr.contains("trust the channel first"), "\(refund)")

        let resolved = try Paydesk.run(["reconcile", "resolve", "\(item)", "--trust", "channel", "--reason", "on the acquirer's bill", "--db", store])
        #expect(resolved.exitCode == 0 && resolved.stdout.contains("RESOLVED"), "\(resolved)")
        let query = try Paydesk.run(["query", "--order", "LOST-1", "--business", "retail", "--json", "--db", store])
        #expect((try query.json()["order"] as? [String: Any])?["status"] as? String == "PAID", "\(query)")
    }

    @Test("a supervisor opens F6, sees yesterday's run with one lost-callback mismatch, resolves it, and the order is PAID with the resolution in its timeline",
          .enabled(if: Tmux.isAvailable, "tmux is not installed"))
    func supervisorResolvesInTheConsole() throws {
        let directory = TemporaryDirectory("recon-e2e")
        let (store, date) = try lostCallbackStore(directory)
        #expect(try Paydesk.run(["reconcile", "--account", "acquirer-a", "--date", date, "--db", store]).exitCode == 0)
        // why: the console's own worker would otherwise find the payment by the janitor's query first.
        #expect(try Paydesk.run(["sandbox", "outage", "--channel", "card", "--on", "--db", store]).exitCode == 0)

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && '\(Paydesk.binary)' --db '\(store)'; sleep 60")
        try tmux.wait(for: "Operator login")
        tmux.logIn("supervisor")
        try tmux.wait(for: "PayDesk — Orders")
        tmux.send("F6")
        let runs = try tmux.wait(for: "Reconciliation runs")
        #expect(runs.contains(date) && runs.contains("acquirer-a") && runs.contains("MISMATCHED"), "\(runs)")
        tmux.send("Enter")
        let run = try tmux.wait(for: "channel paid, center not")
        #expect(run.contains("OPEN"), "\(run)")
        tmux.send("Enter")
        let side = try tmux.wait(for: "Ours")
        #expect(side.contains("≠") && side.contains("UNKNOWN") && side.contains("succeeded"), "the differing status is marked: \(side)")
        tmux.send(literal: "c")
        let preview = try tmux.wait(for: "Why?")
        #expect(preview.contains("SUCCEEDED as the channel says"), "the preview says what will happen: \(preview)")
        tmux.send(literal: "acquirer bill shows it captured")
        tmux.send("Enter")
        try tmux.wait(for: "Resolve mismatch")
        tmux.send(literal: "y")
        let done = try tmux.wait(for: "Resolved: trust channel by supervisor")
        #expect(done.contains("settled as the channel says"), "\(done)")

        let query = try Paydesk.run(["query", "--order", "LOST-1", "--business", "retail", "--json", "--db", store])
        #expect((try query.json()["order"] as? [String: Any])?["status"] as? String == "PAID", "\(query)")
        let timeline = try Paydesk.run(["timeline", "--order", "LOST-1", "--business", "retail", "--db", store])
        #expect(timeline.stdout.contains("reconciliation.resolve") && timeline.stdout.contains("acquirer bill shows it captured"), "\(timeline)")
    }
}
