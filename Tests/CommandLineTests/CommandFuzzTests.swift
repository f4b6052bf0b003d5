import Testing
import Foundation
import PayStore
import TestSupport
@testable import paydesk

/// Issue 10 item 14: every command of `CommandRegistry.all`, each of its options and positionals,
/// fed hostile values in process. No crash; every exit code is a documented one; a command that
/// fails says so in one clear line on stderr.
@Suite("Fuzzing every command's options")
struct CommandFuzzTests {
    static let hostile: [String] = [
        "", " ", "0", "-0", "-1", "1e309", "1e16", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "18446744073709551616", "99999999999999999999999999", "92233720368547758.07", "-92233720368547758.08", "0.000000001",
        "1.5", "nan", "inf", "-inf", "0x7fffffffffffffff", "1_000", "١٢٣", "１２", "12abc", "1,000.00",
        "9223372036854775807ms", "106751991167d", "9223372036854775807d", "-5m", "1h-1m", "5x", "ms", "1h30m",
        "a\u{0}b", "\u{0}", "line\nbreak", "tab\there", "\r", "\u{1B}[31mred\u{1B}[0m", "\u{202E}evil", "\u{FEFF}", "e\u{301}",
        "😀", "珍珠奶茶", "ß", "İ", "\u{FFFD}", "\u{10FFFF}",
        String(repeating: "x", count: 10_000), String(repeating: "9", count: 4_000), String(repeating: "é", count: 300),
        String(repeating: "(", count: 12_000) + "amount > 1" + String(repeating: ")", count: 12_000),
        String(repeating: "not ", count: 5_000) + "amount > 1",
        "-", "--", "--json", "-h", "'; DROP TABLE orders; --", "%s%n%x%p", "../../../../etc/passwd", "/dev/null",
        "A:1:1.00", "A:9223372036854775807:92233720368547758.07", "A:0:1.00", "A:-1:1.00", ":", "::", "a:b:c:d", "x:92233720368547758.07",
        "2026-02-30", "9999-12-31T23:59:59.999Z", "0000-01-01", "2026-13-01", "2026-11-21T25:00", "-2026-01-01", "2026-11-21T09:30:00.1234Z",
        "4242 4242 4242 4242", "4242424242424242", "134567890123456789", "true", "null", "{}", "[]", "\"", "\\", "*", "%",
        "Name: value", "X-A:\u{0}", "1-1", "9223372036854775807-9223372036854775807", "-1--1",
        "amount > 99999999999999999999", "count(customer, 106751991167d) > 1", "sum(customer, 31d) > 92233720368547758.07",
    ]

    /// Tried in every option and positional: the values of the issue's crashes.
    static let always: [String] = ["9223372036854775807ms", "106751991167d", "9223372036854775807", "1e309",
                                   String(repeating: "(", count: 12_000) + "amount > 1" + String(repeating: ")", count: 12_000)]

