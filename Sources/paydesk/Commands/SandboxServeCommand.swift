import Foundation
import Synchronization
import PayChannels
import PayCore
import PayHTTP

/// `paydesk sandbox serve --listen HOST:PORT [--provision CHANNEL:ACCOUNT --keys-out DIR]`: the
/// sandbox PSPs over HTTP, so a channel's official client library can talk to them as to the real
/// channel (tools/interop). `/{channel}/{account}/…` reaches the channel's API as
/// `…` (e.g. `/wechat/wx1/v3/pay/transactions/native`); `GET /_sandbox/callbacks?account=A` lists
/// the callbacks the sandbox has sent for an account, headers and body exactly as sent.
enum SandboxServeCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["sandbox", "serve"],
            summary: "serve the sandbox channels over HTTP for the channels' own client libraries",
            details: """
            /{channel}/{account}/PATH answers as the channel's API at PATH, e.g. an SDK's base URL
            http://127.0.0.1:PORT/wechat/ACCOUNT or http://127.0.0.1:PORT/alipay/ACCOUNT/gateway.do.
            GET /_sandbox/callbacks?account=ACCOUNT lists the callbacks sent for ACCOUNT (JSON).
            --provision makes a new sandbox account (not one of the store's) and writes the merchant's side
            of its credentials to DIR/ACCOUNT.json (mode 0600), as the channel's portal would hand them out.
            Prints 'listening on http://HOST:PORT' once ready; SIGTERM or SIGINT stops it.
            """,
            options: [
                .value("listen", "HOST:PORT", "where to listen (default 127.0.0.1:8090; port 0 picks a free one)"),
                .value("provision", "CHANNEL:ACCOUNT", "make a sandbox account first", repeatable: true),
                .value("keys-out", "DIR", "where --provision writes ACCOUNT.json"),
                .value("for", "SECONDS", "serve this long, then stop (default: until stopped)"),
            ],
            run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let listen = args.value("listen") ?? "127.0.0.1:8090"
        let provisions = try args.all("provision").map { text throws(PayError) -> (String, String) in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, Sandbox.channels.contains(parts[0]), !parts[1].isEmpty,
                  parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw PayError.invalidInput("--provision '\(text)': CHANNEL:ACCOUNT, the channel one of \(Sandbox.channels.joined(separator: ", ")), the account letters, digits, - and _").about("provision")
            }
            return (parts[0], parts[1])
        }
        var seconds = 1e12
        if let text = args.value("for") {
            guard let value = Double(text), value > 0, value <= 86_400 else {
                throw PayError.invalidInput("--for '\(text)': a number of seconds above 0 and at most 86400").about("for")
            }
            seconds = value
        }
        let keysOut = args.value("keys-out")
        guard provisions.isEmpty == (keysOut == nil) else {
            throw PayError.usage("--provision and --keys-out go together")
        }
        if let keysOut {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: keysOut, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw PayError.invalidInput("--keys-out '\(keysOut)': not a directory").about("keys-out")
            }
        }
        let (context, sandbox) = try SandboxCommands.open(args, io: io)
        for (channel, account) in provisions {
            if try context.store.read({ try context.store.channelAccounts.find(account) }) != nil {
                throw PayError.invalidInput("--provision '\(channel):\(account)': the store has an account '\(account)'; pick a new name").about("provision")
            }
            for known in Sandbox.channels where try sandbox.accounts(channel: known).contains(account) {
                throw PayError.invalidInput("--provision '\(channel):\(account)': the sandbox has a \(known) account '\(account)' already; pick a new name").about("provision")
            }
            let config = try sandbox.provision(ChannelAccount(id: account, channel: channel, merchantId: nil, name: account, currencies: [.CNY],
                                                              feeRateBps: 0, feeFixedMinor: 0, enabled: true, config: [:]))
            let path = "\(keysOut!)/\(account).json"
            let data = try JSONSerialization.data(withJSONObject: config.merging(["channel": channel, "account": account]) { a, _ in a },
                                                  options: [.sortedKeys, .prettyPrinted])
            // why 0600 from the start: the file holds the merchant's private key.
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw PayError.invalidInput("--keys-out: cannot write '\(path)'").about("keys-out")
            }
        }
        let handler = SandboxHTTPHandler(sandbox: sandbox)
        let log = ServeLog()
        let server = try HTTPServer(listen: listen, handler: handler, log: { line in log.write(line) })
        WorkerStop.install()
        let host = listen.split(separator: ":").dropLast().joined(separator: ":")
        let url = "http://\(host.isEmpty ? "127.0.0.1" : host):\(server.port)"
        if args.has("json") {
            struct Started: Encodable { let listening: String }
            try io.json(Started(listening: url))
        } else {
            io.out("paydesk sandbox serve: listening on \(url)")
        }
        let deadline = Date().addingTimeInterval(seconds)
        while !WorkerStop.requested.load(ordering: .relaxed), Date() < deadline { usleep(50_000) }
        server.shutdown(graceSeconds: 5)
        withExtendedLifetime(context) {}
        return 0
    }
}

/// Hands each request to the sandbox, one at a time (the sandbox, like a store connection, is
/// not shared between threads).
final class SandboxHTTPHandler: HTTPHandler, @unchecked Sendable {
    // why @unchecked: `sandbox` is only touched under `lock`.
    private let sandbox: Sandbox
    private let lock = Mutex(())

    init(sandbox: Sandbox) { self.sandbox = sandbox }

    func bodyLimit(method: String, path: String) -> Int { 1 << 20 }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        lock.withLock { _ in answer(request) }
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        func text(_ status: Int, _ message: String) -> HTTPResponse {
            HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array((message + "\n").utf8))
        }
        if request.path == "/_sandbox/callbacks" {
            guard request.method == "GET", let account = request.queryValue("account") else { return text(400, "GET /_sandbox/callbacks?account=ACCOUNT") }
            do {
                let list = try sandbox.sentCallbacks().filter { $0.account == account }.map { callback -> [String: Any] in
                    ["channel": callback.channel, "account": callback.account, "orderNo": callback.orderNo, "kind": callback.kind,
                     "headers": callback.headers, "body": String(decoding: callback.body, as: UTF8.self)]
                }
                let body = try JSONSerialization.data(withJSONObject: ["callbacks": list], options: [.sortedKeys])
                return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
            } catch {
                return text(500, "sandbox: \(error)")
            }
        }
        // /{channel}/{account}/rest: the rest, query included, is the channel's own request target.
        let target = request.target.dropFirst()
        let parts = target.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, Sandbox.channels.contains(String(parts[0])), !parts[1].isEmpty else {
            return text(404, "no such sandbox path: use /{channel}/{account}/… with channel one of \(Sandbox.channels.joined(separator: ", "))")
        }
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name] = value }
        let message = HTTPMessage(method: request.method, path: "/" + parts[2], headers: headers, body: request.body)
        do {
            let reply = try sandbox.send(message, channel: String(parts[0]), account: String(parts[1]))
            return HTTPResponse(status: reply.status, headers: reply.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, body: reply.body)
        } catch {
            // why 504: triggers 53/54 and outages are the channel not answering in time.
            return text(504, "sandbox: \(error)")
        }
    }
}
