import Foundation
import Synchronization
import PayCore
import PayStore
import PayChannels
import PayServices

/// `paydesk bench pay`: end-to-end barcode payments per second and their latency on a durable
/// store, beside SQLite's raw durable single-row commit rate on the same disk in the same run, and
/// beside the floor: the very statements the payments ran on the store (traced with their
/// arguments), replayed on a copy of the store as it was before them, each prepared once, with no
/// service code around them.
enum PayBench {
    struct Settings {
        var payments = 2_000
        var clients = 1
        /// wechat, alipay, unionpay (barcode), card (test card), wallet.
        var method: PaymentMethod = .wechat
        var directory = NSTemporaryDirectory()
        /// Pay into this existing store (demo data present) and keep it, instead of a throwaway one.
        var storePath: String?
        /// Print the statements of the last payment (of the first client).
        var showStatements = false
    }

    struct Report: Encodable {
        let payments: Int
        let clients: Int
        let seconds: Double
        let paymentsPerSecond: Double
        let latency: BenchStats
        let rawCommitsPerSecond: Double
        /// Payments per raw durable commit: 1.0 would be one payment per fsync'd commit.
        let ratio: Double
        let succeeded: Int
        /// Durable commits of the center's store per payment (the disk-independent cost).
        let storeCommitsPerPayment: Double
        /// Commits of the simulated channels' own file per payment (not the center's).
        let sandboxCommitsPerPayment: Double
        /// Statements the store ran per payment, BEGIN / COMMIT / SAVEPOINT included.
        let statementsPerPayment: Double
        /// Write transactions (`BEGIN IMMEDIATE`) per payment, whether or not they changed a row.
        let writeTransactionsPerPayment: Double
        /// The same statements replayed with no service code, as payments per second (the floor).
        let floorPaymentsPerSecond: Double
        /// Payments per second ÷ the floor's: 1.0 would be a payment costing only its store work.
        let floorRatio: Double
        /// Replayed statements that failed (a replay of several clients may interleave otherwise).
        let floorReplayFailures: Int
        let folder: String
        /// The last payment's statements, with their arguments, when asked for.
        let lastPayment: [String]?
    }

