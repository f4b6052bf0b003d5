import Testing
import Foundation
import PayChannels
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Paying, refunding and racing from the command line, as scripts and several terminals would.
@Suite("Payments from the command line")
struct PaymentsEndToEndTests {
    let dir = TemporaryDirectory("e2e-pay")
    var db: String { dir.path("store.db") }

    @discardableResult
    func paydesk(_ args: [String], env: [String: String] = [:]) throws -> RunResult {
        try Paydesk.run(args + ["--db", db], environment: env)
    }

    func demo() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        #expect(try paydesk(["sandbox", "latency", "--channel", "wechat", "--ms", "0"]).exitCode == 0)
    }

    func order(_ no: String, _ amount: String, line: String = "retail") throws {
        let created = try paydesk(["order", "create", "--business", line, "--order", no, "--amount", amount])
        #expect(created.exitCode == 0, "\(created)")
    }

    func payments(_ no: String, line: String = "retail") throws -> [[String: Any]] {
        try paydesk(["query", "--order", no, "--business", line, "--json"]).json()["payments"] as? [[String: Any]] ?? []
    }

    @Test("barcode paid (0), declined (4), unknown (5), a pay code paid while waiting (0)")
    func exitCodes() throws {
        try demo()
        try order("P1", "12.00")
        let paid = try paydesk(["pay", "--business", "retail", "--order", "P1", "--method", "wechat",
                                "--auth-code", "134567890123456789", "--json"])
        #expect(paid.exitCode == 0, "\(paid)")
        let json = try paid.json()
        #expect((json["order"] as? [String: Any])?["status"] as? String == "PAID")
        let payment = json["payment"] as? [String: Any]
        #expect(payment?["status"] as? String == "SUCCEEDED" && payment?["channel"] as? String == "wechat")
        #expect((payment?["channelSerial"] as? String)?.isEmpty == false)

        try order("P2", "12.51")
        let declined = try paydesk(["pay", "--business", "retail", "--order", "P2", "--method", "alipay", "--auth-code", "2812345678901234"])
        #expect(declined.exitCode == 4, "\(declined)")
        #expect(declined.stdout.contains("Declined"))

        try order("P3", "12.53")
        let unknown = try paydesk(["pay", "--business", "retail", "--order", "P3", "--method", "alipay", "--auth-code", "2812345678901234"])
        #expect(unknown.exitCode == 5, "\(unknown)")
        #expect(unknown.stdout.contains("do not charge again"))

        try order("P4", "20.00")
        let code = try paydesk(["pay", "--business", "retail", "--order", "P4", "--method", "wechat", "--wait", "10"])
        #expect(code.exitCode == 0, "\(code)")

        let wrong = try paydesk(["pay", "--business", "retail", "--order", "P4", "--method", "alipay", "--auth-code", "134567890123456789"])
        #expect(wrong.exitCode == 7 || wrong.exitCode == 3, "\(wrong)")
        try order("P5", "1.00")
        let mismatch = try paydesk(["pay", "--business", "retail", "--order", "P5", "--method", "alipay", "--auth-code", "134567890123456789"])
        #expect(mismatch.exitCode == 3 && mismatch.stderr.contains("a wechat payment code, but the method is alipay"), "\(mismatch)")
        let luhn = try paydesk(["pay", "--business", "retail", "--order", "P5", "--method", "card", "--card", "4242424242424241",
                                "--expiry", "12/30", "--cvc", "123"])
        #expect(luhn.exitCode == 3 && luhn.stderr.contains("Luhn"), "\(luhn)")
        #expect(try payments("P5").isEmpty, "nothing was written")
    }

    @Test("one idempotency key: replayed for the same request, refused for another, one charge under a race")
    func idempotencyKeys() throws {
        try demo()
        try order("K1", "15.00")
        let args = ["pay", "--business", "retail", "--order", "K1", "--method", "wechat", "--auth-code", "134567890123456789",
                    "--idempotency-key", "till-7-sale-1", "--json"]
        let first = try paydesk(args)
        let again = try paydesk(args)
        #expect(first.exitCode == 0 && again.exitCode == 0)
        #expect(first.stdout == again.stdout, "the stored first response is replayed")
        let other = try paydesk(["pay", "--business", "retail", "--order", "K1", "--method", "alipay", "--auth-code", "2812345678901234",
                                 "--idempotency-key", "till-7-sale-1"])
        #expect(other.exitCode == 7 && other.stderr.contains("different pay request"), "\(other)")

        // A declined first answer is replayed too.
        try order("K2", "15.51")
        let declineArgs = ["pay", "--business", "retail", "--order", "K2", "--method", "wechat", "--auth-code", "134567890123456789",
                           "--idempotency-key", "k2"]
        #expect(try paydesk(declineArgs).exitCode == 4)
        #expect(try paydesk(declineArgs).exitCode == 4)
        #expect(try payments("K2").count == 1)

        // Four terminals retrying one sale at the same moment: one charge.
        try order("K3", "16.00")
        let db = self.db
        let results = concurrently(4) { _ in
            (try? Paydesk.run(["pay", "--business", "retail", "--order", "K3", "--method", "wechat", "--auth-code",
                               "134567890123456789", "--idempotency-key", "race-1", "--db", db]))?.exitCode ?? -1
        }
        #expect(results.allSatisfy { $0 == 0 || $0 == 7 }, "\(results)")
        #expect(results.contains(0))
        #expect(try payments("K3").count == 1, "never a second charge")
    }

    @Test("refunds from several processes at once never exceed the payment")
    func concurrentRefunds() throws {
        try demo()
        try order("R1", "100.00")
        let paid = try paydesk(["pay", "--business", "retail", "--order", "R1", "--method", "wechat", "--auth-code", "134567890123456789", "--json"])
        let serial = try #require((try paid.json()["payment"] as? [String: Any])?["serial"] as? String)
        let db = self.db
        let codes = concurrently(6) { _ in
            (try? Paydesk.run(["refund", "--payment", serial, "--amount", "30.00", "--db", db]))?.exitCode ?? -1
        }
        #expect(codes.filter { $0 == 0 }.count == 3, "\(codes)")
        #expect(codes.filter { $0 == 7 }.count == 3, "\(codes)")
        let order = try paydesk(["query", "--order", "R1", "--business", "retail", "--json"]).json()["order"] as? [String: Any]
        #expect(order?["refundedAmount"] as? String == "90.00")
        #expect(order?["status"] as? String == "PARTIALLY_REFUNDED")
        let over = try paydesk(["refund", "--payment", serial, "--amount", "10.01"])
        #expect(over.exitCode == 7 && over.stderr.contains("left to refund (10.00)"), "\(over)")
        #expect(try paydesk(["refund", "--order", "R1", "--business", "retail", "--amount", "10.00"]).exitCode == 0)
        let done = try paydesk(["query", "--order", "R1", "--business", "retail", "--json"]).json()["order"] as? [String: Any]
        #expect(done?["status"] as? String == "REFUNDED")
    }

    @Test("the same callback delivered twice at once pays the order once")
    func sameCallbackTwice() throws {
        try demo()
        try order("C1", "21.00")
        let pending = try paydesk(["pay", "--business", "retail", "--order", "C1", "--method", "wechat", "--json"])
        #expect(pending.exitCode == 5, "\(pending)")
        let serial = try #require((try pending.json()["payment"] as? [String: Any])?["serial"] as? String)
        let callbacks = try paydesk(["sandbox", "callbacks", "--order", serial, "--json"]).json()["callbacks"] as? [[String: Any]] ?? []
        let callback = try #require(callbacks.first, "the sandbox scanned the pay code and queued its callback")
        let body = dir.path("callback.json")
        try Data((callback["body"] as? String ?? "").utf8).write(to: URL(fileURLWithPath: body))
        var args = ["notify", "--channel", "wechat", "--body-file", body, "--json", "--db", db]
        for (name, value) in (callback["headers"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
            args += ["--header", "\(name): \(value)"]
        }
        let finalArgs = args
        let results = concurrently(2) { _ in (try? Paydesk.run(finalArgs)) ?? RunResult(exitCode: -1, stdout: "", stderr: "") }
        #expect(results.allSatisfy { $0.exitCode == 0 }, "\(results)")
        let verdicts = results.compactMap { try? $0.json()["verdict"] as? String }.sorted()
        #expect(verdicts == ["accepted", "duplicate"], "\(verdicts)")
        let order = try paydesk(["query", "--order", "C1", "--business", "retail", "--json"]).json()["order"] as? [String: Any]
        #expect(order?["status"] as? String == "PAID" && order?["paidAmount"] as? String == "21.00")
        // A tampered copy is rejected and changes nothing.
        try Data((callback["body"] as? String ?? "").replacingOccurrences(of: "A", with: "B").utf8).write(to: URL(fileURLWithPath: body))
        #expect(try Paydesk.run(finalArgs).exitCode == 3)
    }

    @Test("a merchant notification reaches a local endpoint with a signature it can verify")
    func merchantNotification() throws {
        let listener = try HTTPListener(statuses: [500, 200])
        try demo()
        try "whsec_e2e\n".write(toFile: dir.path("notify-secret"), atomically: true, encoding: .utf8)
        #expect(try paydesk(["business", "set", "retail", "--notify-url", listener.url, "--notify-secret-file", dir.path("notify-secret")]).exitCode == 0)
        try order("N1", "33.00")
        #expect(try paydesk(["pay", "--business", "retail", "--order", "N1", "--method", "wechat", "--auth-code", "134567890123456789"]).exitCode == 0)
        #expect(try paydesk(["worker", "--once"]).exitCode == 0)
        #expect(listener.waitForRequests(1, seconds: 5).count == 1, "first delivery (answered 500)")
        let request = try #require(listener.requests.first)
        let header = try #require(request.headers["paydesk-signature"])
        let t = try #require(header.split(separator: ",").first?.dropFirst(2)).description
        let expected = "t=\(t),v1=" + Crypto.hmacSHA256Hex(secret: "whsec_e2e", text: "\(t).\(request.bodyText)")
        #expect(header == expected)
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(body?["orderNo"] as? String == "N1" && body?["status"] as? String == "PAID" && body?["event"] as? String == "order.paid")
        // The 500 is retried on schedule, not at once.
        #expect(try paydesk(["worker", "--once"]).exitCode == 0)
        #expect(listener.requests.count == 1)
    }

    @Test("kill -9 in the middle of paying leaves no half-written payment, and the janitor settles what was in flight")
    func killNine() throws {
        #expect(try paydesk(["init", "--demo", "--simulated-clock"]).exitCode == 0)
        func paidCount() -> Int {
            Int((try? paydesk(["orders", "--status", "PAID", "--limit", "1000", "--json"]).json()["orders"] as? [Any])?.count ?? 0)
        }
        let before = paidCount()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paydesk.binary)
        process.arguments = ["bench", "pay", "--n", "100000", "--store", db, "--method", "wallet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Let it pay for a while, then kill it without warning.
        // why a wall-clock deadline, not a count of polls: on a loaded machine the benchmark may
        // take many seconds to start paying; the loop ends as soon as 50 are paid.
        var paid = 0
        let deadline = Date().addingTimeInterval(120)
        while paid < 50, Date() < deadline {
            usleep(50_000)
            paid = paidCount() - before
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(paid >= 50, "payments were under way when it was killed")

        let check = try paydesk(["check"])
        #expect(check.exitCode == 0, "\(check)")
        #expect(try paydesk(["clock", "advance", "2m"]).exitCode == 0)
        #expect(try paydesk(["worker", "--once"]).exitCode == 0)
        let settled = try paydesk(["check", "--settled", "--json"])
        #expect(settled.exitCode == 0, "\(settled)")
    }
}

/// Several worker processes on one store: the lease lets one work at a time, so every merchant
/// notification is delivered exactly once.
@Suite("Workers in several processes")
struct WorkersEndToEndTests {
    @Test("three workers started at once deliver each notification exactly once")
    func oneDeliveryEach() throws {
        let dir = TemporaryDirectory("e2e-workers")
        let db = dir.path("store.db")
        let listener = try HTTPListener(statuses: [200])
        #expect(try Paydesk.run(["init", "--demo", "--db", db]).exitCode == 0)
        #expect(try Paydesk.run(["business", "set", "ticket", "--notify-url", listener.url, "--db", db]).exitCode == 0)
        for n in 0..<8 {
            #expect(try Paydesk.run(["order", "create", "--business", "ticket", "--order", "W\(n)", "--amount", "60.00", "--db", db]).exitCode == 0)
            let paid = try Paydesk.run(["pay", "--business", "ticket", "--order", "W\(n)", "--method", "wechat",
                                        "--auth-code", "134567890123456789", "--customer", "WK\(n)", "--db", db])
            #expect(paid.exitCode == 0, "\(paid)")
        }
        let results = concurrently(3) { _ in
            (try? Paydesk.run(["worker", "--for", "3", "--db", db]))?.exitCode ?? -1
        }
        #expect(results == [0, 0, 0])
        let requests = listener.waitForRequests(8, seconds: 5)
        let orderNos = requests.compactMap { request in
            (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["orderNo"] as? String
        }
        #expect(orderNos.sorted() == (0..<8).map { "W\($0)" }, "each paid order notified once: \(orderNos.sorted())")
        let check = try Paydesk.run(["check", "--db", db])
        #expect(check.exitCode == 0, "\(check)")
    }

    @Test("a worker stopped by SIGTERM gives its lease back at once")
    func sigtermReleasesTheLease() throws {
        let dir = TemporaryDirectory("e2e-worker-stop")
        let db = dir.path("store.db")
        #expect(try Paydesk.run(["init", "--db", db]).exitCode == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paydesk.binary)
        process.arguments = ["worker", "--for", "60", "--db", db]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        func other() throws -> Bool? { try Paydesk.run(["worker", "--once", "--json", "--db", db]).json()["ran"] as? Bool }
        var held = false
        for _ in 0..<50 where !held {
            usleep(100_000)
            held = try other() == false
        }
        #expect(held, "the long-running worker took the lease")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("stopped by a signal; the lease is given back"), "it stopped on the signal, not at the end of --for")
        #expect(try other() == true, "the lease was given back, not left to expire")
    }
}
