import Testing
import Foundation
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

    // MARK: Someone who can write the store file, but holds neither the key nor the anchor

    /// Rewrites entry `from` on with the unkeyed SHA-256 chain, as someone without the key would,
    /// and moves the recorded head to the new last hash.
    func rechain(_ fixture: OperatorFixture, from: Int64, edit: (inout AuditEntry) -> Void = { _ in }) throws {
        let entries = try fixture.auditEntries()
        var prev = entries.first { $0.id == from - 1 }?.hash ?? AuditEntry.genesisHash
        for var entry in entries where entry.id >= from {
            if entry.id == from { edit(&entry) }
            let hash = try AuditEntry.chainHash(prevHash: prev, at: entry.at, actor: entry.actor, actorRole: entry.actorRole,
                                                action: entry.action, target: entry.target, outcome: entry.outcome,
                                                origin: entry.origin, detail: entry.detail)
            try fixture.store.db.execute("UPDATE audit_log SET target = ?, detail = ?, prev_hash = ?, hash = ? WHERE id = ?",
                                         [entry.target, entry.detail, prev, hash, entry.id])
            prev = hash
        }
        try fixture.store.db.execute("UPDATE meta SET value = ? WHERE key = 'audit.head'", ["\(entries.last!.id) \(prev)"])
    }

    @Test("an edit with the whole chain recomputed after it is found")
    func recomputedChain() throws {
        let fixture = try filled()
        try rechain(fixture, from: 3) { $0 = AuditEntry(id: $0.id, at: $0.at, actor: $0.actor, actorRole: $0.actorRole, action: $0.action,
                                                       target: "thing:forged", outcome: $0.outcome, origin: $0.origin,
                                                       detail: "nothing happened", prevHash: $0.prevHash, hash: $0.hash) }
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 3 && problem.kind == .edited)
        #expect(problem.message.contains("audit key's MAC"))
    }

    @Test("deleting the newest entries and moving the recorded head back is found")
    func truncatedAndHeadMovedBack() throws {
        let fixture = try filled()
        let sixth = try #require(fixture.auditEntries().first { $0.id == 6 })
        try fixture.store.db.execute("DELETE FROM audit_log WHERE id > 6")
        try fixture.store.db.execute("UPDATE meta SET value = ? WHERE key = 'audit.head'", ["6 \(sixth.hash)"])
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 7 && problem.kind == .removed)
        #expect(problem.message.contains("entries #7–#8 were removed"))
        #expect(problem.message.contains(".audit-anchor"))
    }

    @Test("deleting every entry and the recorded head is found")
    func everythingDeleted() throws {
        let fixture = try filled()
        try fixture.store.db.execute("DELETE FROM audit_log")
        try fixture.store.db.execute("DELETE FROM meta WHERE key = 'audit.head'")
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 1 && problem.kind == .removed)
        #expect(problem.message.contains("the log is empty"))
    }

    @Test("a forged 'operator.add ghost as admin' appended and chained, head moved on, is found")
    func forgedAppend() throws {
        let fixture = try filled()
        let last = try #require(fixture.auditEntries().last)
        let at = last.at.adding(milliseconds: 1_000)
        let hash = try AuditEntry.chainHash(prevHash: last.hash, at: at, actor: "admin", actorRole: .admin, action: "operator.add",
                                            target: "operator:ghost", outcome: .ok, origin: "cli:root", detail: "role admin")
        try fixture.store.db.execute("""
            INSERT INTO audit_log (id, at, actor, actor_role, action, target, outcome, origin, detail, prev_hash, hash)
            VALUES (9, ?, 'admin', 'admin', 'operator.add', 'operator:ghost', 'ok', 'cli:root', 'role admin', ?, ?)
            """, [at.milliseconds, last.hash, hash])
        try fixture.store.db.execute("UPDATE meta SET value = ? WHERE key = 'audit.head'", ["9 \(hash)"])
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 9 && problem.kind == .edited)
        #expect(problem.message.contains("audit key's MAC"))
    }

    @Test("a store put back to an older copy and written again is found")
    func olderCopyWrittenAgain() throws {
        let fixture = try filled(6)
        // Put back: the newest two entries go, as from a copy taken before them, head included.
        let fourth = try #require(fixture.auditEntries().first { $0.id == 4 })
        try fixture.store.db.execute("DELETE FROM audit_log WHERE id > 4")
        try fixture.store.db.execute("UPDATE meta SET value = ? WHERE key = 'audit.head'", ["4 \(fourth.hash)"])
        for _ in 1...3 { try fixture.audit.append(actor: fixture.context.actor, action: "test.after", target: nil) }
        #expect { try fixture.audit.verify() } throws: { error in
            (error as? PayError)?.message.contains("entry #5 was written twice with different contents") == true
        }
    }

    @Test("the key and the anchor live beside the store, owner-only; without one the log is neither written nor verified")
    func sealFiles() throws {
        let fixture = try filled(2)
        let key = AuditSeal.keyPath(store: fixture.path), anchor = AuditSeal.anchorPath(store: fixture.path)
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: anchor, encoding: .utf8).split(separator: "\n").count == 3, "a header and one line per entry")
        #expect(try fixture.store.db.scalarInt("SELECT count(*) FROM meta WHERE value LIKE ?", ["%\(try String(contentsOfFile: key, encoding: .utf8).prefix(64))%"]) == 0,
                "the key is not in the store")

        try FileManager.default.moveItem(atPath: key, toPath: key + ".away")
        for attempt in [{ _ = try fixture.audit.verify() }, { try fixture.audit.append(actor: fixture.context.actor, action: "x", target: nil) }] {
            #expect { try attempt() } throws: { error in
                (error as? PayError)?.kind == .notFound && (error as? PayError)?.message.contains("audit key '\(key)' is missing") == true
            }
        }
        try FileManager.default.moveItem(atPath: key + ".away", toPath: key)
        try FileManager.default.moveItem(atPath: anchor, toPath: anchor + ".away")
        #expect { try fixture.audit.verify() } throws: { error in
            (error as? PayError)?.message.contains("audit anchor '\(anchor)' is missing") == true
        }
        try FileManager.default.moveItem(atPath: anchor + ".away", toPath: anchor)
        #expect(try fixture.audit.verify().intact)
    }

    @Test("a store from before keys: its log is refused until keyed, then its old entries are covered too")
    func legacyStore() throws {
        let fixture = try OperatorFixture()
        // Three entries written the old way: a plain SHA-256 chain, no key or anchor beside the store.
        var prev = AuditEntry.genesisHash
        for id in Int64(1)...3 {
            let at = OperatorFixture.start.adding(milliseconds: id)
            let hash = try AuditEntry.chainHash(prevHash: prev, at: at, actor: "cli:old", actorRole: .admin, action: "old.step",
                                                target: nil, outcome: .ok, origin: "cli:old", detail: "step \(id)")
            try fixture.store.db.execute("""
                INSERT INTO audit_log (id, at, actor, actor_role, action, target, outcome, origin, detail, prev_hash, hash)
                VALUES (?, ?, 'cli:old', 'admin', 'old.step', NULL, 'ok', 'cli:old', ?, ?, ?)
                """, [id, at.milliseconds, "step \(id)", prev, hash])
            prev = hash
        }
        try fixture.store.meta.set("audit.head", "3 \(prev)")
        #expect { try fixture.audit.append(actor: fixture.context.actor, action: "new.step", target: nil) } throws: { error in
            (error as? PayError)?.message.contains("paydesk init --db \(fixture.path)` keys its audit log") == true
        }
        #expect(try fixture.audit.seal())
        #expect(try !fixture.audit.seal(), "keyed once")
        try fixture.audit.append(actor: fixture.context.actor, action: "new.step", target: nil)
        let verdict = try fixture.audit.verify()
        #expect(verdict.intact && verdict.entries == 5, "\(verdict)")
        #expect(try fixture.auditEntries().map(\.action) == ["old.step", "old.step", "old.step", "audit.keyed", "new.step"])

        // The old entries, rewritten and re-chained without the key, no longer meet the first keyed one.
        try fixture.store.db.execute("UPDATE audit_log SET detail = 'rewritten' WHERE id = 2")
        var chain = AuditEntry.genesisHash
        for entry in try fixture.auditEntries() where entry.id <= 3 {
            let hash = try AuditEntry.chainHash(prevHash: chain, at: entry.at, actor: entry.actor, actorRole: entry.actorRole,
                                                action: entry.action, target: entry.target, outcome: entry.outcome,
                                                origin: entry.origin, detail: entry.detail)
            try fixture.store.db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [chain, hash, entry.id])
            chain = hash
        }
        let problem = try #require(fixture.audit.verify().problem)
        #expect(problem.entryId == 3 && problem.kind == .edited, "\(problem)")
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