    /// Values that make a command do its normal work, so a hostile value in one option reaches
    /// the code behind the others. Commands not named here get no baseline (a new command is still fuzzed).
    static let baselines: [String: [String]] = [
        "init": [],
        "order create": ["--business", "retail", "--order", "FZ-1", "--amount", "10.00"],
        "query": ["--order", "FZ-1", "--business", "retail"],
        "orders": ["--limit", "5"],
        "pay": ["--business", "retail", "--order", "FZ-1", "--method", "wechat", "--auth-code", "134567890123456789"],
        "refund": ["--order", "FZ-1", "--business", "retail", "--amount", "0.01"],
        "resend": ["--business", "retail", "--order", "FZ-1"],
        "duplicate hold": ["--payment", "P20261121120000000000000000000"],
        "close": ["--business", "retail", "--order", "FZ-2"],
        "clock advance": ["1s"],
        "business set": ["retail", "--notify-url", ""],
        "worker": ["--once"],
        // why one lane and a twentieth of a second: serving runs until stopped; every case serves this briefly.
        "serve": ["--listen", "127.0.0.1:0", "--lanes", "1", "--for", "0.05"],
        "sandbox serve": ["--listen", "127.0.0.1:0", "--for", "0.05"],
        "reconcile": ["--account", "acquirer-a", "--date", "2026-11-30"],
        "alerts": ["--state", "FIRING"],
        "alerts ack": ["1"],
        "alerts sinks add": ["fz", "--kind", "webhook", "--target", "http://127.0.0.1:1/fz", "--rate", "6/min", "--burst", "10"],
        "alerts sinks disable": ["fz"],
        "alerts sinks enable": ["fz"],
        "alerts sinks test": ["fz"],
        "route explain": ["--business", "retail", "--method", "wechat", "--amount", "10.00"],
        "risk add": ["--name", "fz", "--action", "challenge", "--when", "amount > 999999.00"],
        "risk test": ["--business", "retail", "--method", "card", "--amount", "10.00", "--customer", "C1"],
        "risk list-add": ["--list", "fz", "--value", "C1"],
        "risk list-remove": ["--list", "fz", "--value", "C1"],
        "risk disable": ["large-card"],
        "risk enable": ["large-card"],
        "route add": ["--name", "fz", "--method", "card", "--account", "acquirer-a", "--currency", "CNY", "--min", "1.00"],
        "route set": ["card-lowest-fee", "--strategy", "priority"],
        "route remove": ["fz"],
        // why an invalid last option: each bench builds a store or measures for seconds; this one,
        // checked after the others, stops it there, so the hostile value in the others is still checked.
        "bench route": ["--rules", "1", "--payments", "1", "--decisions", "0"],
        "bench browse": ["--orders", "10", "--repeats", "0"],
        "bench render": ["--size", "80x24", "--frames", "0"],
        "bench pay": ["--n", "1", "--method", "paypal"],
        "bench serve": ["--n", "1", "--connections", "0"],
        // why one line: without a baseline a case that leaves --lines alone builds a store of 100,000 payments.
        "bench reconcile": ["--lines", "1"],
        "bench cli": ["--runs", "0"],
        "operator add": ["fuzz-op", "--role", "cashier"],
        "operator passwd": ["fuzz-op"],
        "operator lock": ["fuzz-op"],
        "operator unlock": ["fuzz-op"],
        "audit": ["--limit", "5"],
        "sandbox outage": ["--channel", "wechat", "--off"],
        "sandbox latency": ["--channel", "wechat", "--ms", "0"],
        "sandbox callbacks": ["--order", "FZ-1"],
        "sandbox sms": ["--to", "C1"],
        "sandbox bill": ["--channel", "wechat", "--date", "2026-11-21"],
        "notify": ["--channel", "card", "--header", "Acquirer-Signature: t=1,v1=00"],
    ]

    /// Options whose value names a file: hostile text goes under the test's own folder, never the working directory.
    static let pathOptions: Set<String> = ["db", "keep", "store", "body-file"]
    /// Options the fuzzer leaves alone: `--operator` logs in, which is fuzzed with its own few names.
    static let documentedExitCodes: ClosedRange<Int32> = 0...8

    struct Case: CustomStringConvertible {
        let command: String
        let arguments: [String]
        var description: String {
            "paydesk " + arguments.map { $0.count > 60 ? "\($0.prefix(40).debugDescription)…(\($0.count) chars)" : $0.debugDescription }
                .joined(separator: " ")
        }
    }

