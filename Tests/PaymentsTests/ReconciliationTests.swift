import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Reconciliation (issue 16) over real sandbox payments: the bill the channel writes, or one the
/// test writes in the acquirer's settlement format to make each disagreement on purpose.
@Suite("Reconciliation: runs, mismatches, the holding pool, resolution")
struct ReconciliationTests {
    /// The fixture's day, as the card channel dates it (UTC).
    static let day = "2026-11-21"
    static let nextDay = "2026-11-22"

    func service(_ f: PaymentFixture) -> ReconciliationService { ReconciliationService(f.context, gateway: f.gateway) }

    /// A card payment of `minor` (its last two digits choose the sandbox's behaviour).
    func cardPayment(_ f: PaymentFixture, _ no: String, _ minor: Int64) throws -> PaymentAttempt {
        try f.order(no, minor)
        let outcome = try f.pay(no, .card, card: try TestCard.card(TestCard.success))
        return try #require(outcome.attempt)
    }

    /// One line of a settlement bill.
    struct Line {
        var type = "payment"
        var channelSerial: String
        var centerSerial: String
        var paymentChannelSerial = ""
        var time = Timestamp(milliseconds: PaymentFixture.start.milliseconds + 60_000)
        var currency = "CNY"
        var amount: Int64
        var fee: Int64
        var status = "succeeded"
    }

    /// Writes the acquirer's settlement bill (header, lines, a trailer per currency, end) with totals that add up.
    func bill(_ f: PaymentFixture, _ name: String, _ lines: [Line], paidOverride: Int64? = nil) throws -> String {
        func text(_ minor: Int64, _ code: String) -> String { Money(minorUnits: minor, currency: Currency(code: code) ?? .CNY).decimalString }
        var rows = ["type,channel_serial,center_serial,payment_channel_serial,booked_at_utc,currency,gross,fee,net,status"]
        var totals: [String: (payments: Int, paid: Int64, refunds: Int, refunded: Int64, fees: Int64)] = ["CNY": (0, 0, 0, 0, 0)]
        for l in lines {
            let sign: Int64 = l.type == "refund" ? -1 : 1
            rows.append([l.type, l.channelSerial, l.centerSerial, l.paymentChannelSerial, l.time.iso8601, l.currency, text(sign * l.amount, l.currency),
                         text(sign * l.fee, l.currency), text(sign * (l.amount - l.fee), l.currency), l.status].joined(separator: ","))
            guard l.status == "succeeded" else { continue }
            var t = totals[l.currency] ?? (0, 0, 0, 0, 0)
            if l.type == "refund" { t.refunds += 1; t.refunded += l.amount; t.fees -= l.fee } else { t.payments += 1; t.paid += l.amount; t.fees += l.fee }
            totals[l.currency] = t
        }
        for (code, t) in totals.sorted(by: { $0.key < $1.key }) {
            let paid = code == "CNY" ? paidOverride ?? t.paid : t.paid
            rows.append("trailer,\(code),\(t.payments),\(text(paid, code)),\(t.refunds),\(text(t.refunded, code)),\(text(t.fees, code)),\(text(t.paid - t.refunded - t.fees, code))")
        }
        rows.append("end,\(lines.count)")
        let path = f.directory.path(name)
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The line the channel would write for a center payment, exactly agreeing with it.
    func line(_ f: PaymentFixture, for attempt: PaymentAttempt) throws -> Line {
        let fresh = try f.attempt(attempt.id)
        let account = try #require(try f.store.channelAccounts.find(fresh.account))
        return Line(channelSerial: fresh.channelSerial ?? "ch_\(fresh.serial)", centerSerial: fresh.serial.rawValue,
                    amount: fresh.amount.minorUnits, fee: account.fee(for: fresh.amount).minorUnits)
    }

    /// The lines of every succeeded payment of `account` on the fixture's day but `except`: the
    /// demo's own sales of the day, as the channel lists them.
    func otherLines(_ f: PaymentFixture, account: String, except: [PaymentAttempt]) throws -> [Line] {
        let (from, to) = try ReconciliationSettings.window(date: Self.day, channel: "card")
        var ids: [Int64] = []
        try f.store.reconciliation.forEachAttempt(account: account, from: from, to: to) { record in
            if record.status == "SUCCEEDED", !except.contains(where: { $0.id == record.id }) { ids.append(record.id) }
        }
        return try ids.map { try line(f, for: try f.attempt($0)) }
    }

    // MARK: The run

    @Test("a day the channel's own bill agrees with is MATCHED, with the bill kept beside the store and both sides' totals")
    func matchedDay() throws {
        let f = try PaymentFixture()
        let a = try cardPayment(f, "RC-1", 12_000)
        let b = try cardPayment(f, "RC-2", 3_000)
        #expect(a.status == .succeeded && b.status == .succeeded)
        _ = try f.refund(try f.attempt(a.id), "20.00")
        let report = try service(f).run(account: a.account, date: Self.day)
        #expect(report.run.status == .matched, "\(report.mismatches)")
        // The demo's own sales of the day are on the bill too: both sides must simply agree.
        #expect(report.run.bill.payments == report.run.center.payments && report.run.bill.paid == report.run.center.paid)
        #expect(report.run.bill.payments >= 1 && report.run.bill.refunds == 1 && report.run.bill.refunded == 2_000)
        #expect(report.run.center.refunds == 1 && report.run.center.refunded == 2_000)
        #expect(report.run.bill.fees == report.run.center.fees, "the fees are the account's terms")
        #expect(report.run.matched == report.run.billLines && report.run.billLines >= 2)
        if b.account != a.account {
            #expect(try service(f).run(account: b.account, date: Self.day).run.status == .matched)
        }
        let file = try #require(report.run.billFile)
        #expect(file == ReconciliationService.billPath(storePath: f.store.path, account: a.account, date: Self.day))
        #expect(FileManager.default.fileExists(atPath: file))
    }

    @Test("a lost callback: the channel took the money, the center has it UNKNOWN; trusting the channel settles it through the payment service and the timeline shows it")
    func lostCallbackSettled() throws {
        let f = try PaymentFixture()
        let lost = try cardPayment(f, "RC-LOST", 2_053)
        #expect(lost.status == .unknown)
        let report = try service(f).run(account: lost.account, date: Self.day)
        #expect(report.run.status == .mismatched)
        let item = try #require(report.mismatches.first)
        #expect(report.mismatches.count == 1)
        #expect(item.type == .channelSuccessCenterNot)
        #expect(item.note.contains("lost callback"))
        #expect(item.center?.status == "UNKNOWN" && item.channel?.outcome == "succeeded")
        #expect(try f.firingAlerts(rule: "reconciliation.mismatch").count == 1)

        let plan = try service(f).plan(item.id, as: .trustChannel)
        #expect(plan.refusal == nil && plan.effect.contains("through the payment service"))
        #expect(try f.order("RC-LOST").status == .paying, "a preview changes nothing")

        let resolved = try service(f).resolve(item.id, as: .trustChannel, reason: "the acquirer's bill line 2 shows it captured")
        #expect(resolved.state == .resolved && resolved.resolvedBy == "cli:tester")
        #expect(resolved.outcome?.contains("SUCCEEDED") == true)
        #expect(try f.attempt(lost.id).status == .succeeded)
        let order = try f.order("RC-LOST")
        #expect(order.status == .paid)
        #expect(try f.outboxTopics("RC-LOST") == ["order.paid"])
        let timeline = try OrderTimeline(f.context).entries(orderId: order.id)
        #expect(timeline.contains { $0.summary.contains("reconciliation.resolve") && $0.summary.contains("trust channel") },
                "\(timeline.map(\.summary))")
        // Resolving again is refused: it is resolved.
        #expect(throws: PayError.self) { try service(f).resolve(item.id, as: .trustCenter, reason: "again") }
    }

