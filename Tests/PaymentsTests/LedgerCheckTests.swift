import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

/// `paydesk check` compares the center's records with the sandbox PSP's own ledger: money the
/// center believes moved moved at the channel, and money the channel moved is known to the center.
@Suite("Ledger check against the sandbox")
struct LedgerCheckTests {
    /// What the ledger comparison of `check` reports.
    static func ledgerProblems(_ f: PaymentFixture, settled: Bool) throws -> [String] {
        let report = try InvariantChecker(f.context).run(settled: settled)
        #expect(report.checked.contains(LedgerComparison.name), "\(report.checked)")
        return report.problems.filter { $0.hasPrefix(LedgerComparison.name) }
    }

    static func sql(_ f: PaymentFixture, _ text: String, _ arguments: StatementArguments = []) throws {
        _ = try f.store.write { try f.store.db.execute(text, arguments) }
    }

    @Test("a fresh demo store's past orders are money on both sides")
    func demoHistoryAgrees() throws {
        let f = try PaymentFixture()
        #expect(try Self.ledgerProblems(f, settled: true) == [])
        let summary = try InvariantChecker(f.context).run(settled: true).summary
        #expect(summary.contains { $0.hasPrefix("alipay-main: charged ") && $0.hasSuffix("at the sandbox and at the center") }, "\(summary)")
    }

    @Test("every trigger settled: the ledgers agree; before the janitor, a timed-out charge is money the center does not know")
    func triggersSettle() throws {
        let f = try PaymentFixture()
        // Plain success, partly refunded.
        try f.order("L1", 1_000)
        let plain = try #require(try f.pay("L1", .alipay, authCode: Barcode.alipay).attempt)
        #expect(try f.refund(plain, "4.00").status == .succeeded)
        // 53: the call times out, the sandbox took the money.
        try f.order("L53", 1_253)
        let timedOut = try #require(try f.pay("L53", by: .card).attempt)
        #expect(timedOut.status == .unknown)
        // 54: the call times out, the sandbox took nothing.
        try f.order("L54", 1_254)
        let notCharged = try #require(try f.pay("L54", by: .barcode).attempt)
        #expect(notCharged.status == .unknown)

        // The center does not know yet: no problem while things settle, one with --settled.
        #expect(try Self.ledgerProblems(f, settled: false) == [])
        let unsettled = try Self.ledgerProblems(f, settled: true)
        #expect(unsettled.count == 1, "\(unsettled)")
        let line = try #require(unsettled.first)
        #expect(line.contains("the sandbox charged payment \(timedOut.serial) 12.53 CNY on \(timedOut.account)"), "\(line)")
        #expect(line.contains("the center still has it UNKNOWN (order L53)"), "\(line)")
        #expect(try InvariantChecker(f.context).run(settled: true).problems.contains(line))

        // 56: a pay code with three callbacks and a stale one.
        try f.order("L56", 4_456)
        let repeated = try #require(try f.pay("L56", .alipay).attempt)
        try f.advance("5s")
        try f.deliverCallbacks()
        #expect(try f.attempt(repeated.id).status == .succeeded)
        // 58: the refund is accepted, then fails.
        try f.order("L58", 6_658)
        let refundFails = try #require(try f.pay("L58", by: .barcode).attempt)
        #expect(try f.refund(refundFails, "20.00").status == .processing)
        try f.advance("1s")
        try f.deliverCallbacks()
        #expect(try f.refunds("L58").map(\.status) == [.failed])
        // A duplicate payment: a pay code scanned two minutes late, after a barcode paid; refunded by the scanner.
        try f.sandbox.setLatency(channel: "alipay", milliseconds: 120_000)
        try f.order("LDU", 10_000)
        let late = try #require(try f.pay("LDU", .alipay).attempt)
        #expect(try f.pay("LDU", .wechat, authCode: Barcode.wechat, overriddenBy: PaymentFixture.supervisor).exitCode == 0)
        try f.advance("2m")
        try f.deliverCallbacks()
        #expect(try f.attempt(late.id).status == .succeeded)
        #expect(try f.scanDuplicates() == 1)
        #expect(try f.refunds("LDU").map(\.status) == [.succeeded])

        // The janitor (due a minute after the timeouts, passed by now) settles 53 and 54.
        try f.janitor()
        #expect(try f.attempt(timedOut.id).status == .succeeded)
        #expect(try f.attempt(notCharged.id).status == .closed)
        #expect(try Self.ledgerProblems(f, settled: true) == [])
        let summary = try InvariantChecker(f.context).run(settled: true).summary
        #expect(summary.contains { $0.hasPrefix("\(timedOut.account): ") && $0.hasSuffix("at the sandbox and at the center") }, "\(summary)")
        #expect(summary.allSatisfy { $0.hasSuffix("at the sandbox and at the center") }, "\(summary)")
    }

