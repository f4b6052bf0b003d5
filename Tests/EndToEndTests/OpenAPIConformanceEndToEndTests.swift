import Testing
import Foundation
import TestSupport

/// schemathesis (from PyPI, in the virtual environment `make test` makes) generates requests from
/// docs/openapi.yaml, signs them as a business system would, and checks every answer of a live
/// `paydesk serve` against the spec: no 5xx, only documented statuses, bodies and headers as
/// described.
@Suite("The live server against docs/openapi.yaml (schemathesis)")
struct OpenAPIConformanceEndToEndTests {
    let dir = TemporaryDirectory("e2e-openapi")
    var db: String { dir.path("store.db") }

    @Test("schemathesis finds no answer outside the spec")
    func schemathesis() throws {
        guard PythonTool.python != nil else {
            Issue.record("no virtual environment with schemathesis: run `make test` (it makes one)")
            return
        }
        #expect(try Paydesk.run(["init", "--demo", "--db", db]).exitCode == 0)
        let rotated = try Paydesk.run(["business", "api-secret", "retail", "--rotate", "--json", "--db", db])
        let secret = try #require(try rotated.json()["secret"] as? String, "\(rotated)")
        for channel in ["wechat", "alipay", "unionpay", "card"] {
            _ = try Paydesk.run(["sandbox", "latency", "--channel", channel, "--ms", "0", "--db", db])
        }
        let server = try ServeProcess(store: db)
        defer { server.stop() }

        let (status, output) = try PythonTool.run("tools/schemathesis_signed.py",
                                                  [PythonTool.root.appendingPathComponent("docs/openapi.yaml").path, server.baseURL,
                                                   "retail", secret, "25"], in: dir.path(""))
        #expect(status == 0, "\(output)")
        #expect(output.contains("operations, 0 failed"), "\(output)")
        // The server never answered 500 and never logged a card number or the secret.
        #expect(!server.stderr.contains(" 500 "), "\(server.stderr.suffix(2000))")
        #expect(!server.stderr.contains(secret))
    }
}
