import Testing
import Foundation
import TestSupport

/// `orders --filter`, `--csv`, `--before`, saved views, through the built binary on the demo store.
@Suite("Order browser from the command line")
struct OrderBrowserEndToEndTests {
    let dir = TemporaryDirectory("e2e-browse")
    var db: String { dir.path("store.db") }

    func paydesk(_ args: String...) throws -> RunResult { try Paydesk.run(args + ["--db", db]) }

    func orders(_ result: RunResult) throws -> [[String: Any]] { try result.json()["orders"] as? [[String: Any]] ?? [] }

    @Test("a filter that does not parse exits 3 naming the column, and changes nothing")
    func badFilter() throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        let bad = try paydesk("orders", "--filter", "line:hotel status:weird")
        #expect(bad.exitCode == 3, "\(bad)")
        #expect(bad.stderr.contains("--filter 'line:hotel status:weird': filter column 19: status 'weird'"), "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)
        let unsaved = try paydesk("orders", "view", "save", "x", "--filter", "amount>1.2345")
        #expect(unsaved.exitCode == 3, "\(unsaved)")
        #expect(unsaved.stderr.contains("filter column 8: amount '1.2345': at most 3 decimal places"), "\(unsaved.stderr)")
        #expect(try paydesk("orders", "view", "list").stdout.contains("no saved views"))
        let clash = try paydesk("orders", "--filter", "status:paid", "--status", "CLOSED")
        #expect(clash.exitCode == 3, "\(clash)")
    }

    @Test("--filter narrows the list; --csv streams the same orders; --before pages back up")
    func filterCSVAndPaging() throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        let hotelPaid = try orders(try paydesk("orders", "--filter", "line:hotel status:paid", "--limit", "1000", "--json"))
        #expect(!hotelPaid.isEmpty)
        #expect(hotelPaid.allSatisfy { $0["businessLine"] as? String == "hotel" && $0["status"] as? String == "PAID" })

        let csv = try paydesk("orders", "--filter", "line:hotel status:paid", "--csv")
        #expect(csv.exitCode == 0, "\(csv)")
        let lines = csv.stdout.split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(lines.first == "created_at,business_line,order_no,serial,amount,currency,status,channel,customer_id,paid,refunded")
        #expect(lines.count == hotelPaid.count + 1)
        #expect(lines.dropFirst().map { $0.split(separator: ",")[2] }.map(String.init) == hotelPaid.map { $0["orderNo"] as? String ?? "" })

        let first = try paydesk("orders", "--limit", "5", "--json").json()
        let second = try paydesk("orders", "--limit", "5", "--after", first["next"] as? String ?? "", "--json").json()
        #expect(first["previous"] is NSNull)
        let back = try paydesk("orders", "--limit", "5", "--before", second["previous"] as? String ?? "", "--json").json()
        func nos(_ page: [String: Any]) -> [String] { (page["orders"] as? [[String: Any]] ?? []).compactMap { $0["orderNo"] as? String } }
        #expect(nos(back) == nos(first))
        #expect(Set(nos(second)).isDisjoint(with: nos(first)))

        let none = try paydesk("orders", "--filter", "no-such-identifier")
        #expect(none.exitCode == 0)
        #expect(none.stdout.contains("no orders match 'no-such-identifier'"))
    }

    @Test("views: save, recall with --view, list, delete")
    func savedViews() throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        let saved = try paydesk("orders", "view", "save", "hotel-paid", "--filter", "line:hotel status:paid")
        #expect(saved.exitCode == 0, "\(saved)")
        #expect(try paydesk("orders", "view", "list").stdout.contains("hotel-paid  line:hotel status:paid"))
        let viaView = try orders(try paydesk("orders", "--view", "hotel-paid", "--limit", "1000", "--json"))
        let viaFilter = try orders(try paydesk("orders", "--filter", "line:hotel status:paid", "--limit", "1000", "--json"))
        #expect(viaView.map { $0["orderNo"] as? String } == viaFilter.map { $0["orderNo"] as? String })
        #expect(try paydesk("orders", "view", "delete", "hotel-paid").exitCode == 0)
        let gone = try paydesk("orders", "--view", "hotel-paid")
        #expect(gone.exitCode == 6, "\(gone)")
        #expect(gone.stderr.contains("saved view 'hotel-paid'"))
        let noName = try paydesk("orders", "view", "delete")
        #expect(noName.exitCode == 2 || noName.exitCode == 3, "\(noName)")
        #expect(noName.stderr.contains("NAME"))
    }
}
