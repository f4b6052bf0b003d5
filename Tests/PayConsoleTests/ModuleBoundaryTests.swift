import Foundation
import Testing

/// The console's arrow: PayConsole talks to services only. Package.swift gives it no PayStore or
/// PayChannels, but SwiftPM may still let a module import a transitive dependency, so this test is
/// what enforces it: no file under Sources/PayConsole imports either.
@Suite("Module boundaries")
struct ModuleBoundaryTests {
    static let console = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/PayConsole").standardizedFileURL.path

    @Test("no file of PayConsole imports PayStore or PayChannels")
    func consoleImportsServicesOnly() throws {
        let walker = try #require(FileManager.default.enumerator(atPath: Self.console))
        var files = 0
        var offenders: [String] = []
        for case let path as String in walker where path.hasSuffix(".swift") {
            files += 1
            let text = try String(contentsOfFile: Self.console + "/" + path, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.range(of: #"^\s*(@testable\s+|@_exported\s+)?import\s+(class\s+|struct\s+|enum\s+)?(PayStore|PayChannels|CSQLite3|CCrypto)\b"#,
                             options: .regularExpression) != nil {
                offenders.append("PayConsole/\(path):\(number + 1): \(line)")
            }
        }
        #expect(files > 20, "no sources found under \(Self.console)")
        #expect(offenders.isEmpty, "PayConsole reaches past the services:\n\(offenders.joined(separator: "\n"))")
    }
}
