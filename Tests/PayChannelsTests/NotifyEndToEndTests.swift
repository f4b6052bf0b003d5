import Foundation
import Testing
@testable import PayChannels
import PayCore
import PayStore
import TestSupport

/// `paydesk notify` and `paydesk sandbox …` as a script would drive them, on a demo store whose
/// sandbox is made to pay in-process through the store's own channel accounts.
@Suite(.serialized) struct NotifyEndToEndTests {
    let directory = TemporaryDirectory("notify-e2e")
    var db: String { directory.path("paydesk.db") }

    func paydesk(_ args: [String]) throws -> RunResult { try Paydesk.run(args + ["--db", db]) }

    /// A demo store, and one wechat payment made through the store's account by the sandbox.
    func prepare(channel: String, account: String, minor: Int64 = 1200) throws -> (serial: String, store: Store) {
        let initRun = try paydesk(["init", "--demo"])
        #expect(initRun.exitCode == 0, "\(initRun)")
        #expect(try paydesk(["sandbox", "latency", "--channel", channel, "--ms", "0"]).exitCode == 0)
        let store = try Store.open(path: db)
        let sandbox = try Sandbox(storePath: db, clock: SystemClock())
        let registry = ChannelRegistry(transport: sandbox, clock: SystemClock())
        registry.seal = try ConfigSeal(storePath: db)
        let stored = try #require(try store.channelAccounts.find(account))
        let plugin = try registry.plugin(for: stored)
        let serial = "P2026112100000\(Int.random(in: 100_000...999_999))"
        let mode: PayMode = switch channel {
        case "card": .cardToken(try registry.cardPlugin(for: stored).tokenize(try CardDetails(number: "4242424242424242", expiry: "12/30", cvc: "123")).token, challengeCompleted: false)
        case "paypal": .account("buyer")
        default: .authCode(SandboxHarness.authCode(channel))
        }
        let currency: Currency = channel == "paypal" ? .USD : .CNY
        let reply = plugin.pay(PayRequest(serial: serial, amount: Money(minorUnits: minor, currency: currency), mode: mode, subject: "e2e"))
        guard case .succeeded = reply.result else { Issue.record("\(reply)"); return (serial, store) }
        return (serial, store)
    }

    func callbacksJSON(_ serial: String) throws -> [[String: Any]] {
        let run = try paydesk(["sandbox", "callbacks", "--order", serial, "--json"])
        #expect(run.exitCode == 0, "\(run)")
        return try #require(try run.json()["callbacks"] as? [[String: Any]])
    }

    func notify(_ channel: String, body: String, headers: [String: String], json: Bool = false) throws -> RunResult {
        let file = directory.path("body-\(UUID().uuidString.prefix(6)).txt")
        try Data(body.utf8).write(to: URL(fileURLWithPath: file))
        var args = ["notify", "--channel", channel, "--body-file", file]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { args += ["--header", "\(name): \(value)"] }
        if json { args.append("--json") }
        return try paydesk(args)
    }

