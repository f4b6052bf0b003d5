import Testing
import Foundation
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Alerts as the engine hands them to the sinks, and sinks made through the service.
extension ServiceFixture {
    func alert(_ id: Int64, severity: AlertSeverity = .critical, rule: String = "channel.success-rate",
               state: AlertState = .firing) -> AlertSummary {
        AlertSummary(id: id, rule: rule, labels: AlertLabels(["channel": "wechat", "account": "wx-\(id)"]), severity: severity,
                     state: state, message: "success rate 72.0 % over 5m", firings: 3, startedAt: context.now, firedAt: context.now,
                     lastSeenAt: context.now, acknowledgedBy: nil, resolvedAt: state == .resolved ? context.now : nil,
                     value: "72.0 %", threshold: "< 90 %", silence: nil, inhibitedBy: nil, returnedFromSilence: false)
    }

    @discardableResult
    func sink(_ name: String, _ kind: AlertSinkKind, target: String, minSeverity: AlertSeverity = .warning,
              rate: Int64 = 6, burst: Int64 = 10, secret: String? = nil) throws -> String {
        try AlertSinkService(context).add(AlertSinkDraft(name: name, kind: kind, target: target, minSeverity: minSeverity,
                                                         ratePerMinute: rate, burst: burst, secret: secret)).secret
    }

    /// Notices through `AlertSinks`, in one transaction as the engine's evaluation would.
    func notify(_ alerts: [AlertSummary], _ notice: AlertNotice = .firing) throws {
        try store.write {
            for alert in alerts { try AlertSinks().notify(alert, notice, context: context) }
        }
    }

    /// Alert deliveries queued in the outbox, oldest first.
    func alertDeliveries() throws -> [OutboxMessage] {
        try store.outbox.due(at: context.now.adding(milliseconds: 86_400_000 * 2), limit: 100_000)
            .filter { AlertSinkKind(topic: $0.topic) != nil }
    }

    func sinkRecord(_ name: String) throws -> AlertSinkRecord {
        try #require(try store.alertSinks.find(name: name))
    }
}

@Suite("Alert sinks: rate limits")
struct AlertSinkRateLimitTests {
    @Test("a storm of 1,000 firings through a sink with burst 10 and 6/min queues 10 deliveries and drops 990")
    func storm() throws {
        let f = try ServiceFixture()
        try f.sink("ops", .webhook, target: "http://127.0.0.1:9/alerts", rate: 6, burst: 10)
        try f.notify((1...1000).map { f.alert($0) })
        #expect(try f.alertDeliveries().count == 10)
        #expect(try f.alertDeliveries().allSatisfy { $0.topic == "alert.webhook" })
        let sink = try f.sinkRecord("ops")
        #expect(sink.sent == 10)
        #expect(sink.dropped == 990)
        #expect(sink.tokenParts == 0)
        let ids = try f.alertDeliveries().compactMap { AlertOutboxPayload.decode($0.payload)?.body.alertId }
        #expect(ids == Array(1...10), "the first ten notices got through, in order")
    }

    @Test("6/min refills one token every 10 s of store time, and no more than the burst")
    func refill() throws {
        let f = try ServiceFixture()
        try f.sink("ops", .webhook, target: "http://127.0.0.1:9/alerts", rate: 6, burst: 10)
        try f.notify((1...20).map { f.alert($0) })
        #expect(try f.alertDeliveries().count == 10)
        try f.advance("9s")
        try f.notify((21...25).map { f.alert($0) })
        #expect(try f.alertDeliveries().count == 10, "9 s: not a whole token yet")
        try f.advance("1s")
        try f.notify((26...30).map { f.alert($0) })
        #expect(try f.alertDeliveries().count == 11, "10 s: one token")
        try f.advance("60s")
        try f.notify((31...50).map { f.alert($0) })
        #expect(try f.alertDeliveries().count == 17, "a minute: six more")
        try f.advance("1h")
        try f.notify((51...100).map { f.alert($0) })
        #expect(try f.alertDeliveries().count == 27, "an hour refills the bucket to its burst of 10, no more")
        #expect(try f.sinkRecord("ops").dropped == 100 - 27)
        #expect(try AlertSinkService(f.context).list().first?.tokens == 0)
    }

