import Testing
import Foundation
import TestSupport

/// Issue 10 item 14: numbers and durations from outside are range-checked (exit 3 naming the
/// range) instead of trapping on overflow, and the rule parser refuses deep nesting.
@Suite("Numbers from outside are range-checked")
struct RangeCheckTests {
    /// Exit 3, one line on stderr that names the option and the range.
    func expectRefused(_ result: RunResult, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.exitCode == 3, "\(result)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "one error line: \(result.stderr)", sourceLocation: sourceLocation)
        for word in words { #expect(result.stderr.contains(word), "'\(word)' in \(result.stderr)", sourceLocation: sourceLocation) }
    }

    @Test("clock advance: durations that overflowed are refused with the range; the clock does not move")
    func clockAdvance() throws {
        let store = try DemoStore()
        let before = store.run(["clock", "show"]).stdout
        for text in ["9223372036854775807ms", "106751991167d", "9223372036854775807d", "99999999999999999999s", "0s", "3651d"] {
            expectRefused(store.run(["clock", "advance", text]), mentioning: ["DURATION '\(text)'", "3650d"])
        }
        #expect(store.run(["clock", "show"]).stdout == before)
        #expect(store.run(["clock", "advance", "3650d"]).exitCode == 0)
    }

    @Test("order create --expires-in: a duration beyond the range is refused, nothing is created")
    func expiresIn() throws {
        let store = try DemoStore()
        for text in ["106751991167d", "9223372036854775807ms", "0s", "367d"] {
            expectRefused(store.run(["order", "create", "--business", "retail", "--order", "EXP-1", "--amount", "1.00", "--expires-in", text]),
                          mentioning: ["--expires-in '\(text)'", "366d"])
        }
        #expect(store.run(["query", "--order", "EXP-1", "--business", "retail"]).exitCode == 6)
        #expect(store.run(["order", "create", "--business", "retail", "--order", "EXP-1", "--amount", "1.00", "--expires-in", "366d"]).exitCode == 0)
    }

    @Test("risk add: deep nesting is refused with its position; 64 levels are fine")
    func ruleNesting() throws {
        let store = try DemoStore()
        for depth in [12_000, 8_000, 65] {
            let rule = String(repeating: "(", count: depth) + "amount > 1.00" + String(repeating: ")", count: depth)
            expectRefused(store.run(["risk", "add", "--name", "deep-\(depth)", "--action", "block", "--when", rule]),
                          mentioning: ["column 65", "nested more than 64"])
        }
        let nots = String(repeating: "not ", count: 10_000) + "amount > 1.00"
        expectRefused(store.run(["risk", "add", "--name", "nots", "--action", "block", "--when", nots]), mentioning: ["nested more than 64"])
        let fine = String(repeating: "(", count: 64) + "amount > 1.00" + String(repeating: ")", count: 64)
        #expect(store.run(["risk", "add", "--name", "deep-64", "--action", "block", "--when", fine]).exitCode == 0)
        #expect(!store.run(["risk", "list"]).stdout.contains("deep-8000"))
    }

    @Test("worker --for, pay --wait and sandbox latency --ms take only their documented ranges")
    func secondsAndMilliseconds() throws {
        let store = try DemoStore()
        for text in ["1e300", "1e16", "9223372036854775807", "inf", "nan", "-1", "0"] {
            expectRefused(store.run(["worker", "--for", text]), mentioning: ["--for '\(text)'", "86400"])
        }
        for text in ["9223372036854775807", "-1", "3600001"] {
            expectRefused(store.run(["sandbox", "latency", "--channel", "wechat", "--ms", text]), mentioning: ["--ms '\(text)'", "3600000"])
        }
        for text in ["1e300", "-1", "nan", "3601"] {
            expectRefused(store.run(["pay", "--business", "retail", "--order", "X", "--method", "wechat", "--wait", text]),
                          mentioning: ["--wait '\(text)'", "3600"])
        }
    }

    @Test("amounts that overflow when multiplied or summed are refused, not trapped")
    func amounts() throws {
        let store = try DemoStore()
        expectRefused(store.run(["order", "create", "--business", "retail", "--order", "BIG-1", "--amount", "1.00",
                                 "--item", "A:9223372036854775807:92233720368547758.07"]), mentioning: ["item 'A'"])
        expectRefused(store.run(["order", "create", "--business", "retail", "--order", "BIG-2", "--amount", "1000.00",
                                 "--sub", "a:92233720368547758.07", "--sub", "b:92233720368547758.07"]), mentioning: ["sub-orders"])
        // The largest order: every sum of amounts the center and the channels make stays inside Int64.
        expectRefused(store.run(["order", "create", "--business", "retail", "--order", "BIG-3", "--amount", "92233720368547758.07"]),
                      mentioning: ["at most 1000000000000.00 CNY"])
        #expect(store.run(["order", "create", "--business", "retail", "--order", "BIG-4", "--amount", "1000000000000.00"]).exitCode == 0)
        let paid = store.run(["pay", "--business", "retail", "--order", "BIG-4", "--method", "alipay", "--auth-code", "284567890123456789"])
        #expect(paid.exitCode == 0, "\(paid)")
        #expect(store.run(["refund", "--order", "BIG-4", "--business", "retail", "--amount", "999999999999.99"]).exitCode == 0)
        #expect(store.run(["check", "--settled"]).exitCode == 0)
        let explain = store.run(["route", "explain", "--business", "retail", "--method", "wechat", "--amount", "92233720368547758.07"])
        #expect([0, 3, 6].contains(explain.exitCode), "\(explain)")
        let risk = store.run(["risk", "test", "--business", "retail", "--method", "card", "--amount", "92233720368547758.07", "--customer", "C1"])
        #expect([0, 3].contains(risk.exitCode), "\(risk)")
    }
}
