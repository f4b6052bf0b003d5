import Foundation
import Testing
import TestSupport

/// Issue 14's "the same through the admin screens in a tmux test": a first run on a new store for
/// real use (no `--demo`) creates the admin, walks through the merchant, the business line and an
/// Alipay account registered at the sandbox portal, and the checkout then takes a sandbox payment.
/// The admin screen (F11) then opens an account on every other channel — added, registered at the
/// sandbox portal, enabled and routed, nothing but keys typed into the console — and the store
/// takes and refunds a sandbox payment on each of the six channels.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct AdminConsoleEndToEndTests {
    @Test func aStoreSetUpOnlyThroughTheScreensPaysAndRefundsOnEveryChannel() throws {
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

        // Every other channel through the admin screen: add, portal, enable, route.
        tmux.send("F11")
        try tmux.wait(for: "Merchants, business lines and channel accounts")
        let others: [(channel: String, rights: Int, currency: String)] = [
            ("wechat", 1, "CNY"), ("unionpay", 2, "CNY"), ("card", 3, "CNY"), ("paypal", 4, "USD"), ("wallet", 5, "CNY"),
        ]
        for (channel, rights, currency) in others {
            let id = "acme-\(channel)"
            tmux.send("a")
            try tmux.wait(for: "Add a channel account")
            tmux.send(literal: id)
            tmux.send("Enter")
            for _ in 0..<rights { tmux.send("Right") }
            tmux.send("Enter")
            fill(["\(channel) (Acme)", ""])
            tmux.send("C-u")
            fill([currency, "", ""])
            try tmux.wait(for: "Channel account \(id) added")
            tmux.send("p")
            try tmux.wait(for: "Register \(id) at the \(channel) sandbox portal?")
            tmux.send("Left")
            tmux.send("Enter")
            let registered = try tmux.wait(for: "Registered \(id)")
            #expect(!registered.contains("BEGIN") && !registered.contains("whsec_"), "no key or secret on screen:\n\(registered)")
            tmux.send("Enter")
            tmux.send("d")
            try tmux.wait(for: "Enable \(id)?")
            tmux.send("Left")
            tmux.send("Enter")
            try tmux.wait(for: "\(id) enabled")
            tmux.send("o")
            try tmux.wait(for: "Route to \(id)")
            tmux.send("Enter")
            try tmux.wait(for: "go to \(id)")
        }
        let tree = tmux.capture()
        for (channel, _, _) in others {
            #expect(tree.contains("acme-\(channel)") && !tree.contains("missing"), "\(channel) complete in the tree:\n\(tree)")
        }

        tmux.send("F10")
        try tmux.wait(for: "Leave PayDesk?")
        tmux.send(literal: "y")
        try tmux.wait(for: "EXIT=0")

        // A payment and a partial refund on each channel the screens set up (the Alipay one above too).
        let refundAlipay = try Paydesk.run(["refund", "--business", "retail", "--order", paid.first?["orderNo"] as? String ?? "?",
                                            "--amount", "2.00", "--db", store])
        #expect(refundAlipay.exitCode == 0, "\(refundAlipay)")
        let pays: [(channel: String, words: [String])] = [
            ("wechat", ["--method", "wechat", "--auth-code", "134567890123456789"]),
            ("unionpay", ["--method", "unionpay", "--auth-code", "6212345678901234567"]),
            ("card", ["--method", "card", "--card", "4242424242424242", "--expiry", "12/30", "--cvc", "123"]),
            ("paypal", ["--method", "paypal", "--customer", "payer-1"]),
            ("wallet", ["--method", "wallet", "--customer", "c1"]),
        ]
        for (channel, words) in pays {
            let order = "SCREENS-\(channel)"
            let created = try Paydesk.run(["order", "create", "--business", "retail", "--order", order, "--amount", "10.00", "--db", store]
                                          + (channel == "paypal" ? ["--currency", "USD"] : []))
            #expect(created.exitCode == 0, "\(channel): \(created)")
            let payment = try Paydesk.run(["pay", "--business", "retail", "--order", order, "--wait", "30", "--json", "--db", store] + words)
            #expect(payment.exitCode == 0, "\(channel): \(payment)")
            let account = ((try? payment.json())?["payment"] as? [String: Any])?["account"] as? String
            #expect(account == "acme-\(channel)", "\(channel): \(payment)")
            // why 5 for UnionPay: its refunds are answered asynchronously (PROCESSING until its callback).
            let refund = try Paydesk.run(["refund", "--business", "retail", "--order", order, "--amount", "4.00", "--db", store])
            #expect(refund.exitCode == (channel == "unionpay" ? 5 : 0), "\(channel): \(refund)")
        }
        // why a few rounds: UnionPay answers the refund in a callback the sandbox sends after its latency.
        for _ in 0..<30 {
            _ = try Paydesk.run(["worker", "--once", "--db", store])
            let unionpay = try Paydesk.run(["query", "--business", "retail", "--order", "SCREENS-unionpay", "--db", store])
            if !unionpay.stdout.contains("PROCESSING") { break }
            Thread.sleep(forTimeInterval: 1)
        }
        for (channel, _) in pays {
            let shown = try Paydesk.run(["query", "--business", "retail", "--order", "SCREENS-\(channel)", "--db", store])
            #expect(shown.stdout.contains("PARTIALLY_REFUNDED") && shown.stdout.contains("refunded 4.00"), "\(channel): \(shown)")
        }
        let check = try Paydesk.run(["check", "--db", store])
        #expect(check.exitCode == 0, "\(check)")
    }
}