    @Test("frequent notices do not lose the refill between them")
    func refillUnderSteadyTraffic() throws {
        let f = try ServiceFixture()
        try f.sink("ops", .webhook, target: "http://127.0.0.1:9/alerts", rate: 7, burst: 2)
        try f.notify([f.alert(1)])
        // A notice every 100 ms for a minute: 7 tokens come in (a refill rounded at each call would lose some).
        for i in 0..<600 {
            try f.advance("100ms")
            try f.notify([f.alert(Int64(2 + i))])
        }
        let count = try f.alertDeliveries().count
        #expect(count == 2 + 7, "the burst of 2, then 7 in the minute")
    }

    @Test("two connections racing on one bucket never spend more than it holds")
    func race() throws {
        let f = try ServiceFixture()
        try f.sink("ops", .webhook, target: "http://127.0.0.1:9/alerts", rate: 1, burst: 25)
        let path = f.store.path
        let id = try f.sinkRecord("ops").id
        let now = f.context.now
        let taken = concurrently(2) { _ -> Int in
            do {
                let store = try Store.open(path: path)
                var count = 0
                for _ in 0..<100 where try store.write({ try store.alertSinks.takeToken(id, at: now) }) { count += 1 }
                return count
            } catch {
                return -1_000
            }
        }
        #expect(taken.reduce(0, +) == 25, "\(taken)")
        let sink = try f.sinkRecord("ops")
        #expect(sink.sent == 25)
        #expect(sink.tokenParts == 0)
    }

    @Test("a sink takes only alerts at or above its severity; a disabled sink takes none; neither counts a drop")
    func severityAndDisabled() throws {
        let f = try ServiceFixture()
        try f.sink("pager", .webhook, target: "http://127.0.0.1:9/pager", minSeverity: .critical)
        try f.sink("chat", .webhook, target: "http://127.0.0.1:9/chat", minSeverity: .info)
        try AlertSinkService(f.context).setEnabled("chat", false)
        try f.notify([f.alert(1, severity: .warning), f.alert(2, severity: .info)])
        #expect(try f.alertDeliveries().isEmpty)
        try f.notify([f.alert(3, severity: .critical)])
        #expect(try f.alertDeliveries().count == 1)
        #expect(try f.sinkRecord("pager").dropped == 0)
        #expect(try f.sinkRecord("chat").sent == 0)
        try AlertSinkService(f.context).setEnabled("chat", true)
        try f.notify([f.alert(4, severity: .info)])
        #expect(try f.alertDeliveries().count == 2)
    }
}

