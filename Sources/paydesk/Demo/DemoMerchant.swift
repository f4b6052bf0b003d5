import PayCore
import PayHTTP

/// The business lines' own systems, as far as a demo needs them: one local HTTP endpoint (on
/// libmicrohttpd, like `paydesk serve`) that answers every merchant notification 200 "ok", so the
/// worker's deliveries succeed and the order's timeline shows the merchant notified.
final class DemoMerchant: Sendable {
    struct Receiver: HTTPHandler {
        func bodyLimit(method: String, path: String) -> Int { 64 * 1024 }
        func handle(_ request: HTTPRequest) -> HTTPResponse {
            HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok".utf8))
        }
    }

    let server: HTTPServer

    /// Listens on a free local port.
    init() throws(PayError) {
        server = try HTTPServer(listen: "127.0.0.1:0", handler: Receiver(), log: { _ in })
    }

    /// The notify URL of a business line: this endpoint.
    func notifyURL(for line: String) -> String { "http://127.0.0.1:\(server.port)/merchant/\(line)" }

    func stop() { server.shutdown(graceSeconds: 0) }
}

extension CommandLineDemoStage {
    /// Points every business line's notifications at the demo merchant (as the demo admin would).
    func connect(_ merchant: DemoMerchant) throws(PayError) {
        for line in ["retail", "hotel", "flight", "ticket", "insurance"] {
            let result = run(["business", "set", line, "--notify-url", merchant.notifyURL(for: line)], as: "admin")
            guard result.exitCode == 0 else { throw PayError.internal("demo: business set \(line): \(result.output)") }
        }
    }
}
