import Testing
import Foundation
import PayStore
import TestSupport

/// Every command of the command line, walked from `paydesk --help`: each has a permission,
/// checked before it acts, and each but `init` refuses a store that is missing or empty.
@Suite("Every command: its permission, and the store it needs")
struct CommandAccessEndToEndTests {
    let dir = TemporaryDirectory("e2e-access")
    var db: String { dir.path("store.db") }

    /// Arguments that get each command past its own parsing, so what stops it is the check under test.
    /// A command missing here fails the walk: a new command must be added.
    func sampleArguments(_ command: String) throws -> [String]? {
        let body = dir.path("callback.json")
        if !FileManager.default.fileExists(atPath: body) { try Data("{}".utf8).write(to: URL(fileURLWithPath: body)) }
        let samples: [String: [String]] = [
            "init": [],
            "order create": ["--business", "retail", "--order", "WALK-1", "--amount", "1.00"],
            "query": ["--order", "R10000", "--business", "retail"],
            "orders": [],
            "orders view save": ["mine", "--filter", "status:paid"],
            "orders view list": [],
            "orders view delete": ["mine"],
            "timeline": ["--order", "R10000", "--business", "retail"],
            "raw": ["call:1"],
            "pay": ["--business", "retail", "--order", "R10000", "--method", "wallet", "--customer", "c1"],
            "refund": ["--order", "R10000", "--business", "retail", "--amount", "0.01"],
            "resend": ["--order", "R10000", "--business", "retail"],
            "duplicate hold": ["--payment", "P1"],
            "close": ["--order", "R10000", "--business", "retail"],
            "settle": ["P1", "--as", "failed", "--reason", "walk"],
            "clock advance": ["10m"],
            "clock show": [],
            "business list": [],
            "business set": ["retail", "--notify-url", "http://127.0.0.1:1/walk"],
            "business api-secret": ["retail", "--rotate"],
            "worker": ["--once"],
            "serve": ["--listen", "127.0.0.1:0", "--for", "0.5"],
            "check": [],
            "alerts": [],
            "alerts ack": ["1"],
            "metrics": [],
            "metrics retention": ["--minutes-days", "7"],
            "alerts sinks list": [],
            "alerts sinks add": ["walk", "--kind", "webhook", "--target", "http://127.0.0.1:1/walk"],
            "alerts sinks disable": ["walk"],
            "alerts sinks enable": ["walk"],
            "alerts sinks test": ["walk"],
            "alerts show": ["1"],
            "alerts silence": ["--match", "alertname=worker.dead-man", "--for", "1h", "--reason", "walk"],
            "alerts silences": [],
            "alerts unsilence": ["1"],
            "alerts rules list": [],
            "alerts rules add": ["walk.rule", "--expr", "breaker_open > 0"],
            "alerts rules disable": ["worker.dead-man"],
            "alerts rules enable": ["worker.dead-man"],
            "alerts evaluate": [],
            "route list": [],
            "route explain": ["--business", "retail", "--method", "alipay", "--amount", "1.00"],
            "risk list": [],
            "risk add": ["--name", "walk", "--action", "block", "--when", "amount > 100.00"],
            "risk list-add": ["--list", "blocklist", "--value", "walk-1"],
            "risk list-remove": ["--list", "blocklist", "--value", "C666"],
            "risk disable": ["large-card"],
            "risk enable": ["large-card"],
            "route add": ["--name", "walk", "--method", "alipay", "--account", "alipay-main"],
            "route set": ["alipay", "--strategy", "lowest-fee"],
            "route remove": ["paypal"],
            "risk test": ["--business", "retail", "--method", "alipay", "--amount", "1.00"],
            "bench route": ["--rules", "1", "--payments", "1", "--decisions", "1"],
            "bench render": ["--size", "80x24", "--frames", "1"],
            "bench pay": ["--n", "1"],
            "bench browse": ["--orders", "1", "--repeats", "1"],
            "bench reconcile": ["--lines", "1"],
            "bench serve": ["--n", "1", "--connections", "1"],
            "bench cli": ["--runs", "1"],
            "operator add": ["ghost", "--role", "admin"],
            "operator passwd": ["admin"],
            "operator lock": ["admin"],
            "operator unlock": ["admin"],
            "operator list": [],
            "audit": [],
            "audit verify": [],
            "sandbox outage": ["--channel", "card", "--on"],
            "sandbox latency": ["--channel", "alipay", "--ms", "5"],
            "sandbox callbacks-to": ["http://127.0.0.1:1"],
            "sandbox serve": ["--listen", "127.0.0.1:0", "--for", "0.5"],
            "sandbox callbacks": [],
            "sandbox sms": [],
            "sandbox bill": ["--channel", "card", "--date", "2026-11-30"],
            "sandbox bill-fault drop-callback": ["--account", "wechat-sp", "--serial", "P1"],
            "sandbox bill-fault omit": ["--account", "wechat-sp", "--serial", "P1"],
            "sandbox bill-fault fee": ["--account", "alipay-main", "--serial", "P1", "--fee", "0.10"],
            "sandbox bill-fault extra": ["--account", "acquirer-a", "--amount", "1.00"],
            "sandbox bill-fault shift": ["--account", "wechat-sp", "--serial", "P1"],
            "sandbox bill-fault list": [],
            "reconcile": ["--account", "acquirer-a", "--date", "2026-11-30"],
            "reconcile list": [],
            "reconcile show": ["1"],
            "reconcile resolve": ["1", "--trust", "center", "--reason", "walk"],
            "reconcile schedule": ["--hour", "10"],
            "demo": ["--list"],
            "notify": ["--channel", "card", "--body-file", body, "--header", "Acquirer-Signature: t=1,v1=00"],
            "merchant add": ["walk-m", "--name", "Walk"],
            "merchant list": [],
            "merchant disable": ["walk-m"],
            "merchant enable": ["walk-m"],
            "business add": ["walk", "--merchant", "walk-m", "--name", "Walk"],
            "account add": ["walk-a", "--channel", "card", "--merchant", "walk-m", "--name", "Walk"],
            "account set": ["acquirer-a", "--set", "app_id=1"],
            "account import-key": ["acquirer-a", "api_secret", body],
            "account enable": ["acquirer-a"],
            "account disable": ["acquirer-a"],
            "account list": [],
            "account test": ["acquirer-a"],
            "sandbox register": ["acquirer-a", "--center-key", body, "--out", dir.path("portal")],
        ]
        return samples[command]
    }

