import Testing
import Foundation
import PayCore
import PayStore
import PayServices
import TestSupport

@Suite("paydesk alerts sinks")
struct AlertSinkCommandTests {
    @Test("add prints the secret once; list shows only its hint and the URL without its query values")
    func addAndList() throws {
        let store = try DemoStore()
        let added = store.run(["alerts", "sinks", "add", "robot", "--kind", "dingtalk", "--target",
                               "https://oapi.dingtalk.com/robot/send?access_token=tok", "--rate", "12/min", "--burst", "3",
                               "--min-severity", "critical"])
        #expect(added.exitCode == 0, "\(added)")
        let secretLine = try #require(added.stdout.split(separator: "\n").first { $0.hasPrefix("Secret") })
        let secret = String(try #require(secretLine.split(separator: " ").last))
        #expect(secret.hasPrefix("SEC"))
        let listed = store.run(["alerts", "sinks", "list"])
        #expect(listed.exitCode == 0)
        #expect(listed.stdout == "robot dingtalk https://oapi.dingtalk.com/robot/send?access_token=… critical+ 12/min burst 3 tokens 3 sent 0 dropped 0 secret …\(secret.suffix(4))\n")
        let json = store.run(["alerts", "sinks", "list", "--json"])
        #expect(!json.stdout.contains(secret) && !json.stdout.contains("access_token=tok"))
        let audit = store.run(["audit", "--json"])
        #expect(!audit.stdout.contains(secret))
    }

    @Test("a DingTalk robot's own secret comes from an environment variable and is not printed back")
    func secretFromEnvironment() throws {
        let store = try DemoStore()
        let added = store.run(["alerts", "sinks", "add", "robot", "--kind", "dingtalk", "--target", "https://oapi.dingtalk.com/robot/send?access_token=t",
                               "--secret-env", "ROBOT_SECRET"], environment: ["ROBOT_SECRET": "SECfromdingtalk0123"])
        #expect(added.exitCode == 0, "\(added)")
        #expect(!added.stdout.contains("SECfromdingtalk0123"))
        let record = try #require(try Store.open(path: store.path).alertSinks.find(name: "robot"))
        #expect(record.secret == "SECfromdingtalk0123")
    }

    @Test("bad arguments name the argument, exit 3 and add nothing")
    func badArguments() throws {
        let store = try DemoStore()
        let cases: [([String], String)] = [
            (["ops", "--kind", "email", "--target", "x"], "--kind 'email'"),
            (["ops", "--kind", "webhook", "--target", "not a url"], "target 'not a url'"),
            (["ops", "--kind", "sms", "--target", "+4912345678", "--rate", "fast"], "--rate 'fast'"),
            (["ops", "--kind", "sms", "--target", "+4912345678", "--burst", "-1"], "--burst '-1'"),
            (["ops", "--kind", "sms", "--target", "+4912345678", "--min-severity", "loud"], "--min-severity 'loud'"),
            (["ops", "--kind", "webhook", "--target", "http://x.test/", "--secret-env", "HOME"], "--secret-env"),
        ]
        for (arguments, words) in cases {
            let result = store.run(["alerts", "sinks", "add"] + arguments)
            #expect(result.exitCode == 3, "\(arguments): \(result)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
        }
        #expect(store.run(["alerts", "sinks", "list"]).stdout.hasPrefix("No alert sinks"))
    }

    @Test("support may not touch the sinks (exit 8); disable, enable and test act by name")
    func permissionsAndLifecycle() throws {
        let store = try DemoStore()
        #expect(store.run(["alerts", "sinks", "add", "ops", "--kind", "sms", "--target", "+4912345678"]).exitCode == 0)
        #expect(store.run(["alerts", "sinks", "list"], as: "support").exitCode == 8)
        #expect(store.run(["alerts", "sinks", "disable", "ops"], as: "support").exitCode == 8)
        #expect(store.run(["alerts", "sinks", "disable", "ops"]).stdout == "Alert sink ops disabled.\n")
        #expect(store.run(["alerts", "sinks", "test", "ops"]).exitCode == 7, "a disabled sink is not tested")
        #expect(store.run(["alerts", "sinks", "enable", "ops"]).exitCode == 0)
        let tested = store.run(["alerts", "sinks", "test", "ops"])
        #expect(tested.exitCode == 0)
        #expect(tested.stdout.hasPrefix("Test notice A"))
        #expect(store.run(["alerts", "sinks", "enable", "nope"]).exitCode == 6)
        // The worker sends the test notice through the sandbox SMS outbox.
        #expect(store.run(["worker", "--once"]).exitCode == 0)
        let sms = store.run(["sandbox", "sms", "--to", "+4912345678"])
        #expect(sms.stdout.contains("PayDesk FIRING info paydesk.sink-test sink=ops: test notice to alert sink ops"), "\(sms)")
    }
}