    @Test("running a day again is a new version: the earlier run is kept, the same mismatches found, a resolution carried over")
    func rerunIsIdempotent() throws {
        let f = try PaymentFixture()
        let paid = try cardPayment(f, "RR-1", 5_000)
        let path = try bill(f, "rr.csv", [Line(channelSerial: "ch_stranger", centerSerial: "P_NOT_OURS_1", amount: 700, fee: 33),
                                           try line(f, for: paid)] + (try otherLines(f, account: paid.account, except: [paid])))
        try ReconciliationSettings.save(f.store, holdDays: ("card", 0))
        let first = try service(f).run(account: paid.account, date: Self.day, billFile: path)
        #expect(first.run.version == 1 && first.run.status == .mismatched)
        #expect(first.mismatches.map(\.type) == [.channelOnly])
        try service(f).resolve(first.mismatches[0].id, as: .trustCenter, reason: "the acquirer confirmed it is another merchant's")
        let second = try service(f).run(account: paid.account, date: Self.day, billFile: path)
        #expect(second.run.version == 2)
        #expect(second.mismatches.map(\.type) == [.channelOnly])
        #expect(second.mismatches[0].state == .resolved, "the earlier resolution stands")
        #expect(second.mismatches[0].outcome?.contains("carried from mismatch #\(first.mismatches[0].id)") == true)
        let runs = try service(f).runs(date: Self.day, account: paid.account)
        #expect(runs.map(\.version) == [2, 1])
        #expect(try service(f).report(run: first.run.id).mismatches[0].state == .resolved)
        #expect(try f.attempt(paid.id).status == .succeeded, "nothing else moved")
    }

