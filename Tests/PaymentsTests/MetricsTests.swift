import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// The metrics rollups (issue 12): what real payments, callbacks and risk decisions leave in them,
/// windows, the histogram, rollup to hours and pruning, on the fixture's simulated clock.
@Suite("Metrics")
struct MetricsTests {
    func traffic(_ f: PaymentFixture, channel: String, operation: String? = "pay", from: Timestamp? = nil) throws -> ChannelTraffic {
        let all = try MetricsService(f.context).traffic(from: from ?? PaymentFixture.start, to: f.now.adding(milliseconds: 1), operation: operation)
        var sum = ChannelTraffic(channel: channel, account: "*")
        for account in all where account.channel == channel {
            sum.requests += account.requests
            sum.succeeded += account.succeeded
            sum.declined += account.declined
            sum.systemErrors += account.systemErrors
            sum.unknown += account.unknown
            sum.latency = sum.latency + account.latency
            for (currency, minor) in account.amounts { sum.amounts[currency, default: 0] += minor }
        }
        return sum
    }

    func recordedCalls(_ f: PaymentFixture, channel: String, operation: String, result: String? = nil) throws -> Int64 {
        try f.store.db.scalarInt("SELECT count(*) FROM channel_calls WHERE channel = ? AND operation = ? AND (? IS NULL OR result = ?)",
                                 [channel, operation, result, result]) ?? 0
    }

    @Test("payments are counted by outcome per channel account as they happen; amounts when a payment succeeds, also later by a query")
    func paymentsCounted() throws {
        let f = try PaymentFixture()
        for (no, minor) in [("M1", Int64(10_000)), ("M2", 10_051), ("M3", 10_053), ("M4", 10_059)] {
            try f.order(no, minor)
            _ = try? f.pay(no, .alipay, authCode: Barcode.alipay)
        }
        var alipay = try traffic(f, channel: "alipay")
        #expect(alipay.succeeded == 1)
        #expect(alipay.declined == 1)
        #expect(alipay.unknown == 1)
        #expect(alipay.systemErrors >= 1)
        #expect(alipay.systemErrors == (try recordedCalls(f, channel: "alipay", operation: "pay", result: "SYSTEM_ERROR")))
        #expect(alipay.requests == (try recordedCalls(f, channel: "alipay", operation: "pay")), "every call recorded is counted once")
        #expect(alipay.latency.count == alipay.requests)
        #expect(alipay.amounts == ["CNY": 10_000], "only the success so far")
        #expect(try traffic(f, channel: "wechat").requests == 0)
        #expect(try MetricsService(f.context).events(.riskAllow, from: PaymentFixture.start, to: f.now.adding(milliseconds: 1)) == ["retail": 4])
        #expect(try MetricsService(f.context).gauges(at: f.now).unknownAttempts == 1)

        // The timed-out payment is found paid by the janitor's query a minute later.
        try f.advance("1m")
        try f.janitor()
        alipay = try traffic(f, channel: "alipay")
        #expect(alipay.amounts == ["CNY": 20_053])
        #expect(try traffic(f, channel: "alipay", operation: "query").requests == (try recordedCalls(f, channel: "alipay", operation: "query")))
        #expect(try MetricsService(f.context).gauges(at: f.now).unknownAttempts == 0)
    }

    @Test("callbacks are counted received and rejected per channel")
    func callbacksCounted() throws {
        let f = try PaymentFixture()
        let outcome = try CallbackService(f.context, gateway: f.gateway).receive(channel: "card", headers: [:], body: Array("not a callback".utf8))
        #expect(outcome.verdict == .rejected)
        let service = MetricsService(f.context)
        let end = f.now.adding(milliseconds: 1)
        #expect(try service.events(.callbackReceived, from: PaymentFixture.start, to: end) == ["card": 1])
        #expect(try service.events(.callbackRejected, from: PaymentFixture.start, to: end) == ["card": 1])
        #expect(try service.events(.callbackSuspicious, from: PaymentFixture.start, to: end) == [:])
    }

