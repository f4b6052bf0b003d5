import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// Issue 11's repair actions (`RepairDesk`): each previewed (what changes, or why not), each
/// taken only with the right, a reason and the order as previewed, audited, idempotent.
@Suite("Repair actions")
struct RepairDeskTests {
    static let support = Actor(name: "support", role: .support, origin: "test")
    static let supervisor = Actor(name: "supervisor", role: .supervisor, origin: "test")
    static let cashier = Actor(name: "cashier", role: .cashier, origin: "test")

    func desk(_ f: PaymentFixture) -> RepairDesk { RepairDesk(f.context, gateway: f.gateway) }

    /// Previews `action` on order `no` and takes it with `reason`.
    @discardableResult
    func take(_ f: PaymentFixture, _ no: String, _ action: RepairAction, reason: String = "customer called", key: String = "k1",
              approver: (name: String, password: String)? = nil) throws -> RepairResult {
        let order = try f.order(no)
        let preview = try desk(f).preview(action, orderId: order.id)
        return try desk(f).perform(RepairRequest(action: action, reason: reason, expected: preview.version, idempotencyKey: key,
                                                 approver: approver), orderId: order.id)
    }

    /// Order `no` paid by barcode at the till, then the fixture acts as support.
    func paidAsSupport(_ f: PaymentFixture, _ no: String, _ minor: Int64) throws -> PaymentAttempt {
        try f.order(no, minor)
        let paid = try #require(try f.pay(no, .alipay, authCode: Barcode.alipay).attempt)
        f.context.actor = Self.support
        return paid
    }

    /// The audit log, newest first, read as the local administrator.
    func audit(_ f: PaymentFixture) throws -> [AuditEntry] {
        let actor = f.context.actor
        f.context.actor = .localAdministrator(unixUser: "tester")
        defer { f.context.actor = actor }
        return try AuditLog(f.context).recent(limit: 100)
    }

    func repairAudit(_ f: PaymentFixture) throws -> [AuditEntry] {
        try audit(f).filter { $0.action.hasPrefix("repair.") }
    }

