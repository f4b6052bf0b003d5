import Foundation
import Synchronization
import PayCore
import PayStore
import PayChannels
import PayServices
import PayHTTP

/// `paydesk bench serve`: signed barcode `pay` requests over loopback HTTP against the real server
/// stack (libmicrohttpd, the API, lanes, group commit), beside the in-process `bench pay` with as
/// many clients and SQLite's raw durable commit rate, all measured in the same run.
///
/// why the client is in the same process: it keeps the figure about the server (one binary, no
/// second tool to install), at the price of the client's own CPU on the same two cores — the
/// HTTP cost it reports is therefore an upper bound.
enum ServeBench {
    struct Settings {
        var payments = 1_000
        var connections = [1, 4]
        var groupCommit = true
        var directory = NSTemporaryDirectory()
    }

    struct Run: Encodable {
        let connections: Int
        let requests: Int
        let paid: Int
        let seconds: Double
        let requestsPerSecond: Double
        let latency: BenchStats
        /// `bench pay` with as many clients, in the same run.
        let inProcessPaymentsPerSecond: Double
        /// 1 − requests/s ÷ in-process payments/s.
        let httpCost: Double
    }

    struct Report: Encodable {
        let runs: [Run]
        let rawCommitsPerSecond: Double
        let groupCommit: Bool
    }

    static func run(_ settings: Settings, log: (String) -> Void) throws -> Report {
        var runs: [Run] = []
        var raw = 0.0
        for connections in settings.connections {
            var inProcess = PayBench.Settings()
            inProcess.payments = settings.payments
            inProcess.clients = connections
            inProcess.directory = settings.directory
            log("in-process bench pay with \(connections) client(s) …")
            let local = try PayBench.run(inProcess) { _ in }
            raw = local.rawCommitsPerSecond
            log("serving and paying over \(connections) connection(s) …")
            runs.append(try serve(settings, connections: connections, inProcess: local.paymentsPerSecond))
        }
        return Report(runs: runs, rawCommitsPerSecond: raw, groupCommit: settings.groupCommit)
    }

    static func serve(_ settings: Settings, connections: Int, inProcess: Double) throws -> Run {
        let folder = settings.directory + "/paydesk-bench-serve-\(getpid())-\(connections)"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/store.db"
        let store = try Store.open(path: path, create: true)
        let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "bench"))
        try DemoSeeder(context).seed()
        try ChannelGateway(store: store, clock: context.clock).sandbox.setLatencyEverywhere(milliseconds: 0)
        let secret = try APISecrets(context).rotate(line: try BusinessLineCode("retail"), overlap: 0).secret
        let orderNos = (0..<settings.payments).map { "SERVE-\($0)" }
        try store.write {
            for no in orderNos {
                _ = try store.orders.create(OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo(no),
                                                       amount: Money(minorUnits: 1_000, currency: .CNY)),
                                            serial: context.serials.next(.order), at: context.now, operator: context.actor.name)
            }
        }
        let pool = try LanePool(path: path, lanes: max(connections, 4), groupCommit: settings.groupCommit)
        var limits = HTTPServerLimits()
        limits.threads = max(connections, 4)
        limits.maxConnectionsPerClient = max(connections * 2, 64)
        limits.maxConnections = max(connections * 2, 256)
        limits.requestsPerSecondPerClient = 1e9
        limits.burstPerClient = 1e9
        let server = try HTTPServer(listen: "127.0.0.1:0", handler: PaymentCenterAPI(lanes: pool), limits: limits, log: { _ in })
        defer { server.shutdown(graceSeconds: 5) }
        let base = "http://127.0.0.1:\(server.port)"

        let latencies = Mutex<[Double]>([])
        let paid = Mutex(0)
        let failures = Mutex<[String]>([])
        let clock = ContinuousClock()
        let start = clock.now
        onThreads(connections) { client in
            let session: HTTPClient
            do throws(HTTPClientUnavailable) { session = try HTTPClient() } catch {
                failures.withLock { $0.append(error.reason) }
                return
            }
            var mine: [Double] = []
            var ok = 0
            for index in stride(from: client, to: orderNos.count, by: connections) {
                let path = "/v1/orders/\(orderNos[index])/pay"
                let body = Array(#"{"method":"wechat","authCode":"134567890123456789"}"#.utf8)
                let headers = ["Content-Type": "application/json", APIRequestSignature.lineHeader: "retail",
                               APIRequestSignature.header: APIRequestSignature.sign(secret: secret, timestamp: Int64(Date().timeIntervalSince1970),
                                                                                    method: "POST", path: path, body: body)]
                let began = clock.now
                let status = session.post(url: base + path, body: body, headers: headers, timeoutSeconds: 30).statusCode ?? 0
                let elapsed = clock.now - began
                mine.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
                if status == 200 { ok += 1 } else { failures.withLock { $0.append("\(path): HTTP \(status)") } }
            }
            latencies.withLock { $0 += mine }
            paid.withLock { $0 += ok }
        }
        let total = clock.now - start
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        if let failure = failures.withLock({ $0.first }), paid.withLock({ $0 }) == 0 {
            throw PayError.internal("bench serve: no request succeeded (first: \(failure))")
        }
        let rate = Double(settings.payments) / seconds
        return Run(connections: connections, requests: settings.payments, paid: paid.withLock { $0 }, seconds: seconds,
                   requestsPerSecond: rate, latency: BenchStats("latency per pay request", micros: latencies.withLock { $0 }),
                   inProcessPaymentsPerSecond: inProcess, httpCost: inProcess > 0 ? 1 - rate / inProcess : 0)
    }
}
