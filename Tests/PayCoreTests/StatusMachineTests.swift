import Testing
@testable import PayCore

/// The legal transitions as DESIGN §3 words them, written out independently of the tables.
@Suite("Status machines")
struct StatusMachineTests {
    static let orderLegal: Set<String> = [
        "CREATED>PAYING", "PAYING>PAID", "PAID>PARTIALLY_REFUNDED", "PAID>REFUNDED",
        "PARTIALLY_REFUNDED>PARTIALLY_REFUNDED", "PARTIALLY_REFUNDED>REFUNDED", "CREATED>CLOSED", "PAYING>CLOSED", "PAYING>CREATED",
    ]
    static let attemptLegal: Set<String> = [
        "INIT>PROCESSING", "PROCESSING>SUCCEEDED", "PROCESSING>FAILED", "PROCESSING>PENDING", "PROCESSING>UNKNOWN",
        "PENDING>SUCCEEDED", "PENDING>FAILED", "PENDING>CLOSED", "UNKNOWN>SUCCEEDED", "UNKNOWN>FAILED", "UNKNOWN>CLOSED",
    ]
    static let refundLegal: Set<String> = [
        "PROCESSING>SUCCEEDED", "PROCESSING>FAILED", "PROCESSING>UNKNOWN", "UNKNOWN>SUCCEEDED", "UNKNOWN>FAILED",
    ]

    func walk<S: StatusMachine>(_ type: S.Type, legal: Set<String>) {
        var seen = 0
        for from in S.allCases {
            for to in S.allCases {
                let key = "\(from.rawValue)>\(to.rawValue)"
                #expect(from.canMove(to: to) == legal.contains(key), "\(key)")
                if legal.contains(key) { seen += 1 }
                if !legal.contains(key) {
                    #expect(throws: PayError.self) { try from.checkMove(to: to, subject: "x") }
                }
            }
        }
        #expect(seen == legal.count, "every legal pair names real statuses")
    }

    @Test("orders move only along the legal pairs") func orders() { walk(OrderStatus.self, legal: Self.orderLegal) }
    @Test("payment attempts move only along the legal pairs") func attempts() { walk(AttemptStatus.self, legal: Self.attemptLegal) }
    @Test("refunds move only along the legal pairs") func refunds() { walk(RefundStatus.self, legal: Self.refundLegal) }

    @Test("final statuses have no successor")
    func finals() {
        #expect(OrderStatus.refunded.isFinal && OrderStatus.closed.isFinal && !OrderStatus.paid.isFinal)
        #expect(AttemptStatus.succeeded.isFinal && AttemptStatus.failed.isFinal && AttemptStatus.closed.isFinal)
        #expect(!AttemptStatus.unknown.isFinal && !AttemptStatus.pending.isFinal)
        #expect(RefundStatus.succeeded.isFinal && RefundStatus.failed.isFinal && !RefundStatus.unknown.isFinal)
    }

    @Test("only a FAILED or CLOSED attempt may be corrected to SUCCEEDED by a late success, and they stay final")
    func lateSuccess() {
        #expect(AttemptStatus.lateSuccessFrom == [.failed, .closed])
        #expect(AttemptStatus.lateSuccessFrom.allSatisfy { $0.isFinal && !$0.canMove(to: .succeeded) })
    }

    @Test("status words parse case-insensitively and unknown ones are listed")
    func parsing() throws {
        #expect(try OrderStatus.parse("paid") == .paid)
        #expect { try OrderStatus.parse("DONE", field: "--status") } throws: { error in
            (error as? PayError)?.message.contains("--status 'DONE': unknown status (known: CREATED") == true
        }
    }
}
