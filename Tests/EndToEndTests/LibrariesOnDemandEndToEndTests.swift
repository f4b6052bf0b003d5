import Testing
import Foundation
import TestSupport

/// A command loads only the system libraries it uses: libcrypto, libmicrohttpd (with GnuTLS) and
/// libqrencode are opened when something is hashed, served or drawn, never at every start — as the
/// dynamic loader itself reports (`LD_DEBUG=files`, which counts `dlopen` too).
@Suite("System libraries opened on first use")
struct LibrariesOnDemandEndToEndTests {
    let dir = TemporaryDirectory("e2e-libraries")
    var db: String { dir.path("store.db") }

    /// The sonames one run loaded, from the loader's report on stderr.
    func loaded(_ run: RunResult) -> [String] {
        run.stderr.split(separator: "\n").filter { $0.hasSuffix("generating link map") }.compactMap { line in
            line.range(of: "file=").map { String(line[$0.upperBound...].prefix { $0 != " " }) }
        }
    }

    @Test("query shows an order without loading libcrypto, libmicrohttpd, GnuTLS or libqrencode")
    func queryLoadsNoneOfThem() throws {
        #expect(try Paydesk.run(["init", "--db", db, "--demo"]).exitCode == 0)
        let listing = try Paydesk.run(["orders", "--db", db, "--json", "--limit", "1"]).json()
        let order = try #require((listing["orders"] as? [[String: Any]])?.first)
        let number = try #require(order["orderNo"] as? String), line = try #require(order["businessLine"] as? String)

        let run = try Paydesk.run(["query", "--db", db, "--business", line, "--order", number], environment: ["LD_DEBUG": "files"])
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.contains("Order \(number) (\(line))"))
        let libraries = loaded(run)
        #expect(libraries.contains { $0.hasPrefix("libsqlite3") })
        for absent in ["libcrypto", "libmicrohttpd", "libgnutls", "libqrencode", "libcurl"] {
            #expect(!libraries.contains { $0.hasPrefix(absent) }, "query loaded \(absent): \(libraries)")
        }
    }

    @Test("serve opens libmicrohttpd when it starts, and answers")
    func serveOpensMicroHTTPD() throws {
        #expect(try Paydesk.run(["init", "--db", db, "--demo"]).exitCode == 0)
        let run = try Paydesk.run(["serve", "--db", db, "--listen", "127.0.0.1:0", "--for", "0.5"], environment: ["LD_DEBUG": "files"])
        #expect(run.exitCode == 0, "\(run)")
        #expect(loaded(run).contains("libmicrohttpd.so.12"))
    }
}
