import Foundation
import Testing
import PayCore
import PayStore
import PayServices
import TestSupport

/// `route add|set|remove` and `risk list-add|list-remove|disable|enable` (issue 14): admin only,
/// audited, a clear refusal on bad input with nothing written, and the decisions follow the edits.
@Suite("Editing routes and risk from the command line")
struct RouteRiskEditCommandTests {
    func explain(_ store: DemoStore, method: String, amount: String = "100.00") -> RunResult {
        store.run(["route", "explain", "--business", "retail", "--method", method, "--amount", amount, "--json"])
    }

    func chosen(_ result: RunResult) -> String? {
        ((try? result.json())?["chosen"] as? [String: Any])?["account"] as? String
    }

    func auditActions(_ store: DemoStore) -> [String] {
        let entries = (try? store.run(["audit", "--limit", "50", "--json"]).json()["entries"] as? [[String: Any]]) ?? []
        return entries.compactMap { $0["action"] as? String }
    }

    @Test("route add puts a rule where it is tried, route explain follows it, the audit log has it")
    func addRoutesPayments() throws {
        let store = try DemoStore()
        #expect(chosen(explain(store, method: "card")) == "acquirer-b")
        let added = store.run(["route", "add", "--name", "card-first", "--method", "card", "--business", "retail",
                               "--account", "acquirer-a", "--position", "1"])
        #expect(added.exitCode == 0, "\(added)")
        #expect(added.stdout.contains("Added route 'card-first'") && added.stdout.contains("→ acquirer-a"), "\(added)")
        let explained = explain(store, method: "card")
        #expect(chosen(explained) == "acquirer-a")
        let rule = try explained.json()["rule"] as? String
        #expect(rule == "card-first")
        #expect(auditActions(store).contains("route.add"))

        // Without --position the rule goes after the last one.
        let last = store.run(["route", "add", "--name", "last", "--method", "wallet", "--account", "wallet-main", "--json"])
        #expect(last.exitCode == 0, "\(last)")
        let routes = try #require(try store.run(["route", "list", "--json"]).json()["routes"] as? [[String: Any]])
        #expect(routes.last?["name"] as? String == "last")
    }

    @Test("route add refuses, naming what is wrong, and writes nothing")
    func addRefusals() throws {
        let store = try DemoStore()
        let before = store.run(["route", "list", "--json"]).stdout
        let cases: [([String], Int32, String)] = [
            (["--name", "x", "--method", "card", "--account", "no-such"], 3, "channel account 'no-such': unknown (known: "),
            (["--name", "x", "--method", "card", "--account", "acquirer-a", "--account", "acquirer-a"], 3, "named twice"),
            (["--name", "x", "--method", "card", "--account", "acquirer-a:-1"], 3, "--account 'acquirer-a:-1'"),
            (["--name", "x", "--method", "card", "--account", "acquirer-a", "--min", "10.00"], 3, "--min '10.00': an amount range needs --currency"),
            (["--name", "x", "--method", "card", "--account", "acquirer-a", "--currency", "CNY", "--min", "10.00", "--max", "5.00"], 3,
             "the minimum is above the maximum"),
            (["--name", "x", "--method", "card", "--account", "acquirer-a", "--business", "nowhere"], 3, "business line 'nowhere': unknown (known: "),
            (["--name", "x", "--method", "bitcoin", "--account", "acquirer-a"], 3, "--method 'bitcoin'"),
            (["--name", "x y", "--method", "card", "--account", "acquirer-a"], 3, "route name 'x y'"),
            (["--name", "alipay", "--method", "alipay", "--account", "alipay-main"], 7, "a rule of that name exists"),
            (["--name", "x", "--method", "card"], 2, "give at least one --account"),
            (["--name", "x", "--method", "card", "--account", "acquirer-a", "--strategy", "cheapest"], 3, "unknown strategy"),
            (["--name", "x", "--method", "card", "--account", "acquirer-a", "--position", "0"], 3, "--position '0'"),
        ]
        for (arguments, code, message) in cases {
            let result = store.run(["route", "add"] + arguments)
            #expect(result.exitCode == code && result.stderr.contains(message), "\(arguments): \(result)")
        }
        #expect(store.run(["route", "list", "--json"]).stdout == before)
        #expect(!auditActions(store).contains("route.add"))
    }

