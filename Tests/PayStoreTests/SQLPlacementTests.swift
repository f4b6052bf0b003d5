import Foundation
import Testing

/// The store's rule: all SQL lives in PayStore (the sandbox PSP keeps its own store and its own
/// SQL), and statuses are bound from their enums, never written into the SQL of a repository — so
/// that another backend can follow without touching the services.
@Suite("SQL placement")
struct SQLPlacementTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every Swift file under Sources, by path relative to it, with its lines.
    static func files() throws -> [(path: String, lines: [Substring])] {
        let root = sources.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, [Substring])] = []
        for case let path as String in walker where path.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
            files.append((path, text.split(separator: "\n", omittingEmptySubsequences: false)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    static func matches(_ line: Substring, _ pattern: String) -> Bool {
        line.range(of: pattern, options: .regularExpression) != nil
    }

    @Test("no SQL outside PayStore and the sandbox's own store")
    func sqlOnlyInPayStore() throws {
        let sql = #"\b(SELECT|INSERT INTO|DELETE FROM|CREATE TABLE|PRAGMA|ANALYZE)\b|\bUPDATE [a-z_]+ SET\b"#
        var offenders: [String] = []
        let files = try Self.files()
        #expect(files.count > 100, "no sources found under \(Self.sources.path)")
        for (path, lines) in files where !path.hasPrefix("PayStore/") && !path.hasPrefix("PayChannels/Sandbox/") {
            for (number, line) in lines.enumerated() where Self.matches(line, sql) {
                offenders.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "SQL outside PayStore:\n\(offenders.joined(separator: "\n"))")
    }

    @Test("the repositories bind every status, state and verdict; none is written into their SQL")
    func statusesBound() throws {
        // An upper-case word in quotes ('PAID', 'IN_FLIGHT') is a status written into SQL.
        let literal = #"'[A-Z][A-Z_]{2,}'"#
        var offenders: [String] = []
        for (path, lines) in try Self.files() where path.hasPrefix("PayStore/Repositories/") || (!path.hasPrefix("PayStore/")
            && !path.hasPrefix("PayChannels/Sandbox/")) {
            for (number, line) in lines.enumerated() where Self.matches(line, literal) && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                offenders.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "status literals in SQL:\n\(offenders.joined(separator: "\n"))")
    }
}
