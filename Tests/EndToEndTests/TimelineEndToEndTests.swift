import Testing
import Foundation
import TestSupport

/// `paydesk timeline` and `paydesk raw` as a script would drive them.
@Suite("The order timeline from the command line")
struct TimelineEndToEndTests {
    let dir = TemporaryDirectory("e2e-timeline")
    var db: String { dir.path("store.db") }

    func paydesk(_ args: String...) throws -> RunResult { try Paydesk.run(args + ["--db", db]) }

    @Test("a paid order's timeline by order no, by serial and as JSON; a call opens with `raw`; bad names say what is wrong")
    func timelineAndRaw() throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        #expect(try paydesk("order", "create", "--business", "retail", "--order", "TL-1", "--amount", "12.00").exitCode == 0)
        let paid = try paydesk("pay", "--business", "retail", "--order", "TL-1", "--method", "alipay", "--auth-code", "2812345678901234", "--json")
        #expect(paid.exitCode == 0, "\(paid)")

        let text = try paydesk("timeline", "--order", "TL-1", "--business", "retail")
        #expect(text.exitCode == 0, "\(text)")
        #expect(text.stdout.contains("order created CREATED"))
        #expect(text.stdout.contains("alipay pay "))
        #expect(text.stdout.contains("[call:"))

        let json = try paydesk("timeline", "TL-1", "--business", "retail", "--json").json()
        let entries = json["entries"] as? [[String: Any]] ?? []
        #expect(entries.contains { $0["kind"] as? String == "transition" })
        let call = try #require(entries.first { $0["kind"] as? String == "channelCall" })
        let serial = try #require((json["order"] as? [String: Any])?["serial"] as? String)
        let bySerial = try paydesk("timeline", serial)
        #expect(bySerial.exitCode == 0 && bySerial.stdout.contains("alipay pay "), "\(bySerial)")

        let raw = try paydesk("raw", try #require(call["raw"] as? String))
        #expect(raw.exitCode == 0, "\(raw)")
        #expect(raw.stdout.contains("alipay pay"))
        #expect(raw.stdout.contains("request:") && raw.stdout.contains("answer:"))

        let badName = try paydesk("raw", "call:x")
        #expect(badName.exitCode == 3)
        #expect(badName.stderr.contains("call:x"))
        let missing = try paydesk("timeline", "NO-SUCH-THING")
        #expect(missing.exitCode == 6)
        #expect(missing.stderr.contains("NO-SUCH-THING"))
        let both = try paydesk("timeline", "TL-1", "--serial", serial)
        #expect(both.exitCode == 2)
    }
}
