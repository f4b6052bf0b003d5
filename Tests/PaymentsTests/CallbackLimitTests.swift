import Testing
import Foundation
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// Anyone can send the callback endpoint anything (ISSUE 10 item 13): what the store keeps of
/// callbacks that do not verify is bounded, so unsigned junk cannot grow it, while every rejection
/// is still counted.
@Suite("Callback limits")
struct CallbackLimitTests {
    func receive(_ f: PaymentFixture, _ channel: String, headers: [String: String] = [:], body: [UInt8]) throws -> CallbackOutcome {
        try CallbackService(f.context, gateway: f.gateway).receive(channel: channel, headers: headers, body: body)
    }

    /// The store file's size in bytes, with its WAL folded in.
    func storeBytes(_ f: PaymentFixture) throws -> Int64 {
        try f.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let pages = try f.store.db.scalarInt("PRAGMA page_count") ?? 0
        let size = try f.store.db.scalarInt("PRAGMA page_size") ?? 0
        return pages * size
    }

    func rejectionTotal(_ f: PaymentFixture, _ channel: String) throws -> Int64 {
        try f.store.callbacks.rejectionCounts(channel: channel).reduce(0) { $0 + $1.count }
    }

    @Test("five unsigned 10 MB bodies are refused by size, kept only in part, and counted: the store does not grow by 50 MB")
    func oversizedBodies() throws {
        let f = try PaymentFixture()
        let before = try storeBytes(f)
        let junk = [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024)
        for _ in 0..<5 {
            let outcome = try receive(f, "card", headers: ["Acquirer-Signature": "t=1,v1=00"], body: junk)
            #expect(outcome.verdict == .rejected)
            #expect(outcome.reason?.contains("65536") == true, "\(outcome.reason ?? "")")
        }
        let grown = try storeBytes(f) - before
        #expect(grown < 1024 * 1024, "the store grew by \(grown) bytes")
        let rows = try f.store.db.rows("SELECT length(body) AS kept, body_size FROM channel_callbacks WHERE channel = 'card'")
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.int64("kept") <= Int64(CallbackInbox.Limits.keptBodyBytes) && $0.int64("body_size") == Int64(junk.count) })
        #expect(try rejectionTotal(f, "card") == 5)
    }

    @Test("too many or too big headers are refused before verification, and only their first bytes are kept")
    func oversizedHeaders() throws {
        let f = try PaymentFixture()
        var many: [String: String] = [:]
        for index in 0..<500 { many["X-Junk-\(index)"] = String(repeating: "y", count: 100) }
        let counted = try receive(f, "wechat", headers: many, body: Array("{}".utf8))
        #expect(counted.verdict == .rejected && counted.reason?.contains("headers") == true)
        let huge = try receive(f, "wechat", headers: ["Wechatpay-Signature": String(repeating: "z", count: 1_000_000)], body: Array("{}".utf8))
        #expect(huge.verdict == .rejected && huge.reason?.contains("16384") == true, "\(huge.reason ?? "")")
        let kept = try f.store.db.rows("SELECT length(headers) AS size FROM channel_callbacks WHERE channel = 'wechat'")
        #expect(kept.count == 2)
        #expect(kept.allSatisfy { $0.int64("size") < 32 * 1024 }, "\(kept.map { $0.int64("size") })")
    }

    @Test("only the newest rejected callbacks of a channel are kept; the count covers them all, by reason")
    func rejectedRowsAreBounded() throws {
        let f = try PaymentFixture()
        let keep = CallbackInbox.Limits.keptRejectedPerChannel
        // As big as a callback may be: 60 KiB of body, 60 headers of 250 bytes.
        var headers: [String: String] = [:]
        for index in 0..<60 { headers["X-Junk-\(index)"] = String(repeating: "h", count: 240) }
        let padding = "&pad=" + String(repeating: "p", count: 60 * 1024)
        for index in 0..<(keep + 50) {
            // Each junk callback says something else, and names an app id of its own.
            let body = "app_id=junk\(index)&sign_type=RSA2&sign=x&out_trade_no=\(index)" + padding
            #expect(try receive(f, "alipay", headers: headers, body: Array(body.utf8)).verdict == .rejected)
        }
        #expect(try f.store.callbacks.count(verdict: .rejected, channel: "alipay") == keep)
        let kept = try f.store.db.scalarInt("SELECT sum(length(body) + length(headers) + length(reason)) FROM channel_callbacks WHERE channel = 'alipay'") ?? 0
        #expect(kept <= Int64(keep) * 13 * 1024, "\(kept) bytes kept for \(keep) rejected callbacks")
        #expect(try rejectionTotal(f, "alipay") == Int64(keep + 50))
        let reasons = try f.store.callbacks.rejectionCounts(channel: "alipay")
        #expect(reasons.count == 1, "junk values do not make a counter each: \(reasons.map(\.reason))")
        // The newest are the ones kept.
        let newest = try f.store.db.row("SELECT body FROM channel_callbacks WHERE channel = 'alipay' ORDER BY id DESC LIMIT 1")
        #expect(newest.map { String(decoding: $0.blob("body"), as: UTF8.self).hasPrefix("app_id=junk\(keep + 49)&") } == true)
    }

    @Test("a genuine callback is not affected: kept whole and applied")
    func genuineStillApplied() throws {
        let f = try PaymentFixture()
        try f.order("L1", 3_000)
        let pending = try #require(try f.pay("L1", .wechat).attempt)
        try f.advance("1s")
        let callback = try #require(try f.sentCallbacks(pending.serial).first)
        let outcome = try receive(f, callback.channel, headers: callback.headers, body: callback.body)
        #expect(outcome.verdict == .accepted)
        let row = try #require(try f.store.db.row("SELECT body, account FROM channel_callbacks WHERE id = ?", [outcome.callbackId]))
        #expect(row.blob("body") == callback.body)
        #expect(row.string("account") == pending.account)
        #expect(try f.order("L1").status == .paid)
    }

    @Test("a genuine callback replayed over and over (Alipay's has no time window) is kept a few times, then only counted")
    func replayedCallbackIsCounted() throws {
        let f = try PaymentFixture()
        try f.order("L2", 3_000)
        let pending = try #require(try f.pay("L2", .alipay).attempt)
        try f.advance("1s")
        let callback = try #require(try f.sentCallbacks(pending.serial).first)
        let verdicts = try (0..<30).map { _ in try receive(f, callback.channel, headers: callback.headers, body: callback.body).verdict }
        #expect(verdicts.first == .accepted && verdicts.dropFirst().allSatisfy { $0 == .duplicate })
        let rows = try f.store.db.rows("SELECT verdict, repeats FROM channel_callbacks WHERE channel = 'alipay' ORDER BY id")
        #expect(rows.count == CallbackInbox.Limits.keptRepeats)
        #expect(rows.first?.string("verdict") == "accepted", "the first delivery keeps its verdict")
        #expect(rows.reduce(0) { $0 + $1.int64("repeats") } == Int64(30 - CallbackInbox.Limits.keptRepeats))
        let order = try f.order("L2")
        #expect(order.status == .paid && order.paidAmount == cny(3_000))
        #expect(try f.outboxTopics("L2") == ["order.paid"])
    }
}