    @Test("route set changes what is given and keeps the rest; a disabled rule is passed over; remove sends payments on")
    func setAndRemove() throws {
        let store = try DemoStore()
        let set = store.run(["route", "set", "card-lowest-fee", "--strategy", "priority", "--account", "acquirer-a", "--account", "acquirer-b"])
        #expect(set.exitCode == 0 && set.stdout.contains("card-lowest-fee  [priority]"), "\(set)")
        #expect(chosen(explain(store, method: "card")) == "acquirer-a")

        let weighted = store.run(["route", "set", "wechat-split", "--account", "wechat-sp:1", "--account", "wechat-direct:0", "--json"])
        #expect(weighted.exitCode == 0, "\(weighted)")
        let candidates = try #require((try weighted.json()["route"] as? [String: Any])?["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["account"] as? String } == ["wechat-sp", "wechat-direct"])
        #expect(candidates.map { $0["weight"] as? Int } == [1, 0])
        #expect(chosen(explain(store, method: "wechat")) == "wechat-sp")

        #expect(store.run(["route", "set", "alipay", "--disable"]).exitCode == 0)
        let none = explain(store, method: "alipay")
        #expect(none.exitCode == 6, "\(none)")
        #expect(store.run(["route", "list"]).stdout.contains("alipay  [priority]  (disabled)"))
        #expect(store.run(["route", "set", "alipay", "--enable"]).exitCode == 0)
        #expect(chosen(explain(store, method: "alipay")) == "alipay-main")

        let ranged = store.run(["route", "set", "alipay", "--currency", "CNY", "--max", "50.00"])
        #expect(ranged.exitCode == 0 && ranged.stdout.contains("amount 0–50.00"), "\(ranged)")
        #expect(explain(store, method: "alipay", amount: "60.00").exitCode == 6)
        #expect(store.run(["route", "set", "alipay", "--max", "none", "--currency", "any"]).exitCode == 0)
        #expect(chosen(explain(store, method: "alipay", amount: "60.00")) == "alipay-main")

        let unknown = store.run(["route", "set", "no-such", "--disable"])
        #expect(unknown.exitCode == 6 && unknown.stderr.contains("route 'no-such': no rule of that name (known: hotel-card-large"), "\(unknown)")
        #expect(store.run(["route", "set", "alipay"]).exitCode == 2)
        #expect(store.run(["route", "set", "alipay", "--enable", "--disable"]).exitCode == 2)

        let removed = store.run(["route", "remove", "paypal"])
        #expect(removed.exitCode == 0 && removed.stdout.contains("Removed route 'paypal'"), "\(removed)")
        #expect(!store.run(["route", "list"]).stdout.contains("paypal  [priority]"))
        #expect(store.run(["route", "remove", "paypal"]).exitCode == 6)
        let actions = auditActions(store)
        #expect(actions.filter { $0 == "route.set" }.count == 6 && actions.contains("route.remove"), "\(actions)")
    }

    @Test("only an admin edits routes and risk: a supervisor or support is refused and nothing changes")
    func adminOnly() throws {
        let store = try DemoStore()
        let routes = store.run(["route", "list", "--json"]).stdout
        let risk = store.run(["risk", "list", "--json"]).stdout
        for name in ["supervisor", "support", "cashier"] {
            for command in [["route", "add", "--name", "x", "--method", "card", "--account", "acquirer-a"],
                            ["route", "set", "alipay", "--disable"], ["route", "remove", "alipay"],
                            ["risk", "list-add", "--list", "blocklist", "--value", "C1"],
                            ["risk", "list-remove", "--list", "blocklist", "--value", "C666"], ["risk", "disable", "blocklisted"]] {
                let result = store.run(command, as: name)
                #expect(result.exitCode == 8, "\(name) \(command): \(result)")
            }
        }
        #expect(store.run(["route", "list", "--json"]).stdout == routes)
        #expect(store.run(["risk", "list", "--json"]).stdout == risk)
        #expect(store.run(["route", "set", "alipay", "--disable"], as: "admin").exitCode == 0)
    }