    @Test("a second payment of one order is counted as a duplicate found, then refunded when the scanner's refund succeeds")
    func duplicates() throws {
        let f = try PaymentFixture()
        let (_, late) = try DuplicateTests().paidTwice(f, "MD1")
        let service = MetricsService(f.context)
        func count(_ event: MonitoringEvent) throws -> [String: Int64] {
            try service.events(event, from: PaymentFixture.start, to: f.now.adding(milliseconds: 1))
        }
        #expect(try count(.duplicateFound) == [late.channel: 1])
        #expect(try count(.duplicateRefunded) == [:])
        #expect(try f.scanDuplicates() == 1)
        #expect(try f.refunds("MD1").first?.status == .succeeded)
        #expect(try count(.duplicateRefunded) == [late.channel: 1])
        #expect(try count(.callbackReceived)[late.channel] ?? 0 >= 1, "the late payment's callback")
    }

    @Test("the exposition counts open alerts by state and severity, escapes label values and keeps histogram buckets cumulative")
    func exposition() throws {
        let f = try PaymentFixture()
        let account = "odd \"acct\" \\ x\ny"
        try f.store.write {
            _ = try f.store.alerts.fire(rule: "payment.unknown", key: "attempt:1", severity: "critical", message: "m", at: f.now)
            _ = try f.store.alerts.fire(rule: "payment.unknown", key: "attempt:1", severity: "critical", message: "m", at: f.now)
            _ = try f.store.alerts.fire(rule: "worker.job-failed", key: "x", severity: "warning", message: "m", at: f.now)
            for latency: Int64 in [40, 400, 4_000] {
                try f.store.metrics.recordCall(channel: "card", account: account, operation: "pay", outcome: .declined,
                                               latencyMilliseconds: latency, at: f.now)
            }
        }
        let text = try MetricsService(f.context).exposition()
        #expect(text.contains(#"paydesk_alerts_open{state="FIRING",severity="critical"} 1"#), "one alert, fired twice")
        #expect(text.contains(#"paydesk_alerts_open{state="FIRING",severity="warning"} 1"#))
        #expect(text.contains(#"paydesk_alerts_open{state="PENDING",severity="info"} 0"#))
        let labels = #"channel="card",account="odd \"acct\" \\ x\ny",operation="pay""#
        #expect(text.contains(#"paydesk_channel_calls_total{\#(labels),outcome="declined"} 3"#))
        #expect(text.contains(#"paydesk_channel_calls_total{\#(labels),outcome="succeeded"} 0"#))
        #expect(text.contains(#"paydesk_channel_call_duration_seconds_bucket{\#(labels),le="0.05"} 1"#))
        #expect(text.contains(#"paydesk_channel_call_duration_seconds_bucket{\#(labels),le="0.5"} 2"#))
        #expect(text.contains(#"paydesk_channel_call_duration_seconds_bucket{\#(labels),le="10"} 3"#))
        #expect(text.contains(#"paydesk_channel_call_duration_seconds_bucket{\#(labels),le="+Inf"} 3"#))
        #expect(text.contains(#"paydesk_channel_call_duration_seconds_sum{\#(labels)} 4.44"#))
        #expect(text.contains(#"paydesk_channel_call_duration_seconds_count{\#(labels)} 3"#))
    }

    @Test("a pay code waiting for the customer is a PENDING attempt whose age the gauges show; the worker's round is seen")
    func gauges() throws {
        let f = try PaymentFixture()
        try f.sandbox.setLatency(channel: "wechat", milliseconds: 600_000)
        try f.order("G1", 2_000)
        #expect(try f.pay("G1", .wechat).attempt?.status == .pending)
        try f.advance("1m")
        var gauges = try MetricsService(f.context).gauges(at: f.now)
        #expect(gauges.pendingAttempts == 1)
        #expect(gauges.oldestPendingAge == 60_000)
        #expect(gauges.workerLastRun == nil)
        #expect(gauges.breakers.count == (try f.store.channelAccounts.all().count))
        #expect(gauges.breakers.allSatisfy { $0.state == "CLOSED" })
        _ = try Worker(context: f.context, jobs: []).runOnce()
        gauges = try MetricsService(f.context).gauges(at: f.now)
        #expect(gauges.workerLastRun == f.now)
    }