    static func run(_ settings: Settings, log: (String) -> Void) throws -> Report {
        let folder = try scratchFolder(settings)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = settings.storePath ?? folder + "/store.db"
        let orderNos = try prepare(path: path, create: settings.storePath == nil, orders: settings.payments, log: log)
        let floorPath = folder + "/floor.db"
        try CommitProbe.copyAsItIs(path, to: floorPath)

        log("raw durable commits …")
        let raw = try rawCommitRate(path: folder + "/raw.db", seconds: 2)

        log("paying with \(settings.clients) client(s) …")
        let latencies = Mutex<[Double]>([])
        let succeeded = Mutex(0)
        let commits = Mutex((store: 0, sandbox: 0))
        let failures = Mutex<[PayError]>([])
        let traces = Mutex<[[StatementTrace.Entry]]>(Array(repeating: [], count: settings.clients))
        let counted = Mutex((statements: 0, writes: 0))
        let lastPayment = Mutex<[String]?>(nil)
        let clock = ContinuousClock()
        let start = clock.now
        let clients = settings.clients
        onThreads(clients) { client in
            do {
                let store = try Store.open(path: path)
                let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "bench"))
                let gateway = try ChannelGateway(store: store, clock: context.clock)
                let service = PaymentService(context, gateway: gateway)
                var mine: [Double] = []
                var paid = 0
                let storeBefore = store.db.committedWrites, sandboxBefore = gateway.sandbox.db.committedWrites
                let trace = StatementTrace()
                store.db.trace = trace
                var lastStart = 0
                for index in stride(from: client, to: orderNos.count, by: clients) {
                    lastStart = trace.entries.count
                    let began = clock.now
                    let outcome = try service.pay(request(orderNos[index], method: settings.method))
                    let elapsed = clock.now - began
                    mine.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
                    if outcome.exitCode == 0 { paid += 1 }
                }
                store.db.trace = nil
                let entries = trace.entries
                if client == 0 && settings.showStatements {
                    let shown = entries[lastStart...].map { entry in
                        entry.sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                            + (entry.arguments.isEmpty ? "" : "  -- " + entry.arguments.map(\.description).joined(separator: ", "))
                    }
                    lastPayment.withLock { $0 = shown }
                }
                traces.withLock { $0[client] = entries }
                counted.withLock { $0.statements += trace.count; $0.writes += trace.writeTransactions }
                latencies.withLock { $0 += mine }
                commits.withLock {
                    $0.store += store.db.committedWrites - storeBefore
                    $0.sandbox += gateway.sandbox.db.committedWrites - sandboxBefore
                }
                succeeded.withLock { $0 += paid }
            } catch let error as PayError {
                failures.withLock { $0.append(error) }
            } catch {
                failures.withLock { $0.append(PayError.internal("\(error)")) }
            }
        }
        let total = clock.now - start
        // why the kind kept: a store without the demo routes is the user's input (exit 6), not a crash of the bench.
        if let failure = failures.withLock({ $0.first }) { throw PayError(failure.kind, "a client failed: \(failure.message)") }
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        let rate = Double(settings.payments) / seconds
        log("replaying the payments' \(counted.withLock { $0.statements }) store statements on a copy (the floor) …")
        let (floorSeconds, replayFailures) = try replay(traces.withLock { $0 }, path: floorPath)
        let floorRate = Double(settings.payments) / floorSeconds
        return Report(payments: settings.payments, clients: clients, seconds: seconds, paymentsPerSecond: rate,
                      latency: BenchStats("latency per payment", micros: latencies.withLock { $0 }),
                      rawCommitsPerSecond: raw, ratio: rate / raw, succeeded: succeeded.withLock { $0 },
                      storeCommitsPerPayment: Double(commits.withLock { $0.store }) / Double(settings.payments),
                      sandboxCommitsPerPayment: Double(commits.withLock { $0.sandbox }) / Double(settings.payments),
                      statementsPerPayment: Double(counted.withLock { $0.statements }) / Double(settings.payments),
                      writeTransactionsPerPayment: Double(counted.withLock { $0.writes }) / Double(settings.payments),
                      floorPaymentsPerSecond: floorRate, floorRatio: rate / floorRate, floorReplayFailures: replayFailures,
                      folder: settings.directory, lastPayment: lastPayment.withLock { $0 })
    }

    /// Replays each client's traced statements on a connection of its own to the copy at `path`
    /// (one thread a client, as they ran); returns the seconds it took and the statements that failed.
    static func replay(_ traces: [[StatementTrace.Entry]], path: String) throws -> (seconds: Double, failures: Int) {
        let failures = Mutex(0)
        let opened = Mutex<[String]>([])
        let clock = ContinuousClock()
        let start = clock.now
        onThreads(traces.count) { client in
            do {
                let db = try Connection(path: path, create: false, synchronous: .full)
                let failed = StatementTrace.replay(traces[client], on: db)
                failures.withLock { $0 += failed }
            } catch {
                opened.withLock { $0.append("\(error)") }
            }
        }
        let elapsed = clock.now - start
        if let error = opened.withLock({ $0.first }) { throw PayError.internal("the floor's replay: \(error)") }
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, failures.withLock { $0 })
    }

    /// A fresh scratch folder for this run (the throwaway store, the raw-commit file).
    static func scratchFolder(_ settings: Settings) throws -> String {
        let folder = settings.directory + "/paydesk-bench-pay-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Opens (or makes) the demo store at `path`, sets the sandbox's latency to 0, and creates
    /// `orders` orders to pay; returns their numbers.
    static func prepare(path: String, create: Bool, orders: Int, log: (String) -> Void) throws -> [String] {
        // why open first: a --store that does not exist is refused before any progress is printed.
        let store = try Store.open(path: path, create: create)
        log("preparing a demo store and \(orders) orders …")
        let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "bench"))
        if try store.read({ try store.businessLines.all().isEmpty }) { try DemoSeeder(context).seed() }
        let gateway = try ChannelGateway(store: store, clock: context.clock)
        try gateway.sandbox.setLatencyEverywhere(milliseconds: 0)
        let batch = Int(context.now.milliseconds % 1_000_000)
        let orderNos = (0..<orders).map { "BENCH-\(batch)-\($0)" }
        try store.write {
            for no in orderNos {
                _ = try store.orders.create(OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo(no),
                                                       amount: Money(minorUnits: 1_000, currency: .CNY)),
                                            serial: context.serials.next(.order), at: context.now, operator: context.actor.name)
            }
        }
        return orderNos
    }

    static let authCodes: [PaymentMethod: String] = [.wechat: "134567890123456789", .alipay: "2812345678901234",
                                                     .unionpay: "6212345678901234567"]

    static func request(_ orderNo: String, method: PaymentMethod) throws -> PaymentRequest {
        var request = PaymentRequest(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo(orderNo), method: method)
        switch method {
        case .card, .applePay:
            // why: a fixed expiry would one day lie in the past, and expired cards are refused.
            let expiry = "12/\(SystemClock().now().components.year + 3)"
            request.card = try CardDetails(number: "4242424242424242", expiry: expiry, cvc: "123")
        case .wallet, .paypal: request.customerId = "BENCH-\(orderNo)"
        default: request.authCode = authCodes[method]
        }
        return request
    }

    /// Single-row INSERT transactions per second on a WAL database with `synchronous=FULL`: what
    /// the disk allows one durable commit at a time.
    static func rawCommitRate(path: String, seconds: Double) throws -> Double {
        try CommitProbe.rawCommitRate(path: path, seconds: seconds)
    }
}
