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

    /// Serves a new sandbox account of `channel`, runs `script` with its keys; the script's output.
    func check(channel: String, script: String) throws {
        guard PythonTool.python != nil else {
            Issue.record("no virtual environment with the channel SDKs: run `make test` (it makes one)")
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

        let (status, output) = try PythonTool.run("tools/interop/\(script)", [server.baseURL, keys], in: dir.path(""))
        #expect(status == 0, "\(output)\n--- sandbox serve:\n\(server.stderr.suffix(3000))")
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