    @Test("latencies land in their buckets; the quantiles interpolate within them")
    func histogram() throws {
        let f = try PaymentFixture()
        #expect(MetricRepository.latencyBoundsMilliseconds == LatencyHistogram.boundsMilliseconds)
        let latencies: [Int64] = [10, 50, 60, 60, 300, 300, 300, 3_000, 20_000, 90]
        try f.store.write {
            for latency in latencies {
                try f.store.metrics.recordCall(channel: "wechat", account: "wx-test", operation: "pay", outcome: .succeeded,
                                               latencyMilliseconds: latency, at: f.now)
            }
        }
        let all = try MetricsService(f.context).traffic(from: f.now, to: f.now.adding(milliseconds: 1), operation: "pay")
        let account = try #require(all.first { $0.account == "wx-test" })
        #expect(account.requests == 10)
        #expect(account.latency.counts == [2, 3, 0, 3, 0, 0, 1, 0, 1])
        #expect(account.latency.sumMilliseconds == latencies.reduce(0, +))
        #expect(account.latency.quantile(0.5) == 100, "rank 5 of 10 is the last of the 50–100 bucket's three")
        #expect(account.latency.quantile(0.3) == 50 + 50.0 / 3, "rank 3: the first of the 50–100 bucket")
        #expect(account.latency.quantile(0.95) == 10_000, "the +Inf bucket answers the highest finite bound")
    }

    @Test("a window takes the minutes that start in it, from the minute its start falls in")
    func windows() throws {
        let f = try PaymentFixture()
        let start = PaymentFixture.start  // 12:00:00
        try f.store.write {
            for (second, account) in [(50, "a"), (70, "a"), (130, "b")] {
                try f.store.metrics.recordCall(channel: "card", account: account, operation: "pay", outcome: .declined,
                                               latencyMilliseconds: 1, at: start.adding(milliseconds: Int64(second) * 1000))
            }
        }
        let service = MetricsService(f.context)
        func requests(_ fromSecond: Int64, _ toSecond: Int64) throws -> Int64 {
            try service.traffic(from: start.adding(milliseconds: fromSecond * 1000), to: start.adding(milliseconds: toSecond * 1000), operation: nil)
                .filter { $0.channel == "card" }.reduce(0) { $0 + $1.requests }
        }
        #expect(try requests(60, 120) == 1, "12:01 only")
        #expect(try requests(30, 120) == 2, "12:00:30 reaches back to the 12:00 minute")
        #expect(try requests(0, 180) == 3)
        #expect(try requests(120, 121) == 1)
        #expect(try requests(-60, 0) == 0)
        let series = try service.trafficSeries(minutes: 4, endingAt: start.adding(milliseconds: 180_000), operation: "pay")
        #expect(series["a"]?.map(\.requests) == [0, 1, 1, 0])
        #expect(series["b"]?.map(\.requests) == [0, 0, 0, 1])
        #expect(series["a"]?.map(\.declined) == [0, 1, 1, 0])
    }

    @Test("finished hours roll up with the same totals, again and again; minutes go after 7 days and hours after 90")
    func rollupAndPrune() throws {
        let f = try PaymentFixture()
        let start = PaymentFixture.start
        // 3 hours of traffic, one call and one event every 10 minutes, and a payment each hour.
        try f.store.write {
            for step in 0..<18 {
                let at = start.adding(milliseconds: Int64(step) * 600_000)
                try f.store.metrics.recordCall(channel: "card", account: "c", operation: "pay", outcome: step % 3 == 0 ? .succeeded : .systemError,
                                               latencyMilliseconds: Int64(step) * 100, at: at)
                try f.store.metrics.count(.callbackSuspicious, label: "card", at: at)
                if step % 6 == 0 { try f.store.metrics.recordPayment(channel: "card", account: "c", amount: cny(1_000), at: at) }
            }
        }
        func totals(from: Timestamp) throws -> (ChannelTraffic, Int64) {
            let service = MetricsService(f.context)
            let card = try service.traffic(from: from, to: f.now.adding(milliseconds: 1), operation: nil).first { $0.account == "c" }
                ?? ChannelTraffic(channel: "card", account: "c")
            let events = try service.events(.callbackSuspicious, from: from, to: f.now.adding(milliseconds: 1))["card"] ?? 0
            return (card, events)
        }
        try f.advance("3h")
        let before = try totals(from: start)
        #expect(before.0.requests == 18)
        #expect(before.0.succeeded == 6)
        #expect(before.0.systemErrors == 12)
        #expect(before.0.amounts == ["CNY": 3_000])
        #expect(before.1 == 18)

        let job = MetricsRollupJob()
        #expect(try job.runDue(f.context) == 3, "three finished hours")
        #expect(try job.runDue(f.context) == 0, "nothing due: no commit")
        try f.store.write { _ = try f.store.metrics.rollUp(before: f.now) }  // again: replaces, never adds
        let hours = try f.store.metrics.calls(.hour, from: 0, to: f.now.milliseconds, operation: nil)
        #expect(hours.map(\.requests) == [18])
        #expect(hours.first?.latencyBuckets.reduce(0, +) == 18)

        // Eight days on, the minutes are gone and a window that old reads the hours: same totals.
        try f.advance("8d")
        #expect(try job.runDue(f.context) > 0)
        #expect(try f.store.metrics.calls(.minute, from: 0, to: f.now.milliseconds, operation: nil).isEmpty)
        let after = try totals(from: start)
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)

