import Foundation
import Testing
import PayCore
import PayStore
import PayServices
import TestSupport

/// `paydesk alerts …` (issue 12): rules, silences, evaluation, and their usage errors.
@Suite("Alert commands")
struct AlertCommandTests {
    @Test("rules: list shows the defaults; add refuses a bad expression naming --expr and the column, and a support operator; disable shows")
    func rules() throws {
        let store = try DemoStore()
        let list = store.run(["alerts", "rules", "list"])
        #expect(list.exitCode == 0 && list.stdout.contains("channel.success-rate") && list.stdout.contains("success_rate(5m) < 90% and requests(5m) >= 20"), "\(list)")
        #expect(list.stdout.contains("payment.unknown") && list.stdout.contains("worker.dead-man"))

        let bad = store.run(["alerts", "rules", "add", "bad.rule", "--expr", "requests(5m) > 90%"])
        #expect(bad.exitCode == 3 && bad.stderr.contains("--expr") && bad.stderr.contains("column 16"), "\(bad)")
        let badFor = store.run(["alerts", "rules", "add", "bad.rule", "--expr", "requests(5m) > 9", "--for", "soon"])
        #expect(badFor.exitCode == 3 && badFor.stderr.contains("--for 'soon'"), "\(badFor)")
        let support = store.run(["alerts", "rules", "add", "mine", "--expr", "requests(5m) > 9"], as: "support")
        #expect(support.exitCode == 8, "\(support)")
        let added = store.run(["alerts", "rules", "add", "busy.wechat", "--expr", "requests(5m) > 500", "--severity", "info", "--label", "team=pay"])
        #expect(added.exitCode == 0, "\(added)")
        #expect(store.run(["alerts", "rules", "list"]).stdout.contains("busy.wechat info: requests(5m) > 500"))

        #expect(store.run(["alerts", "rules", "disable", "worker.dead-man"]).exitCode == 0)
        #expect(store.run(["alerts", "rules", "list"]).stdout.contains("worker.dead-man (disabled)"))
        let unknown = store.run(["alerts", "rules", "enable", "no.such"])
        #expect(unknown.exitCode == 6 && unknown.stderr.contains("no.such"), "\(unknown)")
    }

    @Test("silence: warns when it matches nothing, names a bad --match, needs --reason; unsilence ends it once")
    func silences() throws {
        let store = try DemoStore()
        let silenced = store.run(["alerts", "silence", "--match", "channel=wechat", "--for", "2h", "--reason", "maintenance"])
        #expect(silenced.exitCode == 0 && silenced.stderr.contains("matches no open alert"), "\(silenced)")
        let badMatch = store.run(["alerts", "silence", "--match", "channel", "--for", "1h", "--reason", "x"])
        #expect(badMatch.exitCode == 3 && badMatch.stderr.contains("--match 'channel'"), "\(badMatch)")
        let noReason = store.run(["alerts", "silence", "--match", "channel=wechat", "--for", "1h"])
        #expect(noReason.exitCode == 2 && noReason.stderr.contains("--reason"), "\(noReason)")
        let tooLong = store.run(["alerts", "silence", "--match", "channel=wechat", "--for", "90d", "--reason", "x"])
        #expect(tooLong.exitCode == 3 && tooLong.stderr.contains("--for '90d'"), "\(tooLong)")
        let cashier = store.run(["alerts", "silence", "--match", "channel=wechat", "--for", "1h", "--reason", "x"], as: "cashier")
        #expect(cashier.exitCode == 8)

        let list = store.run(["alerts", "silences"])
        #expect(list.stdout.contains("#1 channel=wechat until") && list.stdout.contains("maintenance"), "\(list)")
        #expect(store.run(["alerts", "unsilence", "1"]).exitCode == 0)
        #expect(store.run(["alerts", "unsilence", "1"]).exitCode == 6)
        #expect(store.run(["alerts", "silences"]).stdout.contains("No silences."))
        #expect(store.run(["alerts", "silences", "--all"]).stdout.contains("#1 channel=wechat ended"))
    }

    @Test("alerts, show, ack and evaluate: bad state and unknown ids are clear errors")
    func listing() throws {
        let store = try DemoStore()
        #expect(store.run(["alerts"]).stdout.contains("No alerts."))
        let badState = store.run(["alerts", "--state", "LOUD"])
        #expect(badState.exitCode == 3 && badState.stderr.contains("--state 'LOUD'"), "\(badState)")
        #expect(store.run(["alerts", "show", "9"]).exitCode == 6)
        #expect(store.run(["alerts", "ack", "9"]).exitCode == 6)
        let evaluated = store.run(["alerts", "evaluate"])
        #expect(evaluated.exitCode == 0 && evaluated.stdout.contains("Nothing moved."), "\(evaluated)")
    }

    @Test("an alert raised by a service: listed with its labels, acknowledged, shown, silenced by its number")
    func oneAlert() throws {
        let store = try DemoStore()
        let opened = try Store.open(path: store.path)
        let context = try ServiceContext(store: opened, actor: .system)
        _ = try opened.write { try Alerting(context).raise(rule: "worker.job-failed", subject: "janitor", labels: ["job": "janitor"], message: "janitor failed: boom") }
        let list = store.run(["alerts"])
        #expect(list.stdout.contains(#"#1 FIRING warning worker.job-failed {job="janitor"} ×1"#) && list.stdout.contains("janitor failed: boom"), "\(list)")
        #expect(store.run(["alerts", "ack", "1"]).exitCode == 0)
        let again = store.run(["alerts", "ack", "1"])
        #expect(again.exitCode == 7 && again.stderr.contains("it is ACKNOWLEDGED"), "\(again)")
        let silenced = store.run(["alerts", "silence", "--alert", "1", "--for", "1h", "--reason", "known"])
        #expect(silenced.exitCode == 0 && !silenced.stderr.contains("warning") && silenced.stdout.contains("1 open alert silenced"), "\(silenced)")
        let shown = store.run(["alerts", "show", "1"])
        #expect(shown.stdout.contains("rule worker.job-failed (event, warning)") && shown.stdout.contains("silenced by #1")
                && shown.stdout.contains("acknowledged by"), "\(shown)")
        let json = store.run(["alerts", "--json", "--state", "acknowledged"])
        #expect(json.stdout.contains(#""silenceId":1"#) || json.stdout.contains(#""silenceId" : 1"#), "\(json)")
    }
}
