import Testing
import Foundation
import TestSupport

/// The channels' official client libraries (wechatpayv3 and python-alipay-sdk from PyPI, in the
/// virtual environment `make test` makes) against `paydesk sandbox serve`: they sign requests the
/// sandbox must accept, verify its answers' signatures, decrypt its platform certificates and
/// callbacks (tools/interop). Whatever the SDK refuses fails the test.
@Suite("The sandbox against the channels' official SDKs")
struct ChannelSDKInteropEndToEndTests {
    let dir = TemporaryDirectory("e2e-interop")
    var db: String { dir.path("store.db") }

    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Serves a new sandbox account of `channel`, runs `script` with its keys; the script's output.
    func check(channel: String, script: String) throws {
        let venv = ProcessInfo.processInfo.environment["PAYDESK_VENV"] ?? Self.root.appendingPathComponent(".build/venv").path
        let python = venv + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no virtual environment with the channel SDKs at \(venv): run `make test` (it makes one)")
            return
        }
        #expect(try Paydesk.run(["init", "--db", db]).exitCode == 0)
        #expect(try Paydesk.run(["sandbox", "latency", "--channel", channel, "--ms", "0", "--db", db]).exitCode == 0)
        let account = "sdk-\(channel)"
        let server = try ServeProcess(store: db, command: ["sandbox", "serve"],
                                      extra: ["--provision", "\(channel):\(account)", "--keys-out", dir.path("")])
        defer { server.stop() }
        let keys = dir.path("\(account).json")
        let mode = try FileManager.default.attributesOfItem(atPath: keys)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the merchant's keys are readable by others: \(String(mode ?? 0, radix: 8))")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.root.appendingPathComponent("tools/interop/\(script)").path, server.baseURL, keys]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": dir.path(""), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path(""))
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)\n--- sandbox serve:\n\(server.stderr.suffix(3000))")
        #expect(!output.contains("FAIL"), "\(output)")
    }

    @Test("wechatpayv3 downloads the platform certificates, pays, queries, refunds and verifies the callbacks")
    func wechatpayV3() throws {
        try check(channel: "wechat", script: "wechatpay_check.py")
    }

    @Test("python-alipay-sdk pays, queries by trade_no, refunds in parts and verifies the callbacks and error answers")
    func alipaySDK() throws {
        try check(channel: "alipay", script: "alipay_check.py")
    }
}