        // A shorter retention prunes sooner; 91 days on, the hours are gone too.
        _ = try MetricsService(f.context).setRetention(minuteDays: 1, hourDays: 2)
        try f.advance("3d")
        _ = try job.runDue(f.context)
        #expect(try f.store.metrics.calls(.hour, from: 0, to: f.now.milliseconds, operation: nil).isEmpty)
        #expect(try totals(from: start).0.requests == 0)
    }

    @Test("retention needs the store manager; bad values are refused and change nothing")
    func retentionSettings() throws {
        let f = try PaymentFixture()
        var kept = try MetricsService(f.context).retentionDays()
        #expect(kept.minutes == 7 && kept.hours == 90)
        #expect(throws: PayError.self) { try MetricsService(f.context).setRetention(minuteDays: 10, hourDays: 5) }
        kept = try MetricsService(f.context).retentionDays()
        #expect(kept.minutes == 7 && kept.hours == 90, "the refused change changed nothing")
        kept = try MetricsService(f.context).setRetention(minuteDays: 14, hourDays: nil)
        #expect(kept.minutes == 14 && kept.hours == 90)
        let cashier = try PaymentFixture(actor: RepairDeskTests.cashier)
        #expect(throws: PayError.self) { try MetricsService(cashier.context).setRetention(minuteDays: 1, hourDays: 1) }
    }

    @Test("the dashboard shows each account's last hour, per-minute series and today's amounts")
    func dashboard() throws {
        let f = try PaymentFixture()
        try f.order("D1", 3_000)
        _ = try f.pay("D1", .alipay, authCode: Barcode.alipay)
        try f.advance("2m")
        try f.order("D2", 4_051)
        _ = try f.pay("D2", .alipay, authCode: Barcode.alipay)
        let snapshot = try MonitoringDashboard(f.context, metrics: MetricsService(f.context)).snapshot()
        let used = snapshot.accounts.filter { $0.requests > 0 }
        #expect(!used.isEmpty && used.allSatisfy { $0.channel == "alipay" && $0.breaker == "CLOSED" })
        #expect(used.reduce(0) { $0 + $1.requests } == 2)
        #expect(used.allSatisfy { $0.volumeSeries.count == 60 && $0.successSeries.count == 60 && $0.p95Series.count == 60 })
        let volume = (0..<60).map { minute in used.reduce(Int64(0)) { $0 + $1.volumeSeries[minute] } }
        #expect(Array(volume.suffix(3)) == [1, 0, 1], "12:00, 12:01, 12:02")
        let first = try #require(snapshot.accounts.first { $0.account == (try? f.attempts("D1").first?.account) })
        #expect(first.successSeries[57] == 1.0)
        #expect(first.successSeries[58] == nil, "no payments that minute")
        #expect(first.amountsToday == ["CNY": 3_000])
        #expect(used.reduce(Int64(0)) { $0 + ($1.amountsToday["CNY"] ?? 0) } == 3_000, "the declined payment adds nothing")
        #expect(snapshot.accounts.count == (try f.store.channelAccounts.all().count))
        #expect(snapshot.openAlerts.isEmpty)
    }
}
