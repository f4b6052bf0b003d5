import Foundation
import Synchronization
import PayCore
import PayStore
import PayChannels
import PayServices

/// `paydesk bench pay`: end-to-end barcode payments per second and their latency on a durable
/// store, beside SQLite's raw durable single-row commit rate on the same disk in the same run.
enum PayBench {
    struct Settings {
        var payments = 2_000
        var clients = 1
        /// wechat, alipay, unionpay (barcode), card (test card), wallet.
        var method: PaymentMethod = .wechat
        var directory = NSTemporaryDirectory()
        /// Pay into this existing store (demo data present) and keep it, instead of a throwaway one.
        var storePath: String?
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
    }

    static func run(_ settings: Settings, log: (String) -> Void) throws -> Report {
        let folder = try scratchFolder(settings)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = settings.storePath ?? folder + "/store.db"
        let orderNos = try prepare(path: path, create: settings.storePath == nil, orders: settings.payments, log: log)

        log("raw durable commits …")
        let raw = try rawCommitRate(path: folder + "/raw.db", seconds: 2)

        log("paying with \(settings.clients) client(s) …")
        let latencies = Mutex<[Double]>([])
        let succeeded = Mutex(0)
        let commits = Mutex((store: 0, sandbox: 0))
        let failures = Mutex<[PayError]>([])
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
                for index in stride(from: client, to: orderNos.count, by: clients) {
                    let began = clock.now
                    let outcome = try service.pay(request(orderNos[index], method: settings.method))
                    let elapsed = clock.now - began
                    mine.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
                    if outcome.exitCode == 0 { paid += 1 }
                }
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
        return Report(payments: settings.payments, clients: clients, seconds: seconds, paymentsPerSecond: rate,
                      latency: BenchStats("latency per payment", micros: latencies.withLock { $0 }),
                      rawCommitsPerSecond: raw, ratio: rate / raw, succeeded: succeeded.withLock { $0 },
                      storeCommitsPerPayment: Double(commits.withLock { $0.store }) / Double(settings.payments),
                      sandboxCommitsPerPayment: Double(commits.withLock { $0.sandbox }) / Double(settings.payments))
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
