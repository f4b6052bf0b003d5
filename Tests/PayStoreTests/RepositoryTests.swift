import Testing
import Dispatch
import PayCore
@testable import PayStore
import TestSupport

@Suite("Repositories and guarded updates")
struct RepositoryTests {
    @Test("two connections racing on one attempt: exactly one wins, the loser changes nothing")
    func guardedUpdateLosesRace() throws {
        let t = try TestStore()
        let order = try t.order("R1")
        let attempt = try t.store.write {
            try t.store.attempts.insert(NewPaymentAttempt(serial: t.serials.next(.payment), orderId: order.id, method: .alipay,
                                                          mode: "barcode", channel: "alipay", account: "alipay-main",
                                                          amount: order.amount), at: t.now)
        }
        let other = try Store.open(path: t.path)
        // Both saw PROCESSING; the first records success, the second a failure.
        let first = try t.store.write {
            try t.store.attempts.transition(attempt.id, from: .processing, to: .succeeded,
                                            outcome: AttemptOutcome(channelSerial: "2026112122001"), at: t.now)
        }
        let second = try other.write {
            try other.attempts.transition(attempt.id, from: .processing, to: .failed,
                                          outcome: AttemptOutcome(failureKind: .declined, failureCode: "X"), at: t.now)
        }
        #expect(first == true)
        #expect(second == false)
        let stored = try t.store.attempts.find(id: attempt.id)!
        #expect(stored.status == .succeeded)
        #expect(stored.failureKind == nil)
        #expect(stored.channelSerial == "2026112122001")
    }

    @Test("many threads with their own connections race one order to PAID: one wins")
    func manyRacers() throws {
        let t = try TestStore()
        let order = try t.order("R2")
        _ = try t.store.write { try t.store.orders.transition(order.id, from: .created, to: .paying, at: t.now) }
        let path = t.path
        let now = t.now
        let wins = concurrently(6) { _ -> Bool in
            guard let store = try? Store.open(path: path) else { return false }
            return (try? store.write { try store.orders.transition(order.id, from: .paying, to: .paid, paidMinor: 1000, at: now) }) ?? false
        }
        #expect(wins.filter { $0 }.count == 1)
    }