    @Test("risk lists: an added customer is blocked, a removed one is not; a value not there is refused")
    func lists() throws {
        let store = try DemoStore()
        func decision(_ customer: String) -> String? {
            (try? store.run(["risk", "test", "--business", "retail", "--method", "wallet", "--amount", "10.00", "--customer", customer, "--json"])
                .json())?["action"] as? String
        }
        #expect(decision("C777") == "allow")
        let added = store.run(["risk", "list-add", "--list", "blocklist", "--value", "C777", "--value", "C666"])
        #expect(added.exitCode == 0 && added.stdout.contains("Added to list blocklist: C777.") && added.stdout.contains("Already in list blocklist: C666."), "\(added)")
        #expect(decision("C777") == "block")

        let removed = store.run(["risk", "list-remove", "--list", "blocklist", "--value", "C777", "--json"])
        #expect(removed.exitCode == 0, "\(removed)")
        let changed = try removed.json()["changed"] as? [String]
        #expect(changed == ["C777"])
        #expect(decision("C777") == "allow")

        let missing = store.run(["risk", "list-remove", "--list", "blocklist", "--value", "C666", "--value", "C999"])
        #expect(missing.exitCode == 6 && missing.stderr.contains("does not hold 'C999'; nothing removed"), "\(missing)")
        #expect(decision("C666") == "block", "C666 stays: one value missing removes none")
        let noList = store.run(["risk", "list-remove", "--list", "nolist", "--value", "C1"])
        #expect(noList.exitCode == 6 && noList.stderr.contains("risk list 'nolist': no such list (known: "), "\(noList)")
        let badName = store.run(["risk", "list-add", "--list", "1st list", "--value", "C1"])
        #expect(badName.exitCode == 3 && badName.stderr.contains("risk list '1st list'"), "\(badName)")
        let badValue = store.run(["risk", "list-add", "--list", "blocklist", "--value", " C1"])
        #expect(badValue.exitCode == 3 && badValue.stderr.contains("no leading or trailing space"), "\(badValue)")
        #expect(store.run(["risk", "list-add", "--list", "blocklist"]).exitCode == 2)

        // A card number given as a value is kept masked, as customer ids are.
        #expect(store.run(["risk", "list-add", "--list", "blocklist", "--value", "4242424242424242"]).exitCode == 0)
        let listed = store.run(["risk", "list", "--json"]).stdout
        #expect(!listed.contains("4242424242424242") && listed.contains("424242…4242"), "\(listed)")
        let actions = auditActions(store)
        #expect(actions.contains("risk.list.add") && actions.contains("risk.list.remove"))
    }

    @Test("risk disable stops a rule deciding; again says so and changes nothing; enable brings it back")
    func disableAndEnable() throws {
        let store = try DemoStore()
        func decision() -> String? {
            (try? store.run(["risk", "test", "--business", "retail", "--method", "card", "--amount", "6000.00", "--customer", "C1", "--json"])
                .json())?["action"] as? String
        }
        #expect(decision() == "challenge")
        let disabled = store.run(["risk", "disable", "large-card"])
        #expect(disabled.exitCode == 0 && disabled.stdout.contains("Risk rule 'large-card' disabled"), "\(disabled)")
        #expect(decision() == "allow")
        #expect(store.run(["risk", "list"]).stdout.contains("(disabled)"))
        let again = store.run(["risk", "disable", "large-card", "--json"])
        let changed = try again.json()["changed"] as? Bool
        #expect(again.exitCode == 0 && changed == false, "\(again)")
        #expect(store.run(["risk", "enable", "large-card"]).exitCode == 0)
        #expect(decision() == "challenge")
        let unknown = store.run(["risk", "disable", "no-such"])
        #expect(unknown.exitCode == 6 && unknown.stderr.contains("risk rule 'no-such': no rule of that name (known: "), "\(unknown)")
        let actions = auditActions(store)
        #expect(actions.filter { $0 == "risk.rule.disable" }.count == 1 && actions.contains("risk.rule.enable"), "\(actions)")
    }
}
