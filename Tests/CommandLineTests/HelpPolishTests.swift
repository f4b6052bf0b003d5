import Foundation
import Testing
import TestSupport
@testable import paydesk

/// Issue 14's command-line polish: every group answers `--help` (nested ones too), a required
/// option is not shown in brackets, and `business list` keeps long names whole in its columns.
@Suite("Help and listings")
struct HelpPolishTests {
    /// Every group of commands: each proper prefix of a command's words that other commands share.
    static var groups: [[String]] {
        var groups: [[String]] = []
        for spec in CommandRegistry.all where spec.path.count > 1 {
            for depth in 1..<spec.path.count {
                let prefix = Array(spec.path.prefix(depth))
                if !groups.contains(prefix) { groups.append(prefix) }
            }
        }
        return groups
    }

    @Test("paydesk GROUP --help and GROUP help answer for every group, nested ones too")
    func everyGroupHasHelp() {
        #expect(Self.groups.contains(["sandbox", "bill-fault"]))
        for group in Self.groups {
            for word in ["--help", "help"] {
                let result = InProcess.run(group + [word])
                #expect(result.exitCode == 0, "paydesk \(group.joined(separator: " ")) \(word): \(result)")
                let commands = CommandRegistry.all.filter { $0.path.count > group.count && Array($0.path.prefix(group.count)) == group }
                for command in commands {
                    #expect(result.stdout.contains("paydesk \(command.name)"), "\(group) \(word) lists \(command.name):\n\(result.stdout)")
                }
            }
        }
        let unknown = InProcess.run(["sandbox", "bill-fault", "nope"])
        #expect(unknown.exitCode == 2 && unknown.stderr.contains("unknown subcommand 'nope'") && unknown.stderr.contains("bill-fault omit"),
                "\(unknown)")
    }

    @Test("a required option is shown without brackets, an optional one in them")
    func requiredOptionsInUsage() {
        let help = InProcess.run(["reconcile", "--help"])
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("Usage: paydesk reconcile --account A --date YYYY-MM-DD [--bill FILE]"), "\(help.stdout)")
        #expect(help.stdout.contains("the channel account (required)"), "\(help.stdout)")
        let business = InProcess.run(["business", "add", "--help"])
        #expect(business.stdout.contains("Usage: paydesk business add L --merchant M --name NAME [--layout NAME]"), "\(business.stdout)")
    }

    @Test("business list measures its columns by display width and cuts no name")
    func businessListKeepsLongNames() throws {
        let store = try DemoStore()
        let long = "Harbour View Hotel — Front Desk and Concierge 港景酒店前台"
        #expect(store.run(["business", "set", "hotel", "--name", long]).exitCode == 0)
        let listed = store.run(["business", "list"])
        #expect(listed.exitCode == 0)
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        let hotel = try #require(lines.first { $0.hasPrefix("hotel ") })
        let retail = try #require(lines.first { $0.hasPrefix("retail ") })
        #expect(hotel.contains(long), "\(listed.stdout)")
        // The currency column starts at the same terminal column on every row.
        func column(_ line: String, of text: String) -> Int? {
            guard let range = line.range(of: text) else { return nil }
            return TextColumns.width(String(line[..<range.lowerBound]))
        }
        #expect(column(hotel, of: "  CNY  ") == column(retail, of: "  CNY  "), "\(listed.stdout)")
    }
}
