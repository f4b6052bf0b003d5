import Foundation
import Testing
import TestSupport

/// Issue 11, as a support engineer meets it: the built binary in tmux. `support` logs in and lands
/// on the orders, finds an order by its channel serial with `/`, opens it, reads the timeline,
/// refunds part of it with a reason, and the refund shows in the timeline and in `paydesk query`.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct SupportConsoleEndToEndTests {
    @Test func supportFindsAnOrderByChannelSerialRefundsPartOfItAndTheTimelineAndQueryShowIt() throws {
        let directory = TemporaryDirectory("support-e2e")
        let store = directory.path("store.db")
        #expect(try Paydesk.run(["init", "--demo", "--db", store]).exitCode == 0)
        // A paid hotel order of the demo, and the channel's serial of its payment.
        let before = try Paydesk.run(["query", "--order", "H10316", "--business", "hotel", "--json", "--db", store])
        let payments = try #require(try before.json()["payments"] as? [[String: Any]], "\(before)")
        let channelSerial = try #require(payments.first?["channelSerial"] as? String)
        let refundsBefore = (try before.json()["refunds"] as? [[String: Any]])?.count ?? 0

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && '\(Paydesk.binary)' --db '\(store)'; sleep 60")
        try tmux.wait(for: "Operator login")
        tmux.logIn("support")
        // A support login lands on the orders, not on a checkout it may not use.
        let landed = try tmux.wait(for: "all orders, newest first")
        #expect(landed.contains("PayDesk — Orders"))

        tmux.send(literal: "/")
        tmux.send(literal: channelSerial)
        tmux.send("Enter")
        let found = try tmux.wait(for: "filter: \(channelSerial)")
        #expect(found.contains("H10316"))

        tmux.send("Enter")
        // The timeline shows how it was paid, the detail the payment's three identifiers.
        let detail = try tmux.wait(for: "order PAYING → PAID")
        #expect(detail.contains("PayDesk — Order H10316"))
        #expect(detail.contains("channel serial \(channelSerial)"), "\(detail)")

        tmux.send(literal: "a")
        try tmux.wait(for: "Actions — order H10316")
        tmux.send("Enter")
        try tmux.wait(for: "Refundable now")
        tmux.send(literal: "y")
        try tmux.wait(for: "Leave empty to refund all of it")
        for _ in 0..<12 { tmux.send("BSpace") }
        tmux.send(literal: "12.34")
        tmux.send("Enter")
        try tmux.wait(for: "The reason goes into the audit log")
        tmux.send(literal: "minibar not used")
        tmux.send("Enter")
        let refunded = try tmux.wait(for: "repair.refund")
        #expect(refunded.contains("refund.create: 12.34 CNY"), "the refund is in the timeline: \(refunded)")
        #expect(refunded.contains("¥12.34"), "and in the order's refunds: \(refunded)")

        // The store agrees: one more refund, of 12.34, with the reason given.
        let after = try Paydesk.run(["query", "--order", "H10316", "--business", "hotel", "--json", "--db", store])
        let refunds = try #require(try after.json()["refunds"] as? [[String: Any]])
        #expect(refunds.count == refundsBefore + 1)
        let newest = refunds.first { $0["reason"] as? String == "minibar not used" }
        #expect(newest?["amount"] as? String == "12.34")
        #expect(newest?["status"] as? String == "SUCCEEDED")
    }
}