    /// Replaces (or adds) `--name value` in `arguments`.
    static func setting(_ name: String, _ value: String, in arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            if arguments[index] == "--\(name)", index + 1 < arguments.count { index += 2; continue }
            result.append(arguments[index])
            index += 1
        }
        return result + ["--\(name)", value]
    }

    static func cases(store: DemoStore, bodyFile: String, wechatSerial: String) -> [Case] {
        var random = SeededRandom(state: 20_261_130)
        var cases: [Case] = []
        func value(for option: String, _ text: String) -> String {
            pathOptions.contains(option)
                ? store.directory.path("fuzz-\(option)-" + text.prefix(100).filter { $0 != "/" && $0 != "\u{0}" }) : text
        }
        for spec in CommandRegistry.all {
            var baseline = baselines[spec.name] ?? []
            if spec.name == "notify" { baseline += ["--body-file", bodyFile] }
            let positionalCount = spec.positionals.count
            // Each option with a value: a sample of the hostile values.
            for option in spec.options + CommandLineApp.commonOptions where option.valueName != nil && option.name != "operator" {
                for text in option.name == "db" ? Array(hostile.shuffled(using: &random).prefix(6))
                                                  : always + hostile.shuffled(using: &random).prefix(13) {
                    let args = setting(option.name, value(for: option.name, text), in: baseline)
                    cases.append(Case(command: spec.name, arguments: spec.path + args + (option.name == "db" ? [] : ["--db", store.path])))
                }
            }
            // Each positional.
            for position in 0..<positionalCount {
                for text in always + hostile.shuffled(using: &random).prefix(16) {
                    var args = baseline
                    if position < args.count { args[position] = text } else { args.insert(text, at: min(position, args.count)) }
                    // why "--": a hostile positional that starts with "--" is data, not an option.
                    let positionals = Array(args.prefix(positionalCount))
                    let options = Array(args.dropFirst(positionalCount))
                    cases.append(Case(command: spec.name, arguments: spec.path + options + ["--db", store.path, "--"] + positionals))
                }
            }
            // Several options hostile at once, flags on and off, and a word that is no option at all.
            let valueOptions = spec.options.filter { $0.valueName != nil }
            for _ in 0..<10 {
                var args = baseline
                for option in valueOptions where Bool.random(using: &random) {
                    args = setting(option.name, value(for: option.name, hostile.randomElement(using: &random)!), in: args)
                }
                for flag in spec.options where flag.valueName == nil && Bool.random(using: &random) { args.append("--\(flag.name)") }
                if Int.random(in: 0..<4, using: &random) == 0 { args.insert(hostile.randomElement(using: &random)!, at: 0) }
                cases.append(Case(command: spec.name, arguments: spec.path + args + ["--db", store.path]))
            }
        }
        // Hostile numbers where a callback's signature headers carry its time.
        for text in always + hostile.shuffled(using: &random).prefix(12) {
            for channel in ["card", "paypal"] {
                cases.append(Case(command: "notify", arguments: ["notify", "--channel", channel, "--body-file", bodyFile, "--db", store.path,
                                                                 "--header", "Acquirer-Signature: t=\(text),v1=00"]))
            }
            cases.append(Case(command: "notify", arguments: ["notify", "--channel", "wechat", "--body-file", bodyFile, "--db", store.path,
                                                             "--header", "Wechatpay-Timestamp: \(text)", "--header", "Wechatpay-Nonce: n",
                                                             "--header", "Wechatpay-Signature: s", "--header", "Wechatpay-Serial: \(wechatSerial)"]))
        }
        // Logging in under hostile names.
        for text in hostile.shuffled(using: &random).prefix(20) {
            cases.append(Case(command: "orders", arguments: ["orders", "--db", store.path, "--operator", text]))
        }
        return cases
    }

    /// Control characters (other than the line's own newline) make a line unclear on a terminal.
    static func isClearLine(_ line: Substring) -> Bool {
        !line.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
            || $0 == "\u{2028}" || $0 == "\u{2029}" } && line.count <= 1_000
    }

    /// `{"error":{"code":…,"message":…}}`, what a failing command prints with `--json`.
    static func isJSONError(_ line: Substring) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let error = object["error"] as? [String: Any] else { return false }
        return (error["code"] as? String)?.isEmpty == false && (error["message"] as? String)?.isEmpty == false
    }

    @MainActor
    @Test("thousands of hostile option values over every command: no crash, documented exit codes, one clear error line")
    func everyCommandEveryOption() throws {
        let store = try DemoStore()
        let bodyFile = store.directory.path("body.json")
        try Data("{\"type\":\"charge.succeeded\",\"data\":{}}".utf8).write(to: URL(fileURLWithPath: bodyFile))
        #expect(store.run(["order", "create", "--business", "retail", "--order", "FZ-2", "--amount", "20.00"]).exitCode == 0)
        let opened = try Store.open(path: store.path)
        let wechat = try #require(try opened.channelAccounts.forChannel("wechat").first)
        let cases = Self.cases(store: store, bodyFile: bodyFile, wechatSerial: try #require(wechat.config["platform_serial"]))
        #expect(cases.count >= 2_000)
        var failures = 0
        // PAYDESK_FUZZ_TRACE=1 prints each case before it runs, to find one that crashes the process.
        let trace = ProcessInfo.processInfo.environment["PAYDESK_FUZZ_TRACE"] != nil
        for fuzz in cases where failures < 30 {
            if trace { FileHandle.standardError.write(Data("fuzz: \(fuzz)\n".utf8)) }
            let started = ContinuousClock.now
            let result = InProcess.run(fuzz.arguments)
            if trace { FileHandle.standardError.write(Data("fuzz-time: \(fuzz.command)\t\(ContinuousClock.now - started)\n".utf8)) }
            var problems: [String] = []
            if !Self.documentedExitCodes.contains(result.exitCode) { problems.append("exit \(result.exitCode) is not documented") }
            let errorLines = result.stderr.split(separator: "\n")
            switch result.exitCode {
            case 0:
                break
            case 1 where fuzz.command == "check":
                break
            case 1:
                problems.append("internal error on outside input")
            case 4 where errorLines.isEmpty, 5 where errorLines.isEmpty:
                if result.stdout.isEmpty { problems.append("exit \(result.exitCode) without a word") }
            default:
                if errorLines.count != 1 {
                    problems.append("\(errorLines.count) lines on stderr")
                } else if !(errorLines[0].hasPrefix("paydesk ") || Self.isJSONError(errorLines[0])) || !Self.isClearLine(errorLines[0]) {
                    problems.append("an unclear error line")
                }
            }
            if !problems.isEmpty {
                failures += 1
                Issue.record("\(problems.joined(separator: "; ")): \(fuzz)\nexit \(result.exitCode)\nstderr: \(result.stderr.prefix(600))")
            }
        }
        let check = store.run(["check"])
        #expect(check.exitCode == 0, "the money invariants hold after the fuzzing: \(check)")
    }
}