    @Test("a partial refund: the preview shows the statuses, the amounts and what the customer gets back; taken, it is audited with the reason")
    func partialRefund() throws {
        let f = try PaymentFixture()
        let paid = try paidAsSupport(f, "RD1", 30_000)
        let order = try f.order("RD1")
        let preview = try desk(f).preview(.refund(payment: paid.serial, amount: cny(2_500)), orderId: order.id)
        #expect(preview.title == "Refund 25.00 CNY of order RD1")
        #expect(preview.refusal == nil)
        #expect(preview.refundable == cny(30_000))
        #expect(!preview.needsApprover)
        #expect(preview.changes == [
            "order RD1 PAID → PARTIALLY_REFUNDED",
            "payment \(paid.serial): 25.00 CNY of 300.00 CNY refunded, 275.00 CNY left refundable",
            "the customer gets 25.00 CNY back on alipay (\(paid.account))",
        ])
        #expect(try desk(f).actions(orderId: order.id).contains(.refund(payment: paid.serial, amount: nil)))

        let result = try take(f, "RD1", .refund(payment: paid.serial, amount: cny(2_500)), reason: "  damaged box  ")
        #expect(result.order.status == .partiallyRefunded)
        #expect(result.order.refundedAmount == cny(2_500))
        #expect(result.summary.contains("25.00 CNY on payment \(paid.serial): SUCCEEDED"))
        let entry = try #require(try repairAudit(f).first)
        #expect(entry.action == "repair.refund" && entry.actor == "support")
        #expect(entry.detail?.contains("reason: damaged box;") == true, "\(entry.detail ?? "")")

        let tooMuch = try desk(f).preview(.refund(payment: paid.serial, amount: cny(30_000)), orderId: order.id)
        #expect(tooMuch.refusal == "amount 300.00 CNY: at most 275.00 CNY of payment \(paid.serial) can still be refunded")
        #expect(try desk(f).preview(.refund(payment: nil, amount: nil), orderId: order.id).title == "Refund 275.00 CNY of order RD1",
                "no amount: all that is still refundable")
    }

    @Test("a reason is required: empty or blank or over 500 characters is refused and nothing is refunded")
    func reasonRequired() throws {
        let f = try PaymentFixture()
        let paid = try paidAsSupport(f, "RD2", 10_000)
        for reason in ["", "   ", String(repeating: "x", count: 501)] {
            let error = #expect(throws: PayError.self) { try take(f, "RD2", .refund(payment: paid.serial, amount: nil), reason: reason) }
            #expect(error?.kind == .invalidInput)
            #expect(error?.message.hasPrefix("reason: ") == true)
        }
        #expect(try f.refunds("RD2").isEmpty)
        #expect(try take(f, "RD2", .refund(payment: paid.serial, amount: nil), reason: String(repeating: "x", count: 500))
            .order.status == .refunded, "the same key works once the reason is given")
    }

    @Test("an order that changed since the preview is refused with its new state named, and nothing is done")
    func staleRefused() throws {
        let f = try PaymentFixture()
        let paid = try paidAsSupport(f, "RD3", 10_000)
        let order = try f.order("RD3")
        let action = RepairAction.refund(payment: paid.serial, amount: cny(1_000))
        let seen = try desk(f).preview(action, orderId: order.id)
        try f.advance("1m")
        _ = try f.refund(paid, "20.00")
        let error = #expect(throws: PayError.self) {
            try desk(f).perform(RepairRequest(action: action, reason: "late", expected: seen.version, idempotencyKey: "s1"), orderId: order.id)
        }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("it is now PARTIALLY_REFUNDED (was PAID)") == true, "\(error?.message ?? "")")
        #expect(try f.refunds("RD3").count == 1)
        #expect(try repairAudit(f).isEmpty)
    }

    @Test("the same idempotency key again answers the first result and refunds nothing more; with another request it is a conflict")
    func idempotent() throws {
        let f = try PaymentFixture()
        let paid = try paidAsSupport(f, "RD4", 10_000)
        let action = RepairAction.refund(payment: paid.serial, amount: cny(1_000))
        let first = try take(f, "RD4", action, key: "once")
        let order = try f.order("RD4")
        // The repeat carries the version the first preview saw: it is answered, not refused as stale.
        let again = try desk(f).perform(RepairRequest(action: action, reason: "customer called", expected: OrderVersion(status: .paid, updatedAt: first.order.createdAt),
                                                      idempotencyKey: "once"), orderId: order.id)
        #expect(again.summary == first.summary)
        #expect(try f.refunds("RD4").count == 1)
        #expect(try repairAudit(f).count == 1)
        let other = #expect(throws: PayError.self) { try take(f, "RD4", action, reason: "another reason", key: "once") }
        #expect(other?.kind == .conflict)
        #expect(try f.refunds("RD4").count == 1)
    }

    @Test("above the operator's limit a second person approves on the spot: wrong password, no right to approve and the actor themselves are refused")
    func approverAboveLimit() throws {
        let f = try PaymentFixture()
        let paid = try paidAsSupport(f, "RD5", 50_000)
        let action = RepairAction.refund(payment: paid.serial, amount: cny(25_000))
        let preview = try desk(f).preview(action, orderId: try f.order("RD5").id)
        #expect(preview.needsApprover && preview.refusal == nil)
        #expect(preview.changes.last == "above support's refund limit: a supervisor or admin approves with their password")
        let refusals: [((name: String, password: String)?, String)] = [
            (nil, "needs a supervisor's approval (limit 200.00 for support support)"),
            (("supervisor", "wrong"), "login failed for operator 'supervisor'"),
            (("cashier", "demo"), "cashier is cashier and may not approve; needs supervisor or admin"),
            (("support", "demo"), "the approver must be someone else than support"),
        ]
        for (approver, message) in refusals {
            let error = #expect(throws: PayError.self) { try take(f, "RD5", action, approver: approver) }
            #expect(error?.kind == .notPermitted, "\(approver?.name ?? "none")")
            #expect(error?.message.contains(message) == true, "\(approver?.name ?? "none"): \(error?.message ?? "")")
        }
        #expect(try f.refunds("RD5").isEmpty, "no refusal refunded anything")
        let result = try take(f, "RD5", action, approver: ("supervisor", "demo"))
        #expect(result.order.status == .partiallyRefunded)
        let created = try audit(f).first { $0.action == "refund.create" }
        #expect(created?.detail?.contains("approved by supervisor") == true)
    }

    @Test("settle by hand: a cashier or support is refused before anything; a supervisor's SUCCEEDED pays the order as the channel's word would, and check stays green")
    func settleSucceeded() throws {
        let f = try PaymentFixture(actor: Self.supervisor)
        try f.order("RD6", 1_253)
        let unknown = try #require(try f.pay("RD6", .alipay, authCode: Barcode.alipay).attempt)
        #expect(unknown.status == .unknown)
        let order = try f.order("RD6")
        let before = try InvariantChecker(f.context).run().problems
        let action = RepairAction.settleByHand(payment: unknown.serial, outcome: .succeeded)
        for actor in [Self.cashier, Self.support] {
            f.context.actor = actor
            #expect(try desk(f).preview(action, orderId: order.id).refusal?.contains("may not settle an unknown payment by hand: needs supervisor or admin") == true)
            #expect(try !desk(f).actions(orderId: order.id).contains(action))
            let error = #expect(throws: PayError.self) {
                try desk(f).perform(RepairRequest(action: action, reason: "", expected: OrderVersion(order), idempotencyKey: "c"), orderId: order.id)
            }
            #expect(error?.kind == .notPermitted, "the permission is checked before the (missing) reason")
        }
        #expect(try f.attempt(unknown.id).status == .unknown)
        f.context.actor = Self.supervisor
        #expect(try desk(f).actions(orderId: order.id).contains(action))
        let preview = try desk(f).preview(action, orderId: order.id)
        #expect(preview.changes.prefix(2) == ["payment \(unknown.serial) UNKNOWN → SUCCEEDED (by hand; the janitor stops asking)",
                                              "order RD6 PAYING → PAID; the merchant is notified (order.paid)"])
        let result = try take(f, "RD6", action, reason: "alipay support confirmed trade by phone")
        #expect(result.order.status == .paid && result.order.paidAmount == cny(1_253))
        #expect(try f.attempt(unknown.id).status == .succeeded)
        #expect(try f.outboxTopics("RD6").contains("order.paid"))
        let audit = try audit(f).first { $0.action == "payment.settle-by-hand" }
        #expect(audit?.detail?.contains("reason: alipay support confirmed trade by phone") == true)
        #expect(try InvariantChecker(f.context).run().problems == before, "check stays as green as it was")
        let again = try desk(f).preview(action, orderId: order.id)
        #expect(again.refusal == "payment \(unknown.serial) is SUCCEEDED; only an UNKNOWN payment is settled by hand")
    }

    @Test("settle by hand as FAILED: the payment fails and the order is payable again")
    func settleFailed() throws {
        let f = try PaymentFixture(actor: Self.supervisor)
        try f.order("RD7", 1_053)
        let unknown = try #require(try f.pay("RD7", .alipay, authCode: Barcode.alipay).attempt)
        #expect(unknown.status == .unknown)
        let action = RepairAction.settleByHand(payment: unknown.serial, outcome: .failed)
        let preview = try desk(f).preview(action, orderId: try f.order("RD7").id)
        #expect(preview.changes.contains("order RD7 PAYING → CREATED (payable again)"))
        let result = try take(f, "RD7", action, reason: "channel has no such trade")
        #expect(result.order.status == .created)
        let failed = try f.attempt(unknown.id)
        #expect(failed.status == .failed && failed.failureCode == "SETTLED_BY_HAND")
        #expect(failed.failureMessage?.contains("channel has no such trade") == true)
    }

    @Test("close, resend and query: previews say what changes, and each is taken through its service")
    func closeResendQuery() throws {
        let f = try PaymentFixture(actor: Self.supervisor)
        try f.order("RD8", 10_000)
        let close = try desk(f).preview(.close, orderId: try f.order("RD8").id)
        #expect(close.changes.first == "order RD8 CREATED → CLOSED")
        #expect(try desk(f).preview(.resendNotification, orderId: try f.order("RD8").id).refusal == "order RD8 has no merchant notification to resend")
        #expect(try take(f, "RD8", .close).order.status == .closed)
        #expect(try desk(f).preview(.close, orderId: try f.order("RD8").id).refusal == "order RD8 is CLOSED; only an unpaid order can be closed")
        #expect(try desk(f).preview(.resendNotification, orderId: try f.order("RD8").id).changes.first?.hasPrefix("order.closed #") == true)
        _ = try take(f, "RD8", .resendNotification, key: "r1")
        #expect(try repairAudit(f).map(\.action) == ["repair.resend", "repair.close"])

        try f.order("RD9", 1_253)
        let unknown = try #require(try f.pay("RD9", .alipay, authCode: Barcode.alipay).attempt)
        f.context.actor = Self.support
        let query = try desk(f).preview(.queryChannel, orderId: try f.order("RD9").id)
        #expect(query.changes.first == "payment \(unknown.serial) (UNKNOWN) asked at alipay: its answer may make it SUCCEEDED or FAILED, and the order with it")
        #expect(try take(f, "RD9", .queryChannel, key: "q1").order.status == .paid, "the sandbox had taken the money")
        #expect(try desk(f).preview(.queryChannel, orderId: try f.order("RD9").id).refusal != nil, "nothing is open any more")
    }

    @Test("hold and release an automatic duplicate refund; a payment that is not a duplicate is refused")
    func holdDuplicate() throws {
        let f = try PaymentFixture()
        try f.sandbox.setLatency(channel: "alipay", milliseconds: 120_000)
        try f.order("RD10", 10_000)
        let code = try #require(try f.pay("RD10", .alipay).attempt)
        let wechat = try #require(try f.pay("RD10", .wechat, authCode: Barcode.wechat, overriddenBy: PaymentFixture.supervisor).attempt)
        try f.advance("2m")
        try f.deliverCallbacks()
        f.context.actor = Self.support
        let orderId = try f.order("RD10").id
        #expect(try desk(f).preview(.holdDuplicateRefund(payment: wechat.serial), orderId: orderId).refusal
            == "payment \(wechat.serial) is not a duplicate payment; nothing to hold")
        let hold = try desk(f).preview(.holdDuplicateRefund(payment: code.serial), orderId: orderId)
        #expect(hold.changes.first == "the automatic refund of 100.00 CNY is held: the customer does not get it back until it is released")
        _ = try take(f, "RD10", .holdDuplicateRefund(payment: code.serial), key: "h1")
        #expect(try f.store.attempts.duplicateState(code.id).held)
        #expect(try desk(f).actions(orderId: orderId).contains(.releaseDuplicateRefund(payment: code.serial)))
        _ = try take(f, "RD10", .releaseDuplicateRefund(payment: code.serial), key: "h2")
        #expect(try !f.store.attempts.duplicateState(code.id).held)
    }
}
