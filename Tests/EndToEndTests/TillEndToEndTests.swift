#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// Issue 15's done-when, as a cashier meets it: the real binary in tmux sells three items, refunds
/// one of them with a supervisor's approval on the spot, reprints both receipts on a CUPS printer
/// (a fake `lp` on PATH that records its arguments and what it was given), and `paydesk query`
/// agrees. Skipped where tmux is not installed.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct TillEndToEndTests {
    @Test func cashierSellsThreeItemsRefundsOneWithApprovalAndReprintsBothReceipts() throws {
        let directory = TemporaryDirectory("till-e2e")
        let store = directory.path("store.db")
        #expect(try Paydesk.run(["init", "--demo", "--db", store]).exitCode == 0)
        let bin = directory.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let printed = directory.path("printed.log")
        try """
        #!/bin/sh
        echo "ARGS $*" >> '\(printed)'
        cat >> '\(printed)'
        echo "END" >> '\(printed)'
        """.write(toFile: bin + "/lp", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/lp")

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command: "cd \(directory.url.path) && PATH='\(bin)':$PATH PAYDESK_PRINTER=front-desk '\(Paydesk.binary)' --db '\(store)'; sleep 60")
        try tmux.wait(for: "Operator login")
        tmux.logIn("cashier")
        try tmux.wait(for: "cashier (cashier) │ line retail")
        for (name, quantity, price) in [("Jasmine tea", "2", "18.00"), ("Dumplings", "1", "26.00"), ("Jade bracelet", "1", "280.00")] {
            tmux.send(literal: name)
            tmux.send("Tab")
            tmux.send(literal: quantity)
            tmux.send("Tab")
            tmux.send(literal: price)
            tmux.send("Enter")
        }
        try tmux.wait(for: "Total ¥342.00")
        tmux.send("F9")
        try tmux.wait(for: "Scan")
        tmux.send(literal: "134567890123456789")
        tmux.send("Enter")
        try tmux.wait(for: "✔ PAID")
        let sold = try Paydesk.run(["orders", "--business", "retail", "--status", "PAID", "--limit", "1", "--json", "--db", store])
        let orderNo = try #require((try sold.json()["orders"] as? [[String: Any]])?.first?["orderNo"] as? String)

        // Load the paid sale again: paid, with its receipt and actions, never "Amount due".
        tmux.send("Enter")
        tmux.send("F6")
        try tmux.wait(for: "Load order")
        tmux.send(literal: orderNo)
        tmux.send("Enter")
        let loaded = try tmux.wait(for: "R   refund items")
        #expect(loaded.contains("✔ PAID") && !loaded.contains("Amount due"))

        // Refund the bracelet (280.00: above the cashier's 200.00 limit).
        tmux.send(literal: "r")
        try tmux.wait(for: "REFUND · choose the items")
        tmux.send("Down")
        tmux.send("Down")
        tmux.send(literal: "+")
        try tmux.wait(for: "Refund  ¥280.00")
        tmux.send("Enter")
        try tmux.wait(for: "Above your limit")
        tmux.send(literal: "y")
        try tmux.wait(for: "Supervisor approval")
        tmux.send(literal: "supervisor")
        tmux.send("Enter")
        try tmux.wait(for: "your password approves")
        tmux.send(literal: "demo")
        tmux.send("Enter")
        let refunded = try tmux.wait(for: "Approved by supervisor")
        #expect(refunded.contains("REFUND"))

        // Reprint both receipts.
        tmux.send(literal: "p")
        try tmux.wait(for: "Sale receipt")
        tmux.send("Enter")
        try tmux.wait(for: "COPY · REPRINT")
        tmux.send(literal: "p")
        try tmux.wait(for: "Sale receipt")
        tmux.send("Down")
        tmux.send("Enter")
        try tmux.wait(for: "REFUND · COPY · REPRINT")

        // The printer got the sale, the refund and both reprints, on the queue named in the setting.
        var log = ""
        for _ in 0..<50 {
            log = (try? String(contentsOfFile: printed, encoding: .utf8)) ?? ""
            if log.components(separatedBy: "END").count - 1 >= 4 { break }
            usleep(100_000)
        }
        #expect(log.components(separatedBy: "ARGS -d front-desk -t receipt -").count - 1 == 4, "\(log)")
        #expect(log.components(separatedBy: "COPY · REPRINT").count - 1 == 2)
        #expect(log.contains("Jade bracelet") && log.contains("Approved by supervisor"))
        let receipts = try FileManager.default.contentsOfDirectory(atPath: directory.path("receipts"))
        #expect(receipts.filter { $0.hasSuffix("-reprint.txt") }.count == 2, "\(receipts)")

        // `paydesk query` agrees: one refund of 280.00 for item 3, approved and audited.
        var query: [String: Any] = [:]
        for _ in 0..<100 {
            query = try Paydesk.run(["query", "--business", "retail", "--order", orderNo, "--json", "--db", store]).json()
            if (query["order"] as? [String: Any])?["status"] as? String == "PARTIALLY_REFUNDED" { break }
            usleep(200_000)
        }
        let order = try #require(query["order"] as? [String: Any])
        #expect(order["status"] as? String == "PARTIALLY_REFUNDED")
        #expect(order["refundedAmount"] as? String == "280.00")
        let refunds = try #require(query["refunds"] as? [[String: Any]])
        #expect(refunds.count == 1)
        #expect(refunds.first?["amount"] as? String == "280.00")
        let lines = try #require(refunds.first?["lines"] as? [[String: Any]])
        #expect(lines.count == 1)
        #expect(lines.first?["item"] as? Int == 3 && lines.first?["quantity"] as? Int == 1 && lines.first?["name"] as? String == "Jade bracelet")
        let text = try Paydesk.run(["query", "--business", "retail", "--order", orderNo, "--db", store]).stdout
        #expect(text.contains("item 3: 1 × Jade bracelet  280.00"), "\(text)")
        let audit = try Paydesk.run(["audit", "--limit", "20", "--db", store]).stdout
        #expect(audit.contains("approved by supervisor") && audit.contains("items 1× Jade bracelet"), "\(audit)")
    }
}