    @Test("each kind of disagreement of payments and refunds gets its own type")
    func everyMismatchType() throws {
        let f = try PaymentFixture()
        try ReconciliationSettings.save(f.store, holdDays: ("card", 0))
        let short = try cardPayment(f, "MT-SHORT", 10_000)
        let over = try cardPayment(f, "MT-OVER", 10_000)
        let fee = try cardPayment(f, "MT-FEE", 10_000)
        let currency = try cardPayment(f, "MT-CUR", 10_000)
        let notAtChannel = try cardPayment(f, "MT-FAILED", 10_000)
        let missing = try cardPayment(f, "MT-MISSING", 10_000)
        let refunded = try cardPayment(f, "MT-REFUND", 10_000)
        let refund = try f.refund(try f.attempt(refunded.id), "30.00")
        let failed = try f.order("MT-DECLINED", 10_000)
        let declined = try #require(try f.pay("MT-DECLINED", .card, card: try TestCard.card(TestCard.declined)).attempt)
        #expect(declined.status == .failed && failed.status == .created)
        var lines = [
            try { var l = try line(f, for: short); l.amount -= 100; return l }(),
            try { var l = try line(f, for: over); l.amount += 100; return l }(),
            try { var l = try line(f, for: fee); l.fee += 1; return l }(),
            try { var l = try line(f, for: currency); l.currency = "USD"; return l }(),
            try { var l = try line(f, for: notAtChannel); l.status = "failed"; return l }(),
            try line(f, for: declined),
            Line(channelSerial: "ch_never_seen", centerSerial: "P_NOT_OURS_2", amount: 1_234, fee: 42),
        ]
        let freshRefund = try #require(try f.store.refunds.find(id: refund.id))
        lines.append(Line(type: "refund", channelSerial: freshRefund.channelRefundSerial ?? "", centerSerial: freshRefund.serial.rawValue,
                          paymentChannelSerial: try f.attempt(refunded.id).channelSerial ?? "", amount: 2_900, fee: 0))
        lines.append(Line(type: "refund", channelSerial: "re_never_seen", centerSerial: "R_NOT_OURS_3", paymentChannelSerial: "ch_never_seen", amount: 500, fee: 0))
        lines.append(try line(f, for: refunded))
        lines += try otherLines(f, account: short.account,
                                except: [short, over, fee, currency, notAtChannel, missing, refunded, declined])
        let report = try service(f).run(account: short.account, date: Self.day, billFile: try bill(f, "types.csv", lines))
        let types = Set(report.mismatches.map(\.type))
        let expected: Set<MismatchType> = [.amountShort, .amountOver, .feeDiffers, .currencyDiffers, .centerSuccessChannelNot,
                                           .channelSuccessCenterNot, .channelOnly, .centerOnly, .refundAmountShort, .refundChannelOnly]
        #expect(types == expected, "\(report.mismatches.map { "\($0.type) \($0.key)" })")
        #expect(report.mismatches.first { $0.type == .centerOnly }?.center?.serial == missing.serial.rawValue)
        #expect(report.mismatches.first { $0.type == .channelSuccessCenterNot }?.note.contains("FAILED") == true)
        let fees = try #require(report.mismatches.first { $0.type == .feeDiffers })
        #expect(fees.channel!.fee.minorUnits == fees.center!.fee!.minorUnits + 1)
        let counts = Dictionary(uniqueKeysWithValues: report.typeCounts.map { ($0.type, $0.count) })
        #expect(counts[.amountShort] == 1 && counts.values.reduce(0, +) == report.mismatches.count)
    }

    @Test("the holding pool: a trade that crossed midnight waits for the next day's bill; one that never shows becomes a mismatch a day later")
    func holdingPoolAcrossTwoDays() throws {
        let f = try PaymentFixture()
        let crossed = try cardPayment(f, "HP-CROSS", 12_000)
        let never = try cardPayment(f, "HP-NEVER", 12_100)
        let others = try otherLines(f, account: crossed.account, except: [crossed, never])
        let first = try service(f).run(account: crossed.account, date: Self.day, billFile: try bill(f, "d1.csv", others))
        #expect(first.run.status == .matched, "one day's wait is not a mismatch")
        #expect(first.run.held == 2)
        #expect(try service(f).pool(account: crossed.account).filter { $0.state == .waiting }.count == 2)

        var late = try line(f, for: crossed)
        late.time = Timestamp(milliseconds: PaymentFixture.start.milliseconds + 86_400_000)
        let second = try service(f).run(account: crossed.account, date: Self.nextDay, billFile: try bill(f, "d2.csv", [late]))
        #expect(second.run.released == 1)
        #expect(second.mismatches.map(\.type) == [.centerOnly])
        #expect(second.mismatches.first?.center?.serial == never.serial.rawValue)
        #expect(second.mismatches.first?.note.contains("holding pool") == true)
        let pool = try service(f).pool(account: crossed.account)
        #expect(pool.first { $0.attemptId == crossed.id }?.state == .matched)
        #expect(pool.first { $0.attemptId == never.id }?.state == .expired)
    }

