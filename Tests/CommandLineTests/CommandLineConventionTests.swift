import Foundation
import Testing
import PayCore
import PayStore
import PayServices
import TestSupport
@testable import paydesk

/// The conventions every command shares (issue 14): help for each group, the version, JSON errors
/// with `--json`, sorted JSON keys, tables aligned by display width, no internal row ids.
@Suite("Command-line conventions")
struct CommandLineConventionTests {
    @Test("`paydesk GROUP --help` works for every group and lists its commands; every command's help lists --db and --json")
    func helpEverywhere() throws {
        let groups = Set(CommandRegistry.all.filter { $0.path.count > 1 }.map { $0.path[0] })
        #expect(groups.contains("sandbox") && groups.contains("route") && groups.contains("risk"))
        for group in groups.sorted() {
            for word in ["--help", "-h", "help"] {
                let help = InProcess.run([group, word])
                #expect(help.exitCode == 0 && help.stderr.isEmpty, "\(group) \(word): \(help)")
                for spec in CommandRegistry.all where spec.path[0] == group {
                    #expect(help.stdout.contains("paydesk \(spec.name)"), "\(group) --help lacks \(spec.name)")
                }
            }
        }
        for spec in CommandRegistry.all {
            let help = InProcess.run(spec.path + ["--help"])
            #expect(help.exitCode == 0, "\(spec.name): \(help)")
            #expect(help.stdout.contains("--db PATH") && help.stdout.contains("--json"), "\(spec.name) --help: \(help.stdout)")
        }
        // A group word alone is still a usage error, listing what it holds.
        let bare = InProcess.run(["sandbox"])
        #expect(bare.exitCode == 2 && bare.stderr.contains("paydesk sandbox outage"), "\(bare)")
        // A command that has subcommands lists them under its own help.
        #expect(InProcess.run(["orders", "--help"]).stdout.contains("paydesk orders view save"))
    }

    @Test("sandbox --help tells the behaviours: amount endings, test cards, barcodes, codes by text")
    func sandboxBehaviours() {
        let help = InProcess.run(["sandbox", "--help"])
        #expect(help.exitCode == 0)
        for text in ["51         declined", "53         the call times out", "59         channel system error", "4000000000000002 declined",
                     "4000000000003220", "WeChat 18 digits from", "paydesk sandbox sms"] {
            #expect(help.stdout.contains(text), "missing '\(text)' in: \(help.stdout)")
        }
    }

    @Test("--version prints the program's version and the store schema it makes")
    func version() {
        let result = InProcess.run(["--version"])
        #expect(result.exitCode == 0 && result.stdout == "paydesk \(CommandLineApp.version) (store schema \(Schema.migrator.latestVersion))\n", "\(result)")
    }

    @Test("with --json an error is one JSON object on stderr, code, message and param, with the same exit code")
    func jsonErrors() throws {
        let store = try DemoStore()
        let cases: [([String], Int32, String, String?)] = [
            (["order", "create", "--business", "retail", "--order", "J-1", "--amount", "12.345"], 3, "invalid_input", "amount"),
            (["order", "create", "--business", "retail", "--order", "J-1", "--amount", "1.00", "--colour", "red"], 2, "usage", nil),
            (["query", "--order", "NOPE", "--business", "retail"], 6, "not_found", nil),
            (["route", "set", "alipay", "--account", "no-such"], 3, "invalid_input", "account"),
            (["sandbox", "outage", "--channel", "bitcoin", "--on"], 3, "invalid_input", "channel"),
            (["serve", "--listen", "999.1.1.1:1"], 3, "invalid_input", "listen"),
        ]
        for (arguments, code, kind, param) in cases {
            let text = store.run(arguments)
            let json = store.run(arguments + ["--json"])
            #expect(text.exitCode == code && json.exitCode == code, "\(arguments): \(text) / \(json)")
            #expect(json.stdout.isEmpty && json.stderr.hasSuffix("}\n") && json.stderr.split(separator: "\n").count == 1, "\(json)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stderr.utf8)) as? [String: Any])
            let error = try #require(object["error"] as? [String: Any], "\(json.stderr)")
            #expect(error["code"] as? String == kind, "\(arguments): \(json.stderr)")
            #expect(error["param"] as? String == param, "\(arguments): \(json.stderr)")
            #expect(param != nil || error["param"] is NSNull, "param is null, not missing: \(json.stderr)")
            let message = try #require(error["message"] as? String)
            #expect(!message.isEmpty && text.stderr.contains(message), "the same words as the line: \(message) / \(text.stderr)")
        }
        // A message that names its flag itself gets no "(--flag)" hint after it.
        let listen = store.run(["serve", "--listen", "999.1.1.1:1"])
        #expect(listen.stderr.components(separatedBy: "--listen").count == 2 && !listen.stderr.contains("(--"), "\(listen.stderr)")
        let unknown = InProcess.run(["frobnicate", "--json"])
        #expect(unknown.exitCode == 2 && unknown.stderr.hasPrefix(#"{"error":{"code":"usage","#), "\(unknown)")
        let permission = store.run(["route", "remove", "alipay", "--json"], as: "cashier")
        #expect(permission.exitCode == 8 && permission.stderr.contains(#""code":"not_permitted""#), "\(permission)")
    }

