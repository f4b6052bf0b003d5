import Testing
import Foundation
import PayCore
import PayStore
import TestSupport

/// The route, risk and bench commands as a script runs them (needs `swift build` first).
@Suite struct RouteRiskCommandTests {
    func demoStore() throws -> (TemporaryDirectory, String) {
        let dir = TemporaryDirectory("route-cli")
        let db = dir.path("demo.db")
        let result = try Paydesk.run(["init", "--demo", "--db", db])
        #expect(result.exitCode == 0, "\(result)")
        return (dir, db)
    }

    @Test func routeExplainAndList() throws {
        let (dir, db) = try demoStore()
        _ = dir
        let card = try Paydesk.run(["route", "explain", "--db", db, "--business", "retail", "--method", "card", "--amount", "100.00", "--json"])
        #expect(card.exitCode == 0, "\(card)")
        let json = try card.json()
        #expect((json["chosen"] as? [String: Any])?["account"] as? String == "acquirer-b")
        #expect(json["fee"] as? String == "1.80")
        #expect(json["rule"] as? String == "card-lowest-fee")
        #expect(((json["fallbacks"] as? [[String: Any]])?.first?["account"] as? String) == "acquirer-a")

        let text = try Paydesk.run(["route", "explain", "--db", db, "--business", "hotel", "--method", "card", "--amount", "2000.00"])
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("hotel-card-large [success-rate]"))

        let none = try Paydesk.run(["route", "explain", "--db", db, "--business", "retail", "--method", "paypal", "--amount", "5.00"])
        #expect(none.exitCode == 6)
        #expect(none.stderr.contains("method paypal, currency CNY, amount 5.00"))

        let list = try Paydesk.run(["route", "list", "--db", db, "--json"])
        let routes = try #require(try list.json()["routes"] as? [[String: Any]])
        #expect(Set(routes.compactMap { $0["strategy"] as? String }) == ["priority", "lowest-fee", "weighted", "success-rate"])
    }

    @Test func riskAddRefusesWhatDoesNotParseAndTestShowsMatches() throws {
        let (dir, db) = try demoStore()
        _ = dir
        let bad = try Paydesk.run(["risk", "add", "--db", db, "--name", "bad", "--action", "block", "--when", "amount > 5000.00 and method =="])
        #expect(bad.exitCode == 3)
        #expect(bad.stderr.contains("column 31: expected a value after '=='"))
        let list = try Paydesk.run(["risk", "list", "--db", db, "--json"])
        #expect(!list.stdout.contains("\"bad\""))

        let good = try Paydesk.run(["risk", "add", "--db", db, "--name", "night", "--action", "challenge", "--when", "hour < 6 and amount > 100000.00"])
        #expect(good.exitCode == 0, "\(good)")

        let test = try Paydesk.run(["risk", "test", "--db", db, "--business", "retail", "--method", "card", "--amount", "6000.00",
                                    "--customer", "C666", "--json"])
        #expect(test.exitCode == 0, "\(test)")
        let json = try test.json()
        #expect(json["action"] as? String == "block")
        #expect((json["matched"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["blocklisted", "large-card"])
    }

    @Test func benchRoutePrintsFigures() throws {
        let bench = try Paydesk.run(["bench", "route", "--rules", "20", "--payments", "50", "--decisions", "5"])
        #expect(bench.exitCode == 0, "\(bench)")
        #expect(bench.stdout.contains("route card (lowest-fee)"))
        #expect(bench.stdout.contains("risk decision (C-BENCH)"))
    }

    @Test("check names the customer and hour whose risk rollup disagrees with the payments and fails; a clean store passes")
    func checkNamesRollupMismatches() throws {
        let (dir, db) = try demoStore()
        _ = dir
        let clean = try Paydesk.run(["check", "--db", db])
        #expect(clean.exitCode == 0, "\(clean)")
        #expect(clean.stdout.contains("risk rollups agree with payments"), "\(clean)")

        let store = try Store.open(path: db)
        let row = try #require(try store.read {
            try store.db.row("SELECT customer_id, hour, currency, attempts FROM customer_risk_hours ORDER BY customer_id, hour LIMIT 1")
        })
        let customer = row.string("customer_id"), hour = row.int64("hour"), attempts = row.int64("attempts")
        _ = try store.write {
            try store.db.execute("UPDATE customer_risk_hours SET attempts = attempts + 1 WHERE customer_id = ? AND hour = ? AND currency = ?",
                                 [customer, hour, row.string("currency")])
        }
        let broken = try Paydesk.run(["check", "--db", db])
        #expect(broken.exitCode == 1, "\(broken)")
        let when = Timestamp(milliseconds: hour * 3_600_000).displayString.prefix(16)
        #expect(broken.stdout.contains("risk rollups agree with payments: customer \(customer), hour \(when) UTC, \(row.string("currency")): attempts \(attempts) (rolled up \(attempts + 1))"),
                "\(broken)")
        let json = try Paydesk.run(["check", "--db", db, "--json"])
        #expect(json.exitCode == 1)
        #expect((try json.json()["problems"] as? [String])?.contains { $0.contains("customer \(customer), hour \(when) UTC") } == true, "\(json)")
    }
}
