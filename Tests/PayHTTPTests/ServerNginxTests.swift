import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
@testable import PayHTTP

/// docs/nginx.conf.sample, run for real: TLS terminated by Debian's nginx in front of an
/// `HTTPServer` on loopback, reached with `curl -k` from another loopback address.
@Suite("nginx in front of the server (docs/nginx.conf.sample)")
struct ServerNginxTests {
    static let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Skipped only on a developer's machine without nginx; under CI a missing nginx fails the test.
    static let runnable = nginx != nil || ProcessInfo.processInfo.environment["CI"] != nil

    @Test(.enabled(if: runnable, "nginx is not installed (apt-get install nginx-light, or `make deps`); under CI this test runs and fails"))
    func theSampleConfigTerminatesTLSAndHandsTheClientsAddressToTheServer() throws {
        let nginx = try #require(Self.nginx, "nginx is not installed: apt-get install nginx-light (`make deps`)")
        let directory = TemporaryDirectory("paydesk-nginx")
        let certificate = directory.path("paydesk.crt")
        let key = directory.path("paydesk.key")
        let made = try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                                "-days", "1", "-subj", "/CN=127.0.0.1"])
        #expect(made.status == 0, "openssl: \(made.output)")

        let handler = EchoHandler(limit: 1024)
        var limits = HTTPServerLimits()
        limits.trustedProxies = ["127.0.0.1"]
        let server = try HTTPServer(listen: "127.0.0.1:0", handler: handler, limits: limits, log: { _ in })
        defer { server.shutdown(graceSeconds: 1) }

        let port = try freePort()
        let sample = try String(contentsOf: Self.sampleURL, encoding: .utf8)
        var config = sample
        let temporary = directory.path("temp")
        for (from, to) in [
            ("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"),
            ("server 127.0.0.1:8080 max_conns=48;", "server 127.0.0.1:\(server.port) max_conns=48;"),
            ("/etc/paydesk/tls/paydesk.crt", certificate),
            ("/etc/paydesk/tls/paydesk.key", key),
            ("/run/nginx-paydesk.pid", directory.path("nginx.pid")),
            ("/var/log/nginx/paydesk-error.log", directory.path("error.log")),
            ("/var/log/nginx/paydesk-access.log", directory.path("access.log")),
            ("/var/lib/nginx/", temporary + "/"),
        ] {
            #expect(config.contains(from), "the sample config has '\(from)'")
            config = config.replacingOccurrences(of: from, with: to)
        }
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let configPath = directory.path("nginx.conf")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)

        let checked = try run(nginx, ["-t", "-p", directory.url.path, "-c", configPath])
        #expect(checked.status == 0, "nginx -t: \(checked.output)")

        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: nginx)
        proxy.arguments = ["-p", directory.url.path, "-c", configPath, "-g", "daemon off;"]
        proxy.standardOutput = FileHandle.nullDevice
        proxy.standardError = FileHandle.nullDevice
        try proxy.run()
        defer {
            proxy.terminate()
            proxy.waitUntilExit()
        }
        #expect(eventually { RawClient(port: port) != nil }, "nginx listens on \(port); its log: \(log(directory))")

        let url = "https://127.0.0.1:\(port)/echo/through?x=1"
        let answered = try run("/usr/bin/curl", ["-k", "-s", "-S", "-i", "--max-time", "20", "--interface", "127.0.0.5",
                                                 "-X", "POST", "-H", "Content-Type: application/json",
                                                 "--data-binary", #"{"amount":100}"#, url])
        let response = try #require(RawResponse(parsing: Array(answered.output.utf8)), "curl: \(answered.output) \(log(directory))")
        #expect(response.status == 200)
        let echo = response.json
        #expect(echo["path"] as? String == "/echo/through")
        #expect(echo["target"] as? String == "/echo/through?x=1")
        #expect(echo["body"] as? String == #"{"amount":100}"#)
        #expect(echo["remote"] as? String == "127.0.0.5", "the client's own address reaches the handler through X-Real-IP")
        let headers = try #require(echo["headers"] as? [String: String])
        #expect(headers["x-real-ip"] == "127.0.0.5")
        #expect(headers["x-forwarded-for"] == "127.0.0.5")
        #expect(headers["x-forwarded-proto"] == "https")
        let id = try #require(response.headers["x-request-id"])
        #expect(echo["requestId"] as? String == id, "nginx's request id is the server's too")

        let big = String(repeating: "x", count: 4000)
        let refused = try run("/usr/bin/curl", ["-k", "-s", "-S", "-i", "--max-time", "20", "-X", "POST", "--data-binary", big, url])
        let tooLarge = try #require(RawResponse(parsing: Array(refused.output.utf8)))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.errorCode == "body_too_large", "the server's JSON error passes through nginx")
        #expect(handler.callCount == 1)

        // The unsigned operations endpoints stay on loopback: nginx answers them 403 itself.
        for path in ["/metrics", "/readyz", "/healthz"] {
            let closed = try run("/usr/bin/curl", ["-k", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20",
                                                   "https://127.0.0.1:\(port)\(path)"])
            #expect(closed.output == "403", "\(path) through nginx: \(closed.output)")
        }
        #expect(handler.callCount == 1, "nothing reached the server")
    }

    static var sampleURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/nginx.conf.sample")
    }

    private func log(_ directory: TemporaryDirectory) -> String {
        (try? String(contentsOfFile: directory.path("error.log"), encoding: .utf8)) ?? "(no error log)"
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A loopback port free right now (bound to port 0, then released).
    private func freePort() throws -> Int {
        let probe = try ListenAddress.parse("127.0.0.1:0").bindListeningSocket()
        close(probe.fd)
        return probe.port
    }
}