    @Test("--json output has its keys sorted at every level, so scripts can diff it")
    func sortedKeys() throws {
        let store = try DemoStore()
        for arguments in [["orders", "--limit", "3", "--json"], ["route", "list", "--json"], ["risk", "list", "--json"],
                          ["operator", "list", "--json"], ["business", "list", "--json"]] {
            let result = store.run(arguments)
            #expect(result.exitCode == 0, "\(arguments): \(result)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
            let sorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(String(decoding: sorted, as: UTF8.self) + "\n" == result.stdout, "\(arguments) keys are not sorted: \(result.stdout.prefix(300))")
        }
    }

    @Test("the orders table lines up by display width with a long order no and a Chinese one")
    func ordersTableAligned() throws {
        let store = try DemoStore()
        let long = "LONG-" + String(repeating: "9", count: 40)
        for (number, amount) in [(long, "1.00"), ("房间-豪华大床-0001", "2.00"), ("S1", "3.00")] {
            let created = store.run(["order", "create", "--business", "hotel", "--order", number, "--amount", amount])
            #expect(created.exitCode == 0, "\(created)")
        }
        let table = store.run(["orders", "--business", "hotel", "--status", "CREATED", "--limit", "3"])
        #expect(table.exitCode == 0, "\(table)")
        let lines = table.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("more:") && !$0.hasPrefix("newer:") }
        #expect(lines.count == 4, "\(table.stdout)")
        // The column each heading starts at is where every row's cell starts, counted in terminal columns.
        func columns(_ text: String) -> Int {
            text.unicodeScalars.reduce(0) { $0 + ((0x4E00...0x9FFF).contains($1.value) || (0xFF00...0xFF60).contains($1.value) ? 2 : 1) }
        }
        let header = lines[0]
        for heading in ["AMOUNT", "STATUS", "SERIAL"] {
            let start = columns(String(header[..<header.range(of: heading)!.lowerBound]))
            for row in lines.dropFirst() {
                var prefix = "", seen = 0
                for character in row {
                    if seen >= start { break }
                    prefix.append(character)
                    seen = columns(prefix)
                }
                #expect(seen == start && row.dropFirst(prefix.count).first != " " && prefix.last == " ",
                        "\(heading) not at column \(start) in: \(row)")
            }
        }
        #expect(table.stdout.contains(long) && table.stdout.contains("房间-豪华大床-0001"), "order nos are shown whole")
    }

    @Test("messages name the order by its number, not the store's row id")
    func noRowIds() throws {
        let store = try DemoStore()
        #expect(store.run(["order", "create", "--business", "retail", "--order", "NO-NOTE-1", "--amount", "5.00"]).exitCode == 0)
        let resend = store.run(["resend", "--business", "retail", "--order", "NO-NOTE-1"])
        #expect(resend.exitCode == 6 && resend.stderr.contains("order NO-NOTE-1 (retail) has no merchant notification"), "\(resend)")
    }
}