    @Test("a bill whose summary disagrees with its lines is a FAILED run and nothing is applied")
    func summaryDisagrees() throws {
        let f = try PaymentFixture()
        let paid = try cardPayment(f, "SD-1", 5_000)
        let path = try bill(f, "sd.csv", [try line(f, for: paid), Line(channelSerial: "ch_x", centerSerial: "P_NOT_OURS_4", amount: 100, fee: 5)],
                            paidOverride: 99_999)
        #expect {
            try service(f).run(account: paid.account, date: Self.day, billFile: path)
        } throws: { error in
            guard let error = error as? PayError else { return false }
            return error.kind == .invalidInput && error.message.contains("FAILED") && error.message.contains("nothing applied")
        }
        let runs = try service(f).runs(account: paid.account)
        #expect(runs.count == 1 && runs[0].status == .failed)
        #expect(try service(f).report(run: runs[0].id).mismatches.isEmpty)
        #expect(try service(f).pool(account: paid.account).isEmpty)
        #expect(try f.firingAlerts(rule: "reconciliation.failed").count == 1)
    }

    @Test("a malformed bill is refused with its line number and recorded FAILED")
    func malformedBill() throws {
        let f = try PaymentFixture()
        let paid = try cardPayment(f, "MB-1", 5_000)
        var good = try bill(f, "mb.csv", [try line(f, for: paid)])
        let text = try String(contentsOfFile: good, encoding: .utf8).replacingOccurrences(of: "50.00", with: "50.0x")
        good = f.directory.path("mb-bad.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: good))
        #expect {
            try service(f).run(account: paid.account, date: Self.day, billFile: good)
        } throws: { error in
            guard let error = error as? PayError else { return false }
            return error.kind == .invalidInput && error.message.contains("line 2")
        }
        #expect(try service(f).runs(account: paid.account).first?.status == .failed)
    }

    // MARK: Who may

    @Test("support reads runs but may not run or resolve; a cashier reads nothing")
    func permissions() throws {
        let f = try PaymentFixture()
        let paid = try cardPayment(f, "PM-1", 5_000)
        try ReconciliationSettings.save(f.store, holdDays: ("card", 0))
        let report = try service(f).run(account: paid.account, date: Self.day,
                                        billFile: try bill(f, "pm.csv", try otherLines(f, account: paid.account, except: [paid])))
        let item = try #require(report.mismatches.first)
        f.context.actor = Actor(name: "support", role: .support, origin: "test")
        #expect(try service(f).runs().count == 1)
        #expect(throws: PayError.notPermitted("support (support) may not run reconciliations or resolve their mismatches: needs supervisor or admin")) {
            try service(f).run(account: paid.account, date: Self.day)
        }
        #expect(throws: PayError.self) { try service(f).resolve(item.id, as: .trustCenter, reason: "x") }
        f.context.actor = Actor(name: "cashier", role: .cashier, origin: "test")
        #expect(throws: PayError.self) { try service(f).runs() }
        #expect(try f.store.reconciliation.item(id: item.id)?.state == .open)
    }

    @Test("a resolution moving more than the threshold needs a second person who may approve refunds")
    func secondPerson() throws {
        let f = try PaymentFixture()
        let lost = try cardPayment(f, "SP-LOST", 300_053)
        #expect(lost.status == .unknown)
        let supervisor = Actor(name: "supervisor", role: .supervisor, origin: "test")
        f.context.actor = supervisor
        let report = try service(f).run(account: lost.account, date: Self.day)
        let item = try #require(report.mismatches.first)
        #expect(try service(f).plan(item.id, as: .trustChannel).needsApproval)
        #expect(try service(f).plan(item.id, as: .trustCenter).needsApproval == false, "marking moves nothing")
        #expect(throws: PayError.self) { try service(f).resolve(item.id, as: .trustChannel, reason: "bill") }
        #expect(throws: PayError.self) { try service(f).resolve(item.id, as: .trustChannel, reason: "bill", approver: supervisor) }
        #expect(try f.attempt(lost.id).status == .unknown, "refused: nothing moved")
        let resolved = try service(f).resolve(item.id, as: .trustChannel, reason: "bill",
                                              approver: Actor(name: "admin", role: .admin, origin: "test"))
        #expect(resolved.approvedBy == "admin")
        #expect(try f.order("SP-LOST").status == .paid)
    }
}
