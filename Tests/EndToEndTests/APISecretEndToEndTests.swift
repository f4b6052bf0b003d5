import Testing
import Foundation
import TestSupport

/// `paydesk business api-secret` and `paydesk sandbox callbacks-to` from the command line.
@Suite("API secrets and sandbox delivery from the command line")
struct APISecretEndToEndTests {
    let dir = TemporaryDirectory("e2e-api-secret")
    var db: String { dir.path("store.db") }

    @discardableResult
    func paydesk(_ args: [String]) throws -> RunResult {
        try Paydesk.run(args + ["--db", db])
    }

    @Test("a rotation prints the new secret once; listings and the audit show ids and hints only")
    func rotateAndList() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        let none = try paydesk(["business", "api-secret", "retail"])
        #expect(none.exitCode == 0)
        #expect(none.stdout.contains("no API secret"))

        let first = try paydesk(["business", "api-secret", "retail", "--rotate", "--json"])
        #expect(first.exitCode == 0, "\(first)")
        let made = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let secret = try #require(made["secret"] as? String)
        let id = try #require(made["id"] as? String)
        #expect(made["businessLine"] as? String == "retail")
        #expect(made["previousExpiresAt"] is NSNull || made["previousExpiresAt"] == nil)
        #expect(secret.hasPrefix("pdsk_"))

        let second = try paydesk(["business", "api-secret", "retail", "--rotate", "--overlap", "2h"])
        #expect(second.exitCode == 0, "\(second)")
        #expect(second.stdout.contains("verifies until"))
        #expect(!second.stdout.contains(secret), "an old secret is never printed again")

        let listed = try paydesk(["business", "api-secret", "retail"])
        #expect(listed.exitCode == 0)
        #expect(listed.stdout.contains(id))
        #expect(listed.stdout.contains(String(secret.suffix(4))))
        #expect(listed.stdout.split(separator: "\n").count == 2, "both secrets valid during the overlap")
        #expect(!listed.stdout.contains(secret))
        let audit = try paydesk(["audit"])
        #expect(audit.stdout.contains("business.api-secret"))
        #expect(!audit.stdout.contains(secret))

        let retired = try paydesk(["business", "api-secret", "retail", "--rotate", "--overlap", "0s", "--json"])
        #expect(retired.exitCode == 0)
        let after = try paydesk(["business", "api-secret", "retail", "--json"])
        let secrets = try #require((try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])?["secrets"] as? [Any])
        #expect(secrets.count == 1)
    }

    @Test("bad input names the argument, exits 3 and changes nothing")
    func badInput() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        for (args, named) in [(["retail", "--rotate", "--overlap", "5x"], "--overlap"),
                              (["retail", "--rotate", "--overlap", "31d"], "--overlap"),
                              (["retail", "--overlap", "1h"], "--overlap"),
                              (["nowhere", "--rotate"], "business line 'nowhere'"),
                              (["Bad Line", "--rotate"], "business line 'Bad Line'")] {
            let result = try paydesk(["business", "api-secret"] + args)
            #expect(result.exitCode == 3, "\(args): \(result)")
            #expect(result.stderr.contains(named), "\(args): \(result.stderr)")
        }
        #expect(try paydesk(["business", "api-secret", "retail"]).stdout.contains("no API secret"))
        let missing = try paydesk(["business", "api-secret"])
        #expect(missing.exitCode == 2)

        for (args, named) in [(["ftp://127.0.0.1/x"], "URL 'ftp://127.0.0.1/x'"), (["http://h/x?a=1"], "URL 'http://h/x?a=1'")] {
            let result = try paydesk(["sandbox", "callbacks-to"] + args)
            #expect(result.exitCode == 3, "\(args): \(result)")
            #expect(result.stderr.contains(named), "\(args): \(result.stderr)")
        }
        #expect(try paydesk(["sandbox", "callbacks-to"]).exitCode == 2)
        #expect(try paydesk(["sandbox", "callbacks-to", "http://127.0.0.1:1", "--off"]).exitCode == 2)
        let set = try paydesk(["sandbox", "callbacks-to", "http://127.0.0.1:8080/", "--json"])
        #expect(set.exitCode == 0)
        #expect(set.stdout.contains(#""callbacksTo":"http:\/\/127.0.0.1:8080""#) || set.stdout.contains(#""callbacksTo":"http://127.0.0.1:8080""#))
        #expect(try paydesk(["sandbox", "callbacks-to", "--off"]).stdout.contains("in-process"))
    }

    @Test("operators cannot be given the service role")
    func noServiceOperators() throws {
        #expect(try paydesk(["init", "--demo"]).exitCode == 0)
        let result = try Paydesk.run(["operator", "add", "robot", "--role", "service", "--db", db],
                                     environment: ["PAYDESK_NEW_PASSWORD": "robot-secret-1"])
        #expect(result.exitCode == 3, "\(result)")
        #expect(result.stderr.contains("--role 'service'"))
        #expect(try !paydesk(["operator", "list"]).stdout.contains("robot"))
    }
}