@Suite("Alert sinks: delivery")
struct AlertSinkDeliveryTests {
    @Test("a webhook gets the notice as signed JSON; a failure is retried on the notification schedule with the same delivery id")
    func webhook() throws {
        let listener = try HTTPListener(statuses: [500, 204])
        let f = try ServiceFixture()
        let secret = try f.sink("ops", .webhook, target: listener.url)
        #expect(secret.hasPrefix("whsec_") && secret.count > 30)
        try f.notify([f.alert(7)])
        #expect(try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue().retried == 1)
        #expect(try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue() == DeliveryReport(), "not due before 15 s")
        try f.advance("15s")
        #expect(try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue().delivered == 1)
        let requests = listener.requests
        #expect(requests.count == 2)
        let request = try #require(requests.last)
        #expect(request.method == "POST")
        let header = try #require(request.headers["paydesk-signature"])
        try SignatureHeader.verify(header, body: request.body, secret: secret, now: f.context.now)
        #expect(throws: NotificationRejection.self, "a body changed on the way fails the check") {
            try SignatureHeader.verify(header, body: request.body + Array(" ".utf8), secret: secret, now: f.context.now)
        }
        #expect(throws: NotificationRejection.self, "another secret fails the check") {
            try SignatureHeader.verify(header, body: request.body, secret: "whsec_other", now: f.context.now)
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(json["rule"] as? String == "channel.success-rate")
        #expect(json["notice"] as? String == "firing")
        #expect(json["state"] as? String == "FIRING")
        #expect(json["severity"] as? String == "critical")
        #expect(json["alertId"] as? Int == 7)
        #expect(json["value"] as? String == "72.0 %")
        #expect(json["threshold"] as? String == "< 90 %")
        #expect((json["labels"] as? [String: String]) == ["channel": "wechat", "account": "wx-7"])
        let first = try #require(try JSONSerialization.jsonObject(with: Data(requests[0].body)) as? [String: Any])
        #expect(first["delivery"] as? String != nil)
        #expect(first["delivery"] as? String == json["delivery"] as? String, "a retry carries the same delivery id")
        #expect(try MerchantNotifications(f.context).deliverDue() == DeliveryReport(), "delivered once")
    }

    @Test("a DingTalk robot gets a text message at a URL signed with timestamp and sign, as Python's hmac computes it")
    func dingTalk() throws {
        let listener = try HTTPListener(statuses: [200])
        let f = try ServiceFixture()
        let secret = "SEC0f1e2d3c4b5a69788796a5b4c3d2e1f0aabbccddeeff00112233445566778899"
        try f.sink("robot", .dingtalk, target: listener.url + "?access_token=tok123", secret: secret)
        try f.notify([f.alert(3)])
        #expect(try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue().delivered == 1)
        let request = try #require(listener.requests.first)
        let components = try #require(URLComponents(string: "http://x" + request.path))
        #expect(components.path == "/notify")
        let query = Dictionary(uniqueKeysWithValues: (components.percentEncodedQueryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["access_token"] == "tok123")
        let timestamp = try #require(query["timestamp"])
        #expect(timestamp == String(f.context.now.milliseconds))
        #expect(query["sign"] == (try Self.pythonSign(secret: secret, timestamp: timestamp)))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(json["msgtype"] as? String == "text")
        let content = try #require((json["text"] as? [String: Any])?["content"] as? String)
        #expect(content.hasPrefix("PayDesk FIRING critical channel.success-rate"))
        #expect(content.contains("account=wx-3 channel=wechat"))
        #expect(content.contains("value 72.0 % (threshold < 90 %)"))
    }

    @Test("DingTalk's sign: a vector computed with Python's hmac, base64 and quote_plus (with '+', '/' and '=' to encode)")
    func dingTalkVector() {
        // python3 -c 'import hmac,hashlib,base64,urllib.parse; s="SECtest"; t="1700000000001";
        //   print(urllib.parse.quote_plus(base64.b64encode(hmac.new(s.encode(), (t+"\n"+s).encode(), hashlib.sha256).digest())))'
        let vector = "r4CWp%2FDz%2BNg0sbTjH1vB0Fr%2BuQ2fn831mssaN6%2FC05I%3D"
        #expect(DingTalkSign.sign(secret: "SECtest", timestampMs: 1_700_000_000_001) == vector)
        #expect(DingTalkSign.signedURL("https://oapi.dingtalk.com/robot/send?access_token=a", secret: "SECtest", timestampMs: 1_700_000_000_001)
                == "https://oapi.dingtalk.com/robot/send?access_token=a&timestamp=1700000000001&sign=" + vector)
        #expect(DingTalkSign.signedURL("http://127.0.0.1:1/robot", secret: "SECtest", timestampMs: 1_700_000_000_001)
                == "http://127.0.0.1:1/robot?timestamp=1700000000001&sign=" + vector)
    }

    static func pythonSign(secret: String, timestamp: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import hmac, hashlib, base64, urllib.parse, sys
            s, t = sys.argv[1], sys.argv[2]
            print(urllib.parse.quote_plus(base64.b64encode(hmac.new(s.encode(), (t + "\\n" + s).encode(), hashlib.sha256).digest())))
            """, secret, timestamp]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 is needed to check the DingTalk sign independently")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("an SMS sink's notices land in the sandbox SMS outbox, short and plain")
    func sms() throws {
        let f = try ServiceFixture()
        let sandbox = try Sandbox(storePath: f.store.path, clock: f.context.clock)
        let secret = try f.sink("oncall", .sms, target: "+8613800138000")
        #expect(secret.isEmpty)
        try f.notify([f.alert(5)])
        try f.notify([f.alert(5, state: .resolved)], .resolved)
        let report = try MerchantNotifications(f.context, sms: SandboxSMSSender(sandbox)).deliverDue()
        #expect(report.delivered == 2)
        let messages = try sandbox.sms.list(to: "+8613800138000")
        #expect(messages.count == 2)
        #expect(messages.first?.text == "PayDesk FIRING critical channel.success-rate account=wx-5 channel=wechat: success rate 72.0 % over 5m")
        #expect(messages.last?.text.hasPrefix("PayDesk RESOLVED critical channel.success-rate") == true)
        #expect(messages.allSatisfy { $0.text.count <= 160 })
    }

    @Test("without an SMS gateway the delivery waits and is retried")
    func smsWithoutGateway() throws {
        let f = try ServiceFixture()
        try f.sink("oncall", .sms, target: "+8613800138000")
        try f.notify([f.alert(5)])
        #expect(try MerchantNotifications(f.context).deliverDue().retried == 1)
    }

    @Test("deliveries queued for a sink that is then disabled fail at once and send nothing")
    func disabledAfterQueueing() throws {
        let listener = try HTTPListener(statuses: [200])
        let f = try ServiceFixture()
        try f.sink("ops", .webhook, target: listener.url)
        try f.notify([f.alert(1), f.alert(2)])
        try AlertSinkService(f.context).setEnabled("ops", false)
        #expect(try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue().failed == 2)
        #expect(listener.requests.isEmpty)
        #expect(try f.alertDeliveries().isEmpty)
    }

    @Test("merchant notifications and alert deliveries share the outbox and each goes its own way")
    func sharedOutbox() throws {
        let merchant = try HTTPListener(statuses: [200])
        let alerts = try HTTPListener(statuses: [200])
        let f = try ServiceFixture(notifyURL: merchant.url)
        try f.sink("ops", .webhook, target: alerts.url)
        let order = try f.order("S1")
        try f.store.write { try MerchantNotifications(f.context).enqueue(order, event: "order.paid") }
        try f.notify([f.alert(1)])
        #expect(try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue().delivered == 2)
        #expect(merchant.requests.count == 1)
        #expect(merchant.requests.first?.bodyText.contains("\"orderNo\":\"S1\"") == true)
        #expect(alerts.requests.count == 1)
        #expect(alerts.requests.first?.bodyText.contains("\"rule\":\"channel.success-rate\"") == true)
    }

    @Test("a round tells the merchants first: older alert deliveries never crowd them out of it")
    func merchantsFirst() throws {
        let merchant = try HTTPListener(statuses: [200])
        let alerts = try HTTPListener(statuses: [200])
        let f = try ServiceFixture(notifyURL: merchant.url)
        try f.sink("ops", .webhook, target: alerts.url)
        try f.notify((1...5).map { f.alert($0) })
        try f.advance("1s")
        let order = try f.order("S2")
        try f.store.write { try MerchantNotifications(f.context).enqueue(order, event: "order.paid") }
        let report = try MerchantNotifications(f.context, timeoutSeconds: 5).deliverDue(limit: 2)
        #expect(merchant.requests.count == 1, "the merchant's notification went in this round")
        #expect(report.delivered == 3, "then as many alert deliveries as the limit allows")
        #expect(alerts.requests.count == 2)
    }
}

@Suite("Alert sinks: administration")
struct AlertSinkAdminTests {
    @Test("only an admin manages sinks; a refusal changes nothing")
    func adminOnly() throws {
        let f = try ServiceFixture()
        try f.sink("x", .sms, target: "+4912345678")
        func refusal(_ body: () throws(PayError) -> Void) -> PayError.Kind? {
            do { try body(); return nil } catch { return error.kind }
        }
        for role in [Role.cashier, .support, .supervisor] {
            f.context.actor = Actor(name: "op-\(role.rawValue)", role: role, origin: "test")
            let service = AlertSinkService(f.context)
            #expect(refusal { () throws(PayError) in _ = try service.list() } == .notPermitted)
            #expect(refusal { () throws(PayError) in _ = try service.add(AlertSinkDraft(name: "y", kind: .sms, target: "+4912345678")) } == .notPermitted)
            #expect(refusal { () throws(PayError) in try service.setEnabled("x", false) } == .notPermitted)
            #expect(refusal { () throws(PayError) in _ = try service.test("x") } == .notPermitted)
        }
        f.context.actor = .localAdministrator(unixUser: "tester")
        #expect(try AlertSinkService(f.context).list().map(\.name) == ["x"])
        #expect(try f.sinkRecord("x").enabled)
        #expect(try f.alertDeliveries().isEmpty)
    }

    @Test("the secret is returned once, shown after only as a hint, and never written to the audit; URL queries are masked")
    func secretShownOnce() throws {
        let f = try ServiceFixture()
        let secret = try f.sink("robot", .dingtalk, target: "https://oapi.dingtalk.com/robot/send?access_token=abcdef")
        #expect(secret.hasPrefix("SEC") && secret.count == 67)
        let view = try #require(try AlertSinkService(f.context).list().first)
        #expect(view.secretHint == "…" + secret.suffix(4))
        #expect(view.target == "https://oapi.dingtalk.com/robot/send?access_token=…")
        #expect(view.tokens == 10 && view.ratePerMinute == 6 && view.burst == 10 && view.minSeverity == .warning)
        _ = try AlertSinkService(f.context).test("robot")
        try AlertSinkService(f.context).setEnabled("robot", false)
        let audit = try AuditLog(f.context).entries(target: "alert-sink:robot")
        #expect(audit.map(\.action) == ["alert-sink.add", "alert-sink.test", "alert-sink.disable"])
        for entry in audit {
            #expect(!(entry.detail ?? "").contains(secret))
            #expect(!(entry.detail ?? "").contains("abcdef"))
        }
    }

    @Test("bad input names the field and writes nothing")
    func badInput() throws {
        let f = try ServiceFixture()
        let service = AlertSinkService(f.context)
        let cases: [(AlertSinkDraft, String)] = [
            (AlertSinkDraft(name: "ops", kind: .webhook, target: "ftp://example.com/x"), "target 'ftp://example.com/x'"),
            (AlertSinkDraft(name: "ops", kind: .sms, target: "call me"), "target 'call me'"),
            (AlertSinkDraft(name: "bad name", kind: .sms, target: "+4912345678"), "sink name 'bad name'"),
            (AlertSinkDraft(name: "ops", kind: .sms, target: "+4912345678", ratePerMinute: 0), "rate '0/min'"),
            (AlertSinkDraft(name: "ops", kind: .sms, target: "+4912345678", burst: 0), "burst '0'"),
            (AlertSinkDraft(name: "ops", kind: .webhook, target: "http://x.test/", secret: "chosen-secret"), "secret:"),
        ]
        for (draft, words) in cases {
            do {
                _ = try service.add(draft)
                Issue.record("\(draft) was accepted")
            } catch {
                #expect(error.kind == .invalidInput)
                #expect(error.message.hasPrefix(words), "\(error.message)")
            }
        }
        #expect(try service.list().isEmpty)
        try f.sink("ops", .sms, target: "+4912345678")
        #expect(throws: PayError.conflict("alert sink 'ops' exists already")) { try f.sink("ops", .sms, target: "+4912345679") }
        #expect(throws: PayError.notFound("no alert sink named 'nope'")) { try service.setEnabled("nope", true) }
    }
}
