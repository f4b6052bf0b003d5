import Testing
import PayCore
import PayStore
@testable import PayServices

@Suite("Audit log: a hash chain that shows edits, removals and reordering")
struct AuditLogTests {
    /// A store with `count` entries appended by different actors.
    func filled(_ count: Int = 8) throws -> OperatorFixture {
        let fixture = try OperatorFixture()
        let cashier = Actor(name: "alice", role: .cashier, origin: "tty1")
        for index in 1...count {
            try fixture.audit.append(actor: index % 2 == 0 ? cashier : fixture.context.actor, action: "test.step",
                                     target: "thing:\(index)", outcome: index % 3 == 0 ? .failed : .ok,
                                     detail: index % 4 == 0 ? nil : "step \(index)")
        }
        return fixture
    }

    @Test("entries are chained: the first to 64 zeros, each to the hash of the one before")
    func chain() throws {
        let fixture = try filled()
        let entries = try fixture.auditEntries()
        #expect(entries.map(\.id) == Array(1...8))
        #expect(entries[0].prevHash == String(repeating: "0", count: 64))
        for (previous, entry) in zip(entries, entries.dropFirst()) { #expect(entry.prevHash == previous.hash) }
        #expect(entries.allSatisfy { $0.hash.count == 64 })
        let verdict = try fixture.audit.verify()
        #expect(verdict.intact && verdict.entries == 8)
        #expect(entries[1].actor == "alice" && entries[1].actorRole == .cashier && entries[1].origin == "tty1")
    }

    @Test("an empty log is intact")
    func empty() throws {
        let fixture = try OperatorFixture()
        #expect(try fixture.audit.verify() == AuditVerification(entries: 0, problem: nil))
    }

    @Test("editing a field with plain SQL is found and names the entry", arguments: [
        "UPDATE audit_log SET detail = 'nothing to see' WHERE id = 5",
        "UPDATE audit_log SET outcome = 'denied' WHERE id = 5",
        "UPDATE audit_log SET actor = 'someone-else' WHERE id = 5",
        "UPDATE audit_log SET at = at - 1000 WHERE id = 5",
        "UPDATE audit_log SET target = NULL WHERE id = 5",
        "UPDATE audit_log SET actor_role = 'supervisor' WHERE id = 5",
    ])
    func edited(sql: String) throws {
        let fixture = try filled()
        try fixture.store.db.execute(sql)
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 5)
        #expect(problem.kind == .edited)
        #expect(problem.message.contains("#5"))
    }

    @Test("an edit that also recomputes the entry's own hash is found at that entry")
    func editedAndRehashed() throws {
        let fixture = try filled()
        let entry = try #require(fixture.auditEntries().first { $0.id == 4 })
        let forged = try AuditEntry.chainHash(prevHash: entry.prevHash, at: entry.at, actor: entry.actor, actorRole: entry.actorRole,
                                              action: entry.action, target: "thing:forged", outcome: entry.outcome,
                                              origin: entry.origin, detail: entry.detail)
        try fixture.store.db.execute("UPDATE audit_log SET target = 'thing:forged', hash = ? WHERE id = 4", [forged])
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 4 && problem.kind == .edited)
    }

    @Test("removing an entry with plain SQL is found and names it", arguments: [Int64(1), 4, 8])
    func removed(id: Int64) throws {
        let fixture = try filled()
        try fixture.store.db.execute("DELETE FROM audit_log WHERE id = ?", [id])
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == id)
        #expect(problem.kind == .removed)
        #expect(problem.message.contains("#\(id)"))
    }

    @Test("removing the newest entries still shows after new ones are appended")
    func removedTailThenAppend() throws {
        let fixture = try filled()
        try fixture.store.db.execute("DELETE FROM audit_log WHERE id >= 7")
        try fixture.audit.append(actor: fixture.context.actor, action: "test.later", target: nil)
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 7 && problem.kind == .removed)
    }

    @Test("reordering entries by swapping their ids is found at the first one moved", arguments: [(Int64(3), Int64(6)), (2, 3), (7, 8)])
    func reordered(swap: (Int64, Int64)) throws {
        let fixture = try filled()
        let (a, b) = swap
        try fixture.store.db.execute("UPDATE audit_log SET id = -1 WHERE id = ?", [a])
        try fixture.store.db.execute("UPDATE audit_log SET id = ? WHERE id = ?", [a, b])
        try fixture.store.db.execute("UPDATE audit_log SET id = ? WHERE id = -1", [b])
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == a)
        #expect(problem.kind == .reordered)
    }

    @Test("an entry slipped in after the last one is found")
    func inserted() throws {
        let fixture = try filled()
        let last = try #require(fixture.auditEntries().last)
        let hash = try AuditEntry.chainHash(prevHash: last.hash, at: last.at, actor: "mallory", actorRole: .admin, action: "cover.up",
                                            target: nil, outcome: .ok, origin: "sql", detail: nil)
        try fixture.store.db.execute("""
            INSERT INTO audit_log (id, at, actor, actor_role, action, target, outcome, origin, detail, prev_hash, hash)
            VALUES (9, ?, 'mallory', 'admin', 'cover.up', NULL, 'ok', 'sql', NULL, ?, ?)
            """, [last.at.milliseconds, last.hash, hash])
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 9 && problem.kind == .inserted)
    }

    @Test("an entry appended inside a write that fails is rolled back with it")
    func sameTransaction() throws {
        let fixture = try OperatorFixture(demo: true)
        let before = try fixture.auditEntries().count
        let store = fixture.store
        let audit = fixture.audit
        let admin = fixture.context.actor
        expectError(.conflict) {
            try store.write {
                try audit.append(actor: admin, action: "test.doomed", target: nil)
                throw PayError.conflict("the change failed")
            }
        }
        #expect(try fixture.auditEntries().count == before)
        #expect(try fixture.audit.verify().intact)
    }

    @Test("creating an order writes an audit entry in the same transaction; a replay writes none")
    func orderCreate() throws {
        let fixture = try OperatorFixture(demo: true)
        let before = try fixture.auditEntries().count
        let draft = OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo("AUD-1"),
                               amount: Money(minorUnits: 1_800, currency: .CNY))
        let cashier = Actor(name: "cashier", role: .cashier, origin: "tty7")
        let (order, created) = try fixture.acting(as: cashier) { try OrderService(fixture.context).create(draft) }
        #expect(created)
        let entries = try fixture.auditEntries()
        #expect(entries.count == before + 1)
        let entry = try #require(entries.last)
        #expect(entry.action == "order.create" && entry.actor == "cashier" && entry.origin == "tty7")
        #expect(entry.target == "order:retail/AUD-1")
        #expect(entry.detail?.contains(order.serial.rawValue) == true)
        _ = try fixture.acting(as: cashier) { try OrderService(fixture.context).create(draft) }
        var other = draft
        other.amount = Money(minorUnits: 1_900, currency: .CNY)
        expectError(.conflict) { _ = try OrderService(fixture.context).create(other) }
        #expect(try fixture.auditEntries().count == before + 1)
        #expect(try fixture.audit.verify().intact)
        #expect(try fixture.audit.entries(target: "order:retail/AUD-1").map(\.action) == ["order.create"])
    }
}
