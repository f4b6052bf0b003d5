import Foundation
import Testing
@testable import paydesk

/// `paydesk bench pay --concurrency N`: payments over the lane pool, without and with group commit.
@Suite("bench pay over lanes")
struct BenchPayConcurrencyTests {
    @Test("bench pay --concurrency pays every order once per run, without and with group commit; a bad count is refused")
    func benchConcurrency() throws {
        let result = InProcess.run(["bench", "pay", "--n", "12", "--concurrency", "3", "--json"])
        #expect(result.exitCode == 0, "\(result)")
        struct Report: Decodable {
            struct Run: Decodable { let groupCommit: Bool; let succeeded: Int; let storeCommitsPerPayment: Double }
            let concurrency: Int
            let runs: [Run]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.concurrency == 3)
        #expect(report.runs.map(\.groupCommit) == [false, true])
        #expect(report.runs.allSatisfy { $0.succeeded == 12 && $0.storeCommitsPerPayment > 0 })

        let bad = InProcess.run(["bench", "pay", "--n", "1", "--concurrency", "0"])
        #expect(bad.exitCode == 3 && bad.stderr.contains("--concurrency"), "\(bad)")
    }
}