    @Test("an attempt marked SUCCEEDED by hand that the sandbox never charged is reported, with or without --settled")
    func succeededNeverCharged() throws {
        let f = try PaymentFixture()
        try f.order("X54", 1_254)
        let attempt = try #require(try f.pay("X54", by: .barcode).attempt)
        try Self.sql(f, "UPDATE payment_attempts SET status = ? WHERE id = ?", [AttemptStatus.succeeded.rawValue, attempt.id])
        for settled in [false, true] {
            let problems = try Self.ledgerProblems(f, settled: settled)
            #expect(problems == ["\(LedgerComparison.name): payment \(attempt.serial) (order X54) is SUCCEEDED for 12.54 CNY on \(attempt.account), but the sandbox never charged it"], "\(problems)")
        }
    }

    @Test("a center record that disagrees with what the sandbox did is named with serials and amounts")
    func tamperedRecords() throws {
        let f = try PaymentFixture()
        try f.order("X1", 1_000)
        let paid = try #require(try f.pay("X1", .alipay, authCode: Barcode.alipay).attempt)
        try f.order("X58", 6_658)
        let other = try #require(try f.pay("X58", by: .barcode).attempt)
        let failing = try f.refund(other, "20.00")
        try f.advance("1s")
        try f.deliverCallbacks()
        let refund = try f.refund(paid, "4.00")
        #expect(try Self.ledgerProblems(f, settled: true) == [])

        // The amount of a paid attempt, a failed refund made SUCCEEDED, a succeeded refund made FAILED.
        try Self.sql(f, "UPDATE payment_attempts SET amount_minor = 900 WHERE id = ?", [paid.id])
        try Self.sql(f, "UPDATE refunds SET status = ? WHERE id = ?", [RefundStatus.succeeded.rawValue, failing.id])
        try Self.sql(f, "UPDATE refunds SET status = ? WHERE id = ?", [RefundStatus.failed.rawValue, refund.id])
        let problems = try Self.ledgerProblems(f, settled: false)
        #expect(problems.contains("\(LedgerComparison.name): payment \(paid.serial) (order X1) is SUCCEEDED for 9.00 CNY on alipay-main, but the sandbox charged 10.00 CNY (trade \(paid.channelSerial ?? ""))"), "\(problems)")
        #expect(problems.contains("\(LedgerComparison.name): refund \(failing.serial) of payment \(other.serial) is SUCCEEDED for 20.00 CNY, but the sandbox never refunded it (it has it failed)"), "\(problems)")
        #expect(problems.contains("\(LedgerComparison.name): the sandbox refunded \(refund.serial) 4.00 CNY of payment \(paid.serial) on alipay-main, but the center has it FAILED"), "\(problems)")
        #expect(problems.count == 3, "\(problems)")

        // A charge the center settled as FAILED.
        try Self.sql(f, "UPDATE payment_attempts SET status = ? WHERE id = ?", [AttemptStatus.failed.rawValue, other.id])
        #expect(try Self.ledgerProblems(f, settled: false).contains {
            $0.contains("the sandbox charged payment \(other.serial) 66.58 CNY on alipay-main") && $0.hasSuffix("but the center has it FAILED (order X58)")
        })
        // The per-account sums say so too.
        let summary = try InvariantChecker(f.context).run().summary
        #expect(summary.contains { $0.hasPrefix("alipay-main: the sandbox charged ") && $0.hasSuffix(": they differ") }, "\(summary)")
    }

    @Test("a store without a sandbox file beside it (real channels) is not compared")
    func noSandboxNoComparison() throws {
        let f = try PaymentFixture()
        try FileManager.default.removeItem(atPath: Sandbox.path(forStore: f.store.path))
        let report = try InvariantChecker(f.context).run(settled: true)
        #expect(!report.checked.contains(LedgerComparison.name))
        #expect(report.summary.isEmpty)
    }

    @Test("an emptied sandbox file is reported, and check leaves it as it is")
    func emptiedSandbox() throws {
        let f = try PaymentFixture()
        let path = Sandbox.path(forStore: f.store.path)
        try Data().write(to: URL(fileURLWithPath: path))
        let problems = try Self.ledgerProblems(f, settled: false)
        #expect(problems == ["\(LedgerComparison.name): sandbox '\(path)': the file is empty, its ledger is gone"], "\(problems)")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0, "check wrote nothing into it")
    }
}
