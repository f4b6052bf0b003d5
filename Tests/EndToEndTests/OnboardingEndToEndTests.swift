import Foundation
import Testing
import TestSupport

/// A store made with `paydesk init` (no demo) and set up only through commands: a merchant, a
/// business line, an account on every channel registered at the sandbox portal with the center's
/// own key (openssl), routes; then a payment and a refund on each channel.
@Suite("Onboarding from the command line")
struct OnboardingEndToEndTests {
    let dir = TemporaryDirectory("e2e-onboard")
    var db: String { dir.path("shop.db") }

    @discardableResult
    func paydesk(_ arguments: [String], exit expected: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        let result = try Paydesk.run(arguments + ["--db", db])
        #expect(result.exitCode == expected, "\(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result
    }

    func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl \(arguments)")
    }

    /// The `--set NAME=VALUE` words `sandbox register` printed.
    func settings(_ output: String) -> [String] {
        output.split(whereSeparator: \.isWhitespace).filter { $0.hasPrefix("--set") == false && $0.contains("=") && !$0.contains("/") }
            .flatMap { ["--set", String($0)] }
    }

    /// The `import-key` lines `sandbox register` printed, as argument lists.
    func imports(_ output: String) -> [[String]] {
        output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("paydesk account import-key ") && !$0.hasSuffix("CENTER.key") }
            .map { $0.split(separator: " ").dropFirst().map(String.init) }
    }

    @Test("init without the demo, set up through commands, takes and refunds a sandbox payment on every channel")
    func onboardAndPay() throws {
        try paydesk(["init"])
        try paydesk(["merchant", "add", "acme", "--name", "Acme Property"])
        try paydesk(["business", "add", "shop", "--merchant", "acme", "--name", "Shop", "--currency", "CNY"])
        try openssl(["genrsa", "-out", dir.path("center.key"), "2048"])
        try openssl(["rsa", "-in", dir.path("center.key"), "-pubout", "-out", dir.path("center.pub")])
        let channels: [(channel: String, method: String, pay: [String])] = [
            ("alipay", "alipay", ["--auth-code", "284567890123456789"]),
            ("wechat", "wechat", ["--auth-code", "134567890123456789"]),
            ("unionpay", "unionpay", ["--auth-code", "6212345678901234567"]),
            ("card", "card", ["--card", "4242424242424242", "--expiry", "12/30", "--cvc", "123"]),
            ("paypal", "paypal", ["--customer", "payer-1"]),
            ("wallet", "wallet", ["--customer", "c1"]),
        ]
        for (channel, method, _) in channels {
            let id = "\(channel)-1"
            try paydesk(["account", "add", id, "--channel", channel, "--merchant", "acme", "--name", channel,
                         "--currencies", channel == "paypal" ? "USD" : "CNY"])
            let registered = try paydesk(["sandbox", "register", id, "--center-key", dir.path("center.pub"), "--out", dir.path(channel)])
            let ids = settings(registered.stdout)
            if !ids.isEmpty { try paydesk(["account", "set", id] + ids) }
            for words in imports(registered.stdout) { try paydesk(words) }
            if let field = registered.stdout.split(separator: "\n").first(where: { $0.contains("CENTER.key") })?
                .split(separator: " ").dropLast().last, field != "FIELD" {
                try paydesk(["account", "import-key", id, String(field), dir.path("center.key")])
            }
            try paydesk(["account", "test", id])
            try paydesk(["account", "enable", id])
            try paydesk(["route", "add", "--name", "shop-\(method)", "--method", method, "--account", id])
        }
        let listed = try paydesk(["account", "list", "--json"])
        #expect(!listed.stdout.contains("PRIVATE KEY") && !listed.stdout.contains("whsec_"))
        for (index, (channel, method, pay)) in channels.enumerated() {
            let order = "E2E-\(index)"
            try paydesk(["order", "create", "--business", "shop", "--order", order, "--amount", "10.00"]
                        + (channel == "paypal" ? ["--currency", "USD"] : []))
            try paydesk(["pay", "--business", "shop", "--order", order, "--method", method, "--wait", "30"] + pay)
            // why 5 for UnionPay: its refunds are answered asynchronously (PROCESSING until its callback).
            try paydesk(["refund", "--business", "shop", "--order", order, "--amount", "4.00"], exit: channel == "unionpay" ? 5 : 0)
        }
        try paydesk(["worker", "--once"])
        for index in channels.indices {
            let shown = try paydesk(["query", "--business", "shop", "--order", "E2E-\(index)"])
            #expect(shown.stdout.contains("PARTIALLY_REFUNDED") && shown.stdout.contains("refunded 4.00"), "\(channels[index].channel): \(shown.stdout)")
        }
        try paydesk(["check"])
    }

    @Test("account test says which side fails; key files missing or wrong are refused naming the file, writing nothing")
    func wrongKeys() throws {
        try paydesk(["init"])
        try paydesk(["merchant", "add", "acme", "--name", "Acme"])
        try paydesk(["account", "add", "ali", "--channel", "alipay", "--merchant", "acme", "--name", "Alipay"])
        try openssl(["genrsa", "-out", dir.path("center.key"), "2048"])
        try openssl(["rsa", "-in", dir.path("center.key"), "-pubout", "-out", dir.path("center.pub")])
        try openssl(["genrsa", "-out", dir.path("other.key"), "2048"])
        try openssl(["rsa", "-in", dir.path("other.key"), "-pubout", "-out", dir.path("other.pub")])
        let registered = try paydesk(["sandbox", "register", "ali", "--center-key", dir.path("center.pub"), "--out", dir.path("portal")])
        try paydesk(["account", "set", "ali"] + settings(registered.stdout))
        let before = try paydesk(["account", "list", "--json"]).stdout

        let missing = try paydesk(["account", "import-key", "ali", "app_private_key", dir.path("nope.key")], exit: 3)
        #expect(missing.stderr.contains("key file '\(dir.path("nope.key"))': no such file"))
        let swapped = try paydesk(["account", "import-key", "ali", "app_private_key", dir.path("center.pub")], exit: 3)
        #expect(swapped.stderr.contains("key file '\(dir.path("center.pub"))'") && swapped.stderr.contains("PRIVATE key"))
        let leaked = try paydesk(["account", "import-key", "ali", "alipay_public_key", dir.path("center.key")], exit: 3)
        #expect(leaked.stderr.contains("holds a PRIVATE key"))
        let typed = try paydesk(["account", "set", "ali", "--set", "app_private_key=abc"], exit: 3)
        #expect(typed.stderr.contains("import-key"))
        #expect(try paydesk(["account", "list", "--json"]).stdout == before)

        try paydesk(["account", "import-key", "ali", "app_private_key", dir.path("center.key")])
        try paydesk(["account", "import-key", "ali", "alipay_public_key", dir.path("other.pub")])
        let channelSide = try paydesk(["account", "test", "ali"], exit: 1)
        #expect(channelSide.stdout.contains("FAILED on the channel side"))
        try paydesk(["account", "import-key", "ali", "alipay_public_key", dir.path("portal/alipay_public_key.pem")])
        try paydesk(["account", "test", "ali"])
        try paydesk(["account", "import-key", "ali", "app_private_key", dir.path("other.key")])
        let centerSide = try paydesk(["account", "test", "ali"], exit: 1)
        #expect(centerSide.stdout.contains("FAILED on the center side"))

        try FileManager.default.moveItem(atPath: db + ".audit-key", toPath: db + ".audit-key.away")
        let check = try paydesk(["check"], exit: 1)
        #expect(check.stdout.contains("'\(db).audit-key' is missing"))
    }
}