    /// The commands `paydesk --help` lists.
    func commands() throws -> [String] {
        let help = try Paydesk.run(["--help"])
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "Commands:") else { return [] }
        var names: [String] = []
        for line in lines[(start + 1)...] where line.hasPrefix("  ") {
            let text = line.dropFirst(2)
            guard let gap = text.range(of: "  ") else { continue }
            names.append(String(text[..<gap.lowerBound]))
        }
        return names
    }

    /// The roles a command's help says may run it ("Needs the right to …: cashier, supervisor or admin.").
    func roles(of command: String) throws -> Set<String> {
        let help = try Paydesk.run(command.split(separator: " ").map(String.init) + ["--help"])
        guard let line = help.stdout.split(separator: "\n").last(where: { $0.hasPrefix("Needs the right to ") }),
              let colon = line.lastIndex(of: ":") else { return [] }
        let list = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " ."))
        return Set(list.replacingOccurrences(of: " or ", with: ", ").components(separatedBy: ", "))
    }

    /// What a command may change, as text: every table of the store and of the sandbox, except what
    /// logging in itself writes (the audit log, the operators' login counters, the audit head).
    func snapshot() throws -> String {
        var text = ""
        for path in [db, db + ".sandbox.db"] where FileManager.default.fileExists(atPath: path) {
            let connection = try Connection(path: path, create: false)
            let tables = try connection.rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { $0.string("name") }
            for table in tables where table != "audit_log" {
                // why: some tables have no rowid; the rows are sorted as text below.
                var lines: [String] = []
                for row in try connection.rows("SELECT * FROM \"\(table)\"") {
                    var fields: [String] = []
                    for (index, column) in row.columnNames.enumerated() {
                        if table == "operators" && ["failed_logins", "locked_until", "updated_at"].contains(column) { continue }
                        fields.append("\(column)=\(row[index])")
                    }
                    let line = "\(table): " + fields.joined(separator: " ")
                    if table == "meta" && line.contains("key='audit.") { continue }
                    lines.append(line)
                }
                text += lines.sorted().joined(separator: "\n") + "\n"
            }
        }
        return text
    }

    @Test("a cashier and a support operator are refused every command outside their role, before it changes anything",
          arguments: ["cashier", "support"])
    func commandsOutsideTheRole(role: String) throws {
        #expect(try Paydesk.run(["init", "--demo", "--simulated-clock", "--db", db]).exitCode == 0)
        let commands = try commands()
        #expect(commands.count >= 39, "\(commands)")
        var refused: [String] = []
        for command in commands {
            guard let sample = try sampleArguments(command) else {
                Issue.record("no sample arguments for '\(command)': add it to the walk")
                continue
            }
            let allowed = try roles(of: command)
            #expect(!allowed.isEmpty, "'\(command) --help' does not say who may run it")
            #expect(allowed.contains("admin"), "\(command)")
            guard !allowed.contains(role) else { continue }
            let before = try snapshot()
            let result = try Paydesk.run(command.split(separator: " ").map(String.init) + sample + ["--db", db, "--operator", role],
                                         environment: ["PAYDESK_PASSWORD": "demo", "PAYDESK_NEW_PASSWORD": "walk-secret-1"])
            #expect(result.exitCode == 8, "\(role) ran '\(command)': \(result)")
            #expect(result.stderr.contains("\(role) (\(role)) may not"), "\(command): \(result.stderr)")
            #expect(try snapshot() == before, "\(role) ran '\(command)' and it changed the store")
            refused.append(command)
        }
        // The commands of the issue, by name; callbacks and bills show any customer's payment, so
        // only who may look up any order (support does) reads them.
        var outside = ["clock advance", "worker", "serve", "sandbox outage", "sandbox latency", "init", "sandbox bill-fault extra"]
        if role == "cashier" { outside += ["sandbox callbacks", "sandbox bill"] }
        for command in outside {
            #expect(refused.contains(command), "\(role) may run '\(command)'")
        }
    }

    @Test("only init makes a store: every other command refuses a missing file (exit 6) and an empty one (exit 3), writing nothing")
    func onlyInitCreates() throws {
        // why not demo: like a benchmark it makes a store of its own (and refuses --db).
        for command in try commands() where command != "init" && command != "demo" && !command.hasPrefix("bench ") {
            guard let sample = try sampleArguments(command) else {
                Issue.record("no sample arguments for '\(command)'")
                continue
            }
            let words = command.split(separator: " ").map(String.init) + sample
            try? FileManager.default.removeItem(atPath: db)
            let missing = try Paydesk.run(words + ["--db", db], environment: ["PAYDESK_NEW_PASSWORD": "walk-secret-1"])
            #expect(missing.exitCode == 6, "'\(command)' on a missing store: \(missing)")
            #expect(missing.stderr.contains("store '\(db)' does not exist"), "\(command): \(missing.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db), "'\(command)' created the store")

            #expect(FileManager.default.createFile(atPath: db, contents: Data()))
            let empty = try Paydesk.run(words + ["--db", db], environment: ["PAYDESK_NEW_PASSWORD": "walk-secret-1"])
            #expect(empty.exitCode == 3, "'\(command)' on an empty store: \(empty)")
            #expect(empty.stderr.contains("store '\(db)': not a PayDesk store (the file is empty)"), "\(command): \(empty.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int == 0, "'\(command)' wrote into the empty file")
        }
    }

    @Test("a store whose main file was truncated to zero beside its WAL is refused, not made anew")
    func truncatedBesideItsWAL() throws {
        #expect(try Paydesk.run(["init", "--demo", "--db", db]).exitCode == 0)
        let holder = try Connection(path: db, create: false)
        try holder.execute("PRAGMA wal_autocheckpoint = 0")
        #expect(try Paydesk.run(["order", "create", "--business", "retail", "--order", "WAL-1", "--amount", "1.00", "--db", db]).exitCode == 0)
        let handle = try #require(FileHandle(forWritingAtPath: db))
        try handle.truncate(atOffset: 0)
        try handle.close()
        let check = try Paydesk.run(["check", "--db", db])
        #expect(check.exitCode == 3, "\(check)")
        #expect(check.stderr.contains("store '\(db)': not a PayDesk store (the file is empty)"))
        #expect(try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int == 0)
        #expect(FileManager.default.fileExists(atPath: db + "-wal"))
        _ = holder
    }
}