    @Test("an illegal transition is refused before the store is touched")
    func illegalTransition() throws {
        let t = try TestStore()
        let order = try t.order("R3")
        #expect(throws: PayError.self) {
            try t.store.write { try t.store.orders.transition(order.id, from: .created, to: .paid, at: t.now) }
        }
        #expect(try t.store.orders.find(id: order.id)?.status == .created)
    }

    @Test("refunds never exceed the payment's amount; failed refunds free their share")
    func refundCeiling() throws {
        let t = try TestStore()
        let attempt = try t.succeededAttempt(for: try t.order("R4", amount: 1000))
        let cny = { (m: Int64) in Money(minorUnits: m, currency: .CNY) }
        let r1 = try t.store.write { try t.store.refunds.insert(serial: t.serials.next(.refund), attempt: attempt, refundNo: nil, amount: cny(600), reason: nil, at: t.now) }
        #expect { try t.store.write { try t.store.refunds.insert(serial: t.serials.next(.refund), attempt: attempt, refundNo: nil, amount: cny(401), reason: nil, at: t.now) } }
            throws: { error in
                (error as? PayError)?.kind == .conflict && (error as? PayError)?.message.contains("left to refund (4.00)") == true
            }
        _ = try t.store.write { try t.store.refunds.transition(r1.id, from: .processing, to: .failed, at: t.now) }
        _ = try t.store.write { try t.store.refunds.insert(serial: t.serials.next(.refund), attempt: attempt, refundNo: nil, amount: cny(1000), reason: nil, at: t.now) }
        #expect(try t.store.refunds.committedMinor(attemptId: attempt.id) == 1000)
    }

    @Test("refunds from several processes at once stay within the amount")
    func concurrentRefunds() throws {
        let t = try TestStore()
        let attempt = try t.succeededAttempt(for: try t.order("R5", amount: 1000))
        let path = t.path
        let now = t.now
        let results = concurrently(8) { _ -> Bool in
            guard let store = try? Store.open(path: path) else { return false }
            let serials = SerialGenerator(clock: SystemClock())
            return (try? store.write {
                try store.refunds.insert(serial: serials.next(.refund), attempt: attempt, refundNo: nil,
                                         amount: Money(minorUnits: 300, currency: .CNY), reason: nil, at: now)
            }) != nil
        }
        #expect(results.filter { $0 }.count == 3)
        #expect(try t.store.refunds.committedMinor(attemptId: attempt.id) == 900)
    }

    @Test("paging by cursor visits every order exactly once, newest first, for every filter")
    func keysetPagination() throws {
        let t = try TestStore()
        for i in 0..<57 {
            // Several orders share a millisecond, so the cursor's id tie-break matters.
            _ = try t.order("P\(i)", at: Timestamp(milliseconds: t.now.milliseconds + Int64(i / 3)))
        }
        var seen: [Int64] = []
        var cursor: OrderCursor?
        repeat {
            let page = try t.store.orders.page(OrderFilter(), after: cursor, limit: 10)
            seen += page.orders.map(\.id)
            cursor = page.next
        } while cursor != nil
        #expect(seen.count == 57)
        #expect(Set(seen).count == 57)
        let all = try t.store.orders.page(OrderFilter(), after: nil, limit: 100).orders
        #expect(all.map(\.id) == seen)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.createdAt >= $1.createdAt })
        let created = try t.store.orders.page(OrderFilter(status: .created), after: nil, limit: 100).orders
        #expect(created.count == 57)
        #expect(try t.store.orders.page(OrderFilter(status: .paid), after: nil, limit: 100).orders.isEmpty)
        let window = try t.store.orders.page(OrderFilter(since: Timestamp(milliseconds: t.now.milliseconds + 5),
                                                         until: Timestamp(milliseconds: t.now.milliseconds + 10)), after: nil, limit: 100)
        #expect(window.orders.count == 15)
    }

    @Test("every identifier finds its order")
    func lookupByAnyIdentifier() throws {
        let t = try TestStore()
        let order = try t.order("L1")
        let attempt = try t.succeededAttempt(for: order)
        let refund = try t.store.write {
            try t.store.refunds.insert(serial: t.serials.next(.refund), attempt: attempt, refundNo: "RN-1",
                                       amount: Money(minorUnits: 100, currency: .CNY), reason: nil, at: t.now)
        }
        _ = try t.store.write { try t.store.refunds.transition(refund.id, from: .processing, to: .succeeded, channelRefundSerial: "50300123", at: t.now) }
        for identifier in ["L1", order.serial.rawValue, attempt.serial.rawValue, attempt.channelSerial!, refund.serial.rawValue, "50300123", "RN-1"] {
            #expect(try t.store.orders.lookup(identifier).map(\.id) == [order.id], "\(identifier)")
        }
        #expect(try t.store.orders.lookup("nothing").isEmpty)
    }

    @Test("the console's lookups use indexes, never a scan of orders")
    func queryPlansUseIndexes() throws {
        let t = try TestStore()
        let plans = [
            ("SELECT * FROM orders WHERE status = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 51", ["PAID", 1, 1] as StatementArguments),
            ("SELECT * FROM orders WHERE business_line = ? ORDER BY created_at DESC, id DESC LIMIT 51", ["retail"]),
            ("SELECT * FROM orders WHERE channel = ? ORDER BY created_at DESC, id DESC LIMIT 51", ["wechat"]),
            ("SELECT * FROM orders ORDER BY created_at DESC, id DESC LIMIT 51", []),
            ("SELECT * FROM orders WHERE order_no = ?", ["A"]),
            ("SELECT order_id FROM payment_attempts WHERE channel_serial = ?", ["A"]),
            ("SELECT order_id FROM refunds WHERE channel_refund_serial = ?", ["A"]),
            ("SELECT order_id FROM refunds WHERE refund_no = ?", ["A"]),
            ("SELECT order_id FROM payment_attempts WHERE serial = ?", ["A"]),
        ]
        for (sql, args) in plans {
            let detail = try t.store.db.rows("EXPLAIN QUERY PLAN " + sql, args).map { $0.string("detail") }.joined(separator: "; ")
            #expect(!detail.contains("SCAN orders") || detail.contains("USING INDEX"), "\(sql): \(detail)")
            #expect(!detail.contains("USE TEMP B-TREE"), "\(sql) sorts in memory: \(detail)")
            #expect(!detail.contains("SCAN payment_attempts") && !detail.contains("SCAN refunds"), "\(sql): \(detail)")
        }
        // The search box's one query for any identifier: every branch an index search.
        let lookup = try t.store.db.rows("EXPLAIN QUERY PLAN SELECT id FROM orders WHERE order_no = ?1 UNION SELECT order_id FROM refunds WHERE refund_no = ?1 UNION SELECT order_id FROM payment_attempts WHERE channel_serial = ?1", ["x"])
        for row in lookup {
            #expect(!row.string("detail").hasPrefix("SCAN"), "\(row.string("detail"))")
        }
    }
}
