import Testing
import PayCore
import PayStore
@testable import PayServices

/// `paydesk check` names each broken money invariant with the rows it concerns. Each test breaks a
/// paid order's rows the way a crash or a hand edit could, and reads what the checker says.
@Suite("Invariant checker")
struct InvariantCheckerTests {
    /// A fixture with order K1 paid 10.00 by barcode, and what `check` says about K1 after `damage`.
    static func problems(settled: Bool = false, refund: String? = nil,
                         _ damage: (PaymentFixture, PaymentAttempt) throws -> Void) throws -> (problems: [String], serial: String) {
        let f = try PaymentFixture()
        try f.order("K1", 1_000)
        _ = try f.pay("K1", .alipay, authCode: Barcode.alipay)
        var attempt = try #require(try f.attempts("K1").first)
        #expect(attempt.status == .succeeded)
        if let refund { _ = try f.refund(attempt, refund) }
        attempt = try f.attempt(attempt.id)
        try damage(f, attempt)
        let problems = try InvariantChecker(f.context).run(settled: settled).problems
            .filter { $0.contains("K1") || $0.contains(attempt.serial.rawValue) || $0.hasPrefix("integrity") }
        return (problems, attempt.serial.rawValue)
    }

    static func sql(_ f: PaymentFixture, _ text: String, _ arguments: StatementArguments = []) throws {
        _ = try f.store.write { try f.store.db.execute(text, arguments) }
    }

    @Test("a paid and partly refunded order breaks nothing; every check is run")
    func cleanStore() throws {
        let (problems, _) = try Self.problems(refund: "4.00") { _, _ in }
        #expect(problems.isEmpty, "\(problems)")
        let f = try PaymentFixture()
        let report = try InvariantChecker(f.context).run(settled: true)
        #expect(report.checked.contains("nothing in flight"))
        #expect(try !InvariantChecker(f.context).run().checked.contains("nothing in flight"))
        #expect(report.checked.count == 12, "\(report.checked)")
        #expect(report.checked.contains("secrets at rest"))
        #expect(report.checked.last == LedgerComparison.name, "a sandbox file lies beside the store")
    }

    @Test("a payment left INIT is half-written")
    func halfWritten() throws {
        let (problems, serial) = try Self.problems { f, a in
            try Self.sql(f, "UPDATE payment_attempts SET status = ? WHERE id = ?", [AttemptStatus.initial.rawValue, a.id])
        }
        #expect(problems.contains("no half-written payment: payment \(serial) is INIT"), "\(problems)")
        #expect(problems.contains("paid amounts agree with payments: order K1 paid 1000 but its payments succeeded for 0"), "\(problems)")
    }

    @Test("a payment still PROCESSING is named only by the settled check")
    func inFlight() throws {
        let damage: (PaymentFixture, PaymentAttempt) throws -> Void = { f, a in
            try Self.sql(f, "UPDATE payment_attempts SET status = ? WHERE id = ?", [AttemptStatus.processing.rawValue, a.id])
            try Self.sql(f, "UPDATE orders SET status = ?, paid_minor = 0 WHERE order_no = 'K1'", [OrderStatus.paying.rawValue])
        }
        let (loose, _) = try Self.problems(damage)
        #expect(loose.isEmpty, "\(loose)")
        let (settled, serial) = try Self.problems(settled: true, damage)
        #expect(settled.filter { !$0.hasPrefix(LedgerComparison.name) } == ["nothing in flight: payment \(serial) is still PROCESSING"], "\(settled)")
        // The sandbox charged it: money taken that the center does not know.
        #expect(settled.filter { $0.hasPrefix(LedgerComparison.name) }.map { $0.contains("payment \(serial) 10.00 CNY") && $0.contains("still has it PROCESSING") } == [true],
                "\(settled)")
    }

    @Test("refunds beyond their payment are named, failed refunds do not count")
    func refundsWithinPayments() throws {
        let (problems, serial) = try Self.problems(refund: "4.00") { f, a in
            try Self.sql(f, "UPDATE refunds SET amount_minor = 1500 WHERE attempt_id = ?", [a.id])
        }
        #expect(problems.contains("refunds within payments: payment \(serial) refunds 1500 > 1000"), "\(problems)")
        #expect(problems.contains("refunded amounts agree with refunds: order K1 refunded amount disagrees with its succeeded refunds"), "\(problems)")
        let (failed, _) = try Self.problems(refund: "4.00") { f, a in
            try Self.sql(f, "UPDATE refunds SET amount_minor = 1500, status = ? WHERE attempt_id = ?", [RefundStatus.failed.rawValue, a.id])
            try Self.sql(f, "UPDATE orders SET status = ?, refunded_minor = 0 WHERE order_no = 'K1'", [OrderStatus.paid.rawValue])
        }
        // The store alone is consistent; the sandbox's ledger says the refund went through.
        #expect(failed.count == 1 && failed.allSatisfy { $0.hasPrefix(LedgerComparison.name) && $0.hasSuffix("but the center has it FAILED") }, "\(failed)")
    }

    @Test("an order's paid amount must be the sum of its succeeded payments that are no duplicates")
    func paidAmounts() throws {
        let (edited, _) = try Self.problems { f, _ in
            try Self.sql(f, "UPDATE orders SET paid_minor = 900 WHERE order_no = 'K1'")
        }
        #expect(edited.contains("paid amounts agree with payments: order K1 paid 900 but its payments succeeded for 1000"), "\(edited)")
        #expect(edited.contains("order status agrees with amounts: order K1 is PAID with amounts that disagree"), "\(edited)")
        let (duplicate, _) = try Self.problems { f, a in
            try Self.sql(f, "UPDATE payment_attempts SET duplicate = 1 WHERE id = ?", [a.id])
        }
        #expect(duplicate == ["paid amounts agree with payments: order K1 paid 1000 but its payments succeeded for 0"], "\(duplicate)")
    }

    @Test("an order's status must agree with its amounts", arguments: [
        ("CLOSED", 0), ("CREATED", 0), ("PAYING", 0), ("REFUNDED", 0), ("PARTIALLY_REFUNDED", 1_500),
    ])
    func statusAgrees(status: String, refunded: Int64) throws {
        let (problems, _) = try Self.problems { f, _ in
            try Self.sql(f, "UPDATE orders SET status = ?, refunded_minor = ? WHERE order_no = 'K1'", [status, refunded])
        }
        #expect(problems.contains("order status agrees with amounts: order K1 is \(status) with amounts that disagree"), "\(problems)")
    }

    @Test("a PAID order with a refunded amount, and an amount refunded without refunds, are named")
    func refundedAmounts() throws {
        let (problems, _) = try Self.problems { f, _ in
            try Self.sql(f, "UPDATE orders SET refunded_minor = 100 WHERE order_no = 'K1'")
        }
        #expect(problems.contains("order status agrees with amounts: order K1 is PAID with amounts that disagree"), "\(problems)")
        #expect(problems.contains("refunded amounts agree with refunds: order K1 refunded amount disagrees with its succeeded refunds"), "\(problems)")
    }

    @Test("a paid order of a line with a notify URL must have its order.paid notification")
    func notified() throws {
        let (problems, _) = try Self.problems { f, _ in
            try Self.sql(f, "DELETE FROM outbox WHERE order_id = (SELECT id FROM orders WHERE order_no = 'K1')")
        }
        #expect(problems == ["paid orders notified or queued: paid order K1 has no order.paid notification"], "\(problems)")
    }
}
