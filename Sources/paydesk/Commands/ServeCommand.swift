import Foundation
import Synchronization
import PayCore
import PayStore
import PayServices
import PayHTTP

/// `paydesk serve [--listen ADDR:PORT] [--db PATH] [--lanes N] [--no-group-commit] [--for SECONDS]`:
/// the payment center as business systems and channels see it (§7a), with the background worker
/// in the same process.
///
/// why one process: it owns the writes (group commit shares durable commits between concurrent
/// requests) and holds the channel credentials; tills beyond one host become its clients. The
/// worker runs on the main thread under the store's lease like `paydesk worker`, so a second
/// `serve` or `worker` on the same store stands by instead of delivering twice.
enum ServeCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["serve"], summary: "serve the HTTP API for business systems and channels (libmicrohttpd), with the worker",
                    details: """
                    Binds to loopback by default; put nginx in front for TLS (docs/nginx.conf.sample).
                    Prints 'listening on http://HOST:PORT' on stdout once ready (--listen 127.0.0.1:0 picks a free port)
                    and one line per request on stderr. SIGTERM or SIGINT: finish requests in flight, give the worker
                    lease back, exit 0.
                    """,
                    options: [.value("listen", "HOST:PORT", "where to listen (default 127.0.0.1:8080)"),
                              .value("lanes", "N", "requests served at once, each with its own store connection (1-64, default 8)"),
                              .flag("no-group-commit", "give every request's write its own durable commit"),
                              .value("trusted-proxy", "IP", "a proxy (nginx) whose X-Real-IP names the client, for per-client limits and the log", repeatable: true),
                              .value("for", "SECONDS", "serve this long, then stop as on SIGTERM (default: until stopped)")],
                    run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let listen = args.value("listen") ?? "127.0.0.1:8080"
        var lanes = 8
        if let text = args.value("lanes") {
            guard let value = Int(text), (1...64).contains(value) else {
                throw PayError.invalidInput("--lanes '\(text)': a whole number from 1 to 64").about("lanes")
            }
            lanes = value
        }
        var seconds = 1e12
        if let text = args.value("for") {
            guard let value = Double(text), value > 0, value <= 86_400 else {
                throw PayError.invalidInput("--for '\(text)': a number of seconds above 0 and at most 86400").about("for")
            }
            seconds = value
        }
        let proxies = args.all("trusted-proxy")
        for proxy in proxies where !ServeCommand.isIPAddress(proxy) {
            throw PayError.invalidInput("--trusted-proxy '\(proxy)': an IPv4 or IPv6 address, such as 127.0.0.1").about("trusted-proxy")
        }
        let context = try CommandLineApp.openContext(args, io: io)
        context.actor = .system
        let path = context.store.path
        let pool = try LanePool(path: path, lanes: lanes, groupCommit: !args.has("no-group-commit"))
        let log = ServeLog()
        let api = PaymentCenterAPI(lanes: pool, log: { line in log.write(line) })
        var limits = HTTPServerLimits()
        limits.threads = lanes
        limits.trustedProxies = Set(proxies)
        let server = try HTTPServer(listen: listen, handler: api, limits: limits, log: { line in log.write(line) })
        let worker = Worker(context: context, jobs: try ServiceWiring.workerJobs(context))
        WorkerStop.install()
        let host = listen.split(separator: ":").dropLast().joined(separator: ":")
        let url = "http://\(host.isEmpty ? "127.0.0.1" : host):\(server.port)"
        if args.has("json") {
            struct Started: Encodable { let listening, store: String; let lanes: Int; let groupCommit: Bool }
            try io.json(Started(listening: url, store: path, lanes: lanes, groupCommit: !args.has("no-group-commit")))
        } else {
            io.out("paydesk serve: listening on \(url) (store \(path), \(lanes) lanes, group commit \(args.has("no-group-commit") ? "off" : "on"))")
        }
        do {
            try worker.run(forSeconds: seconds) { WorkerStop.requested.load(ordering: .relaxed) }
        } catch {
            log.write("paydesk serve: the worker stopped: \(error)")
        }
        log.write("paydesk serve: stopping; finishing the requests in flight")
        server.shutdown(graceSeconds: 10)
        worker.releaseLease()
        log.write("paydesk serve: stopped; the worker lease is given back")
        return 0
    }
}

extension ServeCommand {
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

/// Request lines from the server's threads, one whole line at a time on stderr.
final class ServeLog: Sendable {
    private let lock = Mutex(())

    func write(_ line: String) {
        let text = line.hasSuffix("\n") ? line : line + "\n"
        lock.withLock { _ in FileHandle.standardError.write(Data(text.utf8)) }
    }
}
