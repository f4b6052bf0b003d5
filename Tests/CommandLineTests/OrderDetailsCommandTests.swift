import Foundation
import Testing
import PayCore
import PayStore
import PayServices
import TestSupport
@testable import paydesk

/// Each business line's details at the shell: `order create --attr` checks them against the
/// line's layout, `query` shows them (text and `--json`), and an insurance policy's number shows
/// once the order is paid.
@Suite("order details at the shell")
struct OrderDetailsCommandTests {
    @Test("a hotel stay is kept and shown by query, in text and JSON")
    func hotel() throws {
        let store = try DemoStore()
        let created = store.run(["order", "create", "--business", "hotel", "--order", "HT-9", "--amount", "1376.00",
                                 "--item", "豪华大床房 Deluxe King:2:688.00", "--attr", "guest=王小明 Wang Xiaoming", "--attr", "room=1208",
                                 "--attr", "checkIn=2026-11-21", "--attr", "checkOut=2026-11-23", "--attr", "deposit=500"])
        #expect(created.exitCode == 0, "\(created)")
        let text = store.run(["query", "--business", "hotel", "--order", "HT-9"])
        #expect(text.exitCode == 0, "\(text)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let details = lines.filter { line in ["  guest", "  room", "  stay", "  deposit"].contains { line.hasPrefix($0 + " ") } }
        #expect(details == ["  guest      王小明 Wang Xiaoming", "  room       1208", "  stay       2026-11-21 → 2026-11-23 (2 nights)",
                            "  deposit    500.00 CNY"], "\(text.stdout)")
        let json = store.run(["query", "--business", "hotel", "--order", "HT-9", "--json"])
        let order = try #require(try json.json()["order"] as? [String: Any])
        let typed = try #require(order["details"] as? [String: Any], "\(json.stdout)")
        #expect(typed["kind"] as? String == "hotel")
        #expect(typed["guest"] as? String == "王小明 Wang Xiaoming")
        #expect(typed["nights"] as? Int == 2)
        #expect(typed["deposit"] as? String == "500.00")
        #expect(typed["policyNo"] == nil)
        #expect(order["amount"] as? String == "1876.00")
    }

    @Test("an order without details shows none and carries no details key")
    func none() throws {
        let store = try DemoStore()
        #expect(store.run(["order", "create", "--business", "retail", "--order", "R-9", "--amount", "10"]).exitCode == 0)
        let json = store.run(["query", "--business", "retail", "--order", "R-9", "--json"])
        let order = try #require(try json.json()["order"] as? [String: Any])
        #expect(order["details"] == nil)
    }

    @Test("an insurance policy is numbered once paid: query, text and JSON, say the same number")
    func insurancePolicy() throws {
        let store = try DemoStore()
        #expect(store.run(["order", "create", "--business", "insurance", "--order", "IN-1", "--amount", "268.00",
                           "--attr", "holder=张伟 Zhang Wei", "--attr", "coverFrom=2026-12-01", "--attr", "coverTo=2026-12-31"]).exitCode == 0)
        let before = store.run(["query", "--business", "insurance", "--order", "IN-1"])
        #expect(!before.stdout.contains("policy no"), "\(before.stdout)")
        let paid = store.run(["pay", "--business", "insurance", "--order", "IN-1", "--method", "alipay", "--auth-code", "284567890123456789"])
        #expect(paid.exitCode == 0, "\(paid)")
        let json = store.run(["query", "--business", "insurance", "--order", "IN-1", "--json"])
        let order = try #require(try json.json()["order"] as? [String: Any])
        let typed = try #require(order["details"] as? [String: Any])
        let policy = try #require(typed["policyNo"] as? String)
        #expect(policy.hasPrefix("PL") && policy.count == 19, "\(policy)")
        #expect(typed["holder"] as? String == "张伟 Zhang Wei" && typed["insured"] as? String == "张伟 Zhang Wei")
        let text = store.run(["query", "--business", "insurance", "--order", "IN-1"])
        #expect(text.stdout.contains("  policy no  \(policy)"), "\(text.stdout)")
        #expect(text.stdout.contains("  cover      2026-12-01 → 2026-12-31"), "\(text.stdout)")
    }

    @Test("a detail the line does not take, or of the wrong shape, is refused naming it; nothing is written", arguments: [
        (["--business", "hotel", "--attr", "seats=Row 5"], "detail 'seats': the hotel line takes guest, room, checkIn, checkOut, deposit (--attr seats)"),
        (["--business", "hotel", "--attr", "checkIn=2026-02-30", "--attr", "checkOut=2026-03-02"], "checkIn '2026-02-30': not a date; expected YYYY-MM-DD"),
        (["--business", "flight", "--attr", "insurance=perhaps"], "insurance 'perhaps': expected yes or no"),
        (["--business", "retail", "--attr", "guest=Ada"], "detail 'guest': the retail line takes no details"),
        (["--business", "insurance"], "holder: missing; a policy is issued to its holder (--attr holder)"),
    ])
    func refused(arguments: [String], message: String) throws {
        let store = try DemoStore()
        let result = store.run(["order", "create", "--order", "BAD-1", "--amount", "10"] + arguments)
        #expect(result.exitCode == 3, "\(result)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        let line = arguments[1]
        #expect(store.run(["query", "--business", line, "--order", "BAD-1"]).exitCode == 6)
    }

    @Test("the same order no with other details is a conflict, not the first order")
    func otherDetailsConflict() throws {
        let store = try DemoStore()
        let first = ["order", "create", "--business", "ticket", "--order", "TK-1", "--amount", "60", "--attr", "seats=Row 5, seat 11"]
        #expect(store.run(first).exitCode == 0)
        #expect(store.run(first).exitCode == 0, "the same request again is the same order")
        let other = store.run(["order", "create", "--business", "ticket", "--order", "TK-1", "--amount", "60", "--attr", "seats=Row 6, seat 1"])
        #expect(other.exitCode == 7, "\(other)")
    }
}
