import Foundation
import Testing
import TestSupport

/// Issue 14's "the same through the admin screens in a tmux test": a first run on a new store for
/// real use (no `--demo`) creates the admin, walks through the merchant, the business line and an
/// Alipay account registered at the sandbox portal, and the checkout then takes a sandbox payment.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct AdminConsoleEndToEndTests {
    @Test func aFirstRunSetsUpMerchantLineAndAccountAndTakesASandboxPayment() throws {
        let directory = TemporaryDirectory("admin-e2e")
        let store = directory.path("real.db")
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && '\(Paydesk.binary)' --db '\(store)'; echo EXIT=$?; sleep 60")
        try tmux.wait(for: "Create the admin operator")
        tmux.send("Enter")
        tmux.send("Tab")
        tmux.send(literal: "admin-pass-1")
        tmux.send("Tab")
        tmux.send(literal: "admin-pass-1")
        tmux.send("Enter")
        try tmux.wait(for: "This store is empty")
        tmux.send("Enter")

        func fill(_ values: [String]) {
            for value in values {
                if !value.isEmpty { tmux.send(literal: value) }
                tmux.send("Enter")
            }
        }
        try tmux.wait(for: "Step 1 of 4: the merchant")
        fill(["acme", "Acme Property Ltd", "Li Lei"])
        try tmux.wait(for: "Step 2 of 4: the business line")
        fill(["retail", "Retail counter", "", "", "", ""])
        try tmux.wait(for: "Step 3 of 4: the channel account")
        fill(["acme-alipay", "", "Alipay (Acme)", "", "", "60", ""])
        try tmux.wait(for: "Step 4 of 4: the account's credentials")
        tmux.send("Enter")
        let ready = try tmux.wait(for: "Enter: the checkout")
        #expect(!ready.contains("✗"), "every step of the set-up worked:\n\(ready)")
        #expect(!ready.contains("BEGIN"), "no key text on screen")
        tmux.send("Enter")
        try tmux.wait(for: "admin (admin) │ line retail")

        tmux.send(literal: "Umbrella")
        tmux.send("Tab")
        tmux.send(literal: "1")
        tmux.send("Tab")
        tmux.send(literal: "12.00")
        tmux.send("Enter")
        try tmux.wait(for: "Total ¥12.00")
        tmux.send("F9")
        try tmux.wait(for: "Scan")
        tmux.send(literal: "2812345678901234")
        tmux.send("Enter")
        try tmux.wait(for: "✔ PAID")

        // The store agrees, and it is no demo store: no demo operators, the account is the walk's.
        let orders = try Paydesk.run(["orders", "--business", "retail", "--status", "PAID", "--json", "--db", store])
        let paid = (try orders.json()["orders"] as? [[String: Any]]) ?? []
        #expect(paid.count == 1 && paid.first?["amount"] as? String == "12.00", "\(orders)")
        let query = try Paydesk.run(["query", "--business", "retail", "--order", paid.first?["orderNo"] as? String ?? "?", "--json", "--db", store])
        let payment = (try query.json()["payments"] as? [[String: Any]])?.first
        #expect(payment?["account"] as? String == "acme-alipay")
        let operators = try Paydesk.run(["operator", "list", "--db", store])
        #expect(!operators.stdout.contains("cashier"), "no demo operators:\n\(operators)")

        tmux.send("F10")
        try tmux.wait(for: "Leave PayDesk?")
        tmux.send(literal: "y")
        try tmux.wait(for: "EXIT=0")
    }
}