    @Test(arguments: [("wechat", "wechat-sp", #"{"code":"SUCCESS","message":"成功"}"#), ("alipay", "alipay-main", "success"),
                      ("unionpay", "unionpay-main", "ok"), ("card", "acquirer-b", #"{"received":true}"#), ("paypal", "paypal-main", #"{"received":true}"#)])
    func genuineCallbackIsAcceptedTamperedOneRejectedBothRecorded(channel: String, account: String, ack: String) throws {
        let (serial, store) = try prepare(channel: channel, account: account)
        let callbacks = try callbacksJSON(serial)
        #expect(callbacks.count == 1)
        let callback = try #require(callbacks.first)
        #expect(callback["orderNo"] as? String == serial && callback["channel"] as? String == channel)
        let body = try #require(callback["body"] as? String)
        let headers = try #require(callback["headers"] as? [String: String])

        let accepted = try notify(channel, body: body, headers: headers)
        #expect(accepted.exitCode == 0, "\(accepted)")
        #expect(accepted.stdout == ack + "\n")

        let json = try notify(channel, body: body, headers: headers, json: true).json()
        let note = try #require(json["notification"] as? [String: Any])
        // why: the payment was made through the plugin alone, so the center has no such payment:
        // the callback verifies, is acknowledged, and is kept as suspicious (nothing to apply it to).
        #expect(json["verdict"] as? String == "suspicious" && note["serial"] as? String == serial && note["amount"] as? String == "12.00")

        // The amount where the body shows it in clear, else the date.
        let tampered = body.contains("12") ? body.replacingOccurrences(of: "12", with: "13") : body.replacingOccurrences(of: "20", with: "21")
        #expect(tampered != body)
        let rejected = try notify(channel, body: tampered, headers: headers)
        #expect(rejected.exitCode == 3, "\(rejected)")
        #expect(rejected.stderr.contains("rejected"))

        let rows = try store.db.rows("SELECT verdict, reason, body FROM channel_callbacks WHERE channel = ? ORDER BY id", [channel])
        #expect(rows.map { $0.string("verdict") } == ["suspicious", "suspicious", "rejected"])
        #expect(rows[2].blob("body") == Array(tampered.utf8))
        #expect(!rows[2].string("reason").isEmpty)
    }

    /// ISSUE 10 item 1, as reported: a card payment through one acquirer times out uncharged; a
    /// `charge.succeeded` naming it, signed with the other acquirer's webhook secret, is fed to
    /// `notify --channel card`.
    @Test func callbackSignedByAnotherAcquirerIsSuspiciousAndChangesNothing() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        let created = try paydesk(["order", "create", "--business", "retail", "--order", "N1", "--amount", "10.54"])
        #expect(created.exitCode == 0, "\(created)")
        let pay = try paydesk(["pay", "--business", "retail", "--order", "N1", "--method", "card", "--card", "4242424242424242",
                               "--expiry", "12/30", "--cvc", "123", "--json"])
        #expect(pay.exitCode == 5, "\(pay)")
        let payment = try #require(try pay.json()["payment"] as? [String: Any])
        let serial = try #require(payment["serial"] as? String)
        let account = try #require(payment["account"] as? String)
        let store = try Store.open(path: db)
        let other = try #require(try store.channelAccounts.forChannel("card").first { $0.id != account })
        // why opened: the store keeps the account's secrets sealed under the audit key's derivation.
        let secret = try ConfigSeal(storePath: db).open(try #require(other.config["webhook_secret"]), scope: "account:\(other.id)", field: "webhook_secret")
        let event: [String: Any] = ["id": "evt_forged", "type": "charge.succeeded", "created": SystemClock().now().seconds,
                                    "data": ["object": ["id": "ch_forged", "amount": 1054, "currency": "cny", "status": "succeeded",
                                                        "reference": serial]]]
        let body = SafeJSON.encode(event)
        let header = SignatureHeader.make(secret: secret, body: body, at: SystemClock().now())

        let run = try notify("card", body: String(decoding: body, as: UTF8.self), headers: ["Acquirer-Signature": header], json: true)
        #expect(run.exitCode == 0, "\(run)")
        let json = try run.json()
        #expect(json["verdict"] as? String == "suspicious", "\(json)")
        #expect((json["reason"] as? String)?.contains(other.id) == true)
        let query = try paydesk(["query", "--order", "N1", "--business", "retail", "--json"]).json()
        #expect((query["order"] as? [String: Any])?["status"] as? String != "PAID")
        #expect((query["payments"] as? [[String: Any]])?.first?["status"] as? String == "UNKNOWN")
        let alerts = try paydesk(["alerts", "--json"])
        #expect(alerts.stdout.contains("callback.suspicious"), "\(alerts)")
        let check = try paydesk(["check", "--settled"])
        #expect(!check.stdout.contains("own account:") && !check.stderr.contains("own account:"), "\(check)")
    }

    /// ISSUE 10 item 13: `notify --body-file` reads no more than a callback may be.
    @Test func hugeBodyFileIsRefusedUnreadAndNothingIsRecorded() throws {
        #expect(try paydesk(["init"]).exitCode == 0)
        let file = directory.path("huge.json")
        try Data(repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024).write(to: URL(fileURLWithPath: file))
        let run = try paydesk(["notify", "--channel", "card", "--body-file", file, "--header", "Acquirer-Signature: t=1,v1=00"])
        #expect(run.exitCode == 3, "\(run)")
        #expect(run.stderr.contains("65536"), "\(run)")
        // A device that never ends is read no further than the limit either.
        let endless = try paydesk(["notify", "--channel", "card", "--body-file", "/dev/zero"])
        #expect(endless.exitCode == 3 && endless.stderr.contains("65536"), "\(endless)")
        let store = try Store.open(path: db)
        #expect(try store.callbacks.count(verdict: .rejected) == 0)
    }

    @Test func badInvocationsSayWhatIsWrong() throws {
        _ = try paydesk(["init"])
        let missing = try paydesk(["notify", "--channel", "wechat", "--body-file", directory.path("nope")])
        #expect(missing.exitCode == 3 && missing.stderr.contains("cannot be read"))
        let unknown = try paydesk(["notify", "--channel", "bitcoin", "--body-file", "x"])
        #expect(unknown.exitCode == 3 && unknown.stderr.contains("unknown"))
        let both = try paydesk(["sandbox", "outage", "--channel", "card", "--on", "--off"])
        #expect(both.exitCode == 2)
        let latency = try paydesk(["sandbox", "latency", "--channel", "card", "--ms", "-5"])
        #expect(latency.exitCode == 3)
        let sms = try paydesk(["sandbox", "sms", "--json"])
        let messages = try sms.json()["messages"] as? [Any]
        #expect(sms.exitCode == 0 && messages?.isEmpty == true)
    }

    @Test func smsOutboxListsWhatWasSent() throws {
        _ = try paydesk(["init"])
        let sandbox = try Sandbox(storePath: db, clock: SystemClock())
        try sandbox.sms.send(to: "+8613800000000", text: "Your PayDesk code is 123456")
        let json = try paydesk(["sandbox", "sms", "--json"]).json()
        let messages = try #require(json["messages"] as? [[String: Any]])
        #expect(messages.count == 1 && messages[0]["to"] as? String == "+8613800000000" && messages[0]["text"] as? String == "Your PayDesk code is 123456")
    }

    @Test func billCommandPrintsTheDay() throws {
        let (serial, _) = try prepare(channel: "alipay", account: "alipay-main")
        // why: Alipay dates a trade by the Beijing day, which is not the UTC day from 16:00 UTC.
        let today = BillDay.date(channel: "alipay", of: SystemClock().now())
        let run = try paydesk(["sandbox", "bill", "--channel", "alipay", "--date", today])
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("#支付宝业务明细查询") && run.stdout.contains(serial))
    }
}

/// The worker's seam: due sandbox callbacks go through the inbox once each.
@Suite struct GatewayDeliveryTests {
    @Test func dueCallbacksAreDeliveredOnceAndRecorded() throws {
        let directory = TemporaryDirectory("gateway")
        let store = try Store.open(path: directory.path("paydesk.db"), create: true)
        let clock = TestClock(try Timestamp.parse("2026-11-21T09:00:00Z"))
        for account in SandboxHarness.template.accounts.values { try store.channelAccounts.insert(account, at: clock.now()) }
        try FileManager.default.copyItem(atPath: SandboxHarness.template.path, toPath: Sandbox.path(forStore: store.path))
        let gateway = try ChannelGateway(store: store, clock: clock)
        try gateway.sandbox.setLatencyEverywhere(milliseconds: 0)
        let plugin = try gateway.plugin(for: SandboxHarness.template.accounts["wechat-direct"]!)
        _ = plugin.pay(PayRequest(serial: "P1", amount: SandboxHarness.cny(1256), mode: .authCode("134567890123456789"), subject: "x"))
        clock.advance(seconds: 1)
        var applied: [ChannelNotification] = []
        let first = try gateway.deliverDueCallbacks(to: store) { applied.append($0) }
        #expect(first.count == 2 && applied.count == 2)
        clock.advance(seconds: 5)
        try gateway.deliverDueCallbacks(to: store) { applied.append($0) }
        #expect(applied.map(\.status) == [.succeeded, .succeeded, .succeeded, .pending])
        #expect(try gateway.deliverDueCallbacks(to: store) { applied.append($0) }.isEmpty)
        #expect(try store.db.scalarInt("SELECT count(*) FROM channel_callbacks WHERE verdict = 'accepted'") == 4)
    }
}
