import Testing
import PayCore
import PayChannels
import PayStore
@testable import PayServices

@Suite("Operators: passwords, lockout, sessions")
struct LoginTests {
    @Test("a good login gives the operator's role and is audited")
    func goodLogin() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        let actor = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "tty /dev/pts/3")
        #expect(actor == Actor(name: "alice", role: .cashier, origin: "tty /dev/pts/3"))
        let last = try #require(fixture.auditEntries().last)
        #expect(last.action == "login" && last.outcome == .ok && last.actor == "alice" && last.origin == "tty /dev/pts/3")
    }

    @Test("a wrong password and an unknown name get the same answer, and both are audited")
    func wrongPassword() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        let wrong = expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "alice-secret-2", origin: "t") }
        let unknown = expectError(.notPermitted) { _ = try fixture.operators.login(name: "nobody", password: "alice-secret-1", origin: "t") }
        #expect(wrong?.message == "login failed for operator 'alice': wrong name or password, or the account is locked")
        #expect(unknown?.message == "login failed for operator 'nobody': wrong name or password, or the account is locked")
        #expect(try fixture.account("alice").failedLogins == 1)
        let failures = try fixture.auditEntries().filter { $0.action == "login" && $0.outcome == .failed }
        #expect(failures.map(\.actor) == ["alice", "nobody"])
        #expect(failures.allSatisfy { $0.detail?.contains("alice-secret") != true })
        // A password typed into the name field is not written to the log.
        expectError(.notPermitted) { _ = try fixture.operators.login(name: "Alice-Secret-1!", password: "", origin: "t") }
        let last = try #require(fixture.auditEntries().last)
        #expect(last.actor == "?" && last.target == nil && last.outcome == .failed)
    }

    @Test("passwords are PBKDF2 with a random salt per operator and a stored iteration count")
    func storedHashes() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "same-password-1")
        try fixture.operators.add(name: "carol", role: .cashier, password: "same-password-1")
        let rows = try fixture.store.db.rows("SELECT name, password_hash, password_salt, password_iterations FROM operators ORDER BY name")
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.blob("password_salt").count == 16 && $0.blob("password_hash").count == 32 })
        #expect(rows[0].blob("password_salt") != rows[1].blob("password_salt"))
        #expect(rows[0].blob("password_hash") != rows[1].blob("password_hash"))
        #expect(rows.allSatisfy { $0.int("password_iterations") == OperatorSettings.minimumIterations })
        // The hash is PBKDF2-HMAC-SHA256 of the password with that salt and count.
        let derived = try Crypto.pbkdf2SHA256(password: Array("same-password-1".utf8), salt: rows[0].blob("password_salt"),
                                                      iterations: OperatorSettings.minimumIterations, length: 32)
        #expect(derived == rows[0].blob("password_hash"))
        // Raising the count keeps old hashes working; new passwords take the new count.
        let store = fixture.store
        try store.write { try OperatorSettings(store).setPasswordIterations(2_000) }
        _ = try fixture.operators.login(name: "alice", password: "same-password-1", origin: "t")
        try fixture.operators.changePassword(name: "carol", newPassword: "another-password")
        #expect(try fixture.account("carol").passwordIterations == 2_000)
        #expect(try fixture.account("alice").passwordIterations == OperatorSettings.minimumIterations)
    }

    @Test("PBKDF2-HMAC-SHA256 matches RFC 7914's test vector")
    func pbkdf2Vector() throws {
        let key = try Crypto.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(Hex.encode(key) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        #expect(Crypto.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("10 failed logins lock the account for 30 minutes; it opens again by itself")
    func lockoutAndExpiry() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        for attempt in 1...9 {
            expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "guess-\(attempt)", origin: "t") }
        }
        #expect(try fixture.account("alice").state(at: fixture.context.now) == .active)
        let tenth = expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "guess-10", origin: "t") }
        let until = OperatorFixture.start.adding(milliseconds: 30 * 60_000)
        #expect(tenth?.message == "login failed for operator 'alice': wrong name or password, or the account is locked")
        #expect(try fixture.account("alice").state(at: fixture.context.now) == .lockedOut(until: until))

        // Locked: even the right password is refused, with the answer a wrong password gets (the
        // log says why).
        try fixture.advance(minutes: 29)
        let locked = expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t") }
        #expect(locked?.message == tenth?.message)
        #expect(try fixture.auditEntries().last?.detail == "locked until \(until.iso8601); password not checked")

        // 30 minutes after the lock it opens by itself.
        try fixture.advance(minutes: 1)
        _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t")
        let account = try fixture.account("alice")
        #expect(account.failedLogins == 0 && account.lockedUntil == nil)
    }

    @Test("a good login resets the count of failures")
    func successResets() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        for _ in 1...9 { expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "nope-nope", origin: "t") } }
        _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t")
        #expect(try fixture.account("alice").failedLogins == 0)
        for _ in 1...9 { expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "nope-nope", origin: "t") } }
        #expect(try fixture.account("alice").state(at: fixture.context.now) == .active)
    }

    @Test("a password change: the old one stops working, the new one works; only admins change others'")
    func passwordChange() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        try fixture.operators.add(name: "carol", role: .cashier, password: "carol-secret-1")
        let alice = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t")
        try fixture.acting(as: alice) {
            try fixture.operators.changePassword(name: "alice", newPassword: "alice-secret-2")
            expectError(.notPermitted) { try fixture.operators.changePassword(name: "carol", newPassword: "taken-over-1") }
        }
        expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t") }
        _ = try fixture.operators.login(name: "alice", password: "alice-secret-2", origin: "t")
        _ = try fixture.operators.login(name: "carol", password: "carol-secret-1", origin: "t")
        expectError(.invalidInput) { try fixture.operators.changePassword(name: "alice", newPassword: "short") }
        expectError(.invalidInput) { try fixture.operators.changePassword(name: "alice", newPassword: "ALICE") }
        expectError(.notFound) { try fixture.operators.changePassword(name: "zed", newPassword: "long-enough-1") }
        #expect(try fixture.auditEntries().filter { $0.action == "operator.passwd" && $0.outcome == .ok }.map(\.target) == ["operator:alice"])
    }

    @Test("an admin's lock holds until unlocked; unlock also clears a lockout")
    func adminLock() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        #expect(try fixture.operators.lock(name: "alice"))
        #expect(try !fixture.operators.lock(name: "alice"))
        let error = expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t") }
        #expect(error?.message == "login failed for operator 'alice': wrong name or password, or the account is locked")
        #expect(try fixture.auditEntries().last?.detail == "locked by an administrator; password not checked")
        try fixture.advance(minutes: 24 * 60)
        expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t") }
        #expect(try fixture.operators.unlock(name: "alice"))
        _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t")
        for _ in 1...10 { expectError(.notPermitted) { _ = try fixture.operators.login(name: "alice", password: "nope-nope", origin: "t") } }
        #expect(try fixture.operators.unlock(name: "alice"))
        _ = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "t")
        let admin = try fixture.operators.add(name: "root-admin", role: .admin, password: "root-secret-1")
        fixture.acting(as: Actor(name: admin.name, role: .admin, origin: "t")) {
            expectError(.conflict) { try fixture.operators.lock(name: "root-admin") }
        }
    }

    @Test("names follow the rules and are unique")
    func names() throws {
        let fixture = try OperatorFixture()
        for bad in ["a", "Alice", "1abc", "al ice", "cli:root", "system", String(repeating: "a", count: 33), "ali€e"] {
            expectError(.invalidInput) { try fixture.operators.add(name: bad, role: .cashier, password: "good-password-1") }
        }
        try fixture.operators.add(name: "al.ice_b-2", role: .cashier, password: "good-password-1")
        expectError(.conflict) { try fixture.operators.add(name: "al.ice_b-2", role: .admin, password: "good-password-1") }
        #expect(try fixture.operators.list().map(\.name) == ["al.ice_b-2"])
    }

    @Test("the demo store has one operator per role with password demo")
    func demoOperators() throws {
        let fixture = try OperatorFixture(demo: true)
        #expect(try fixture.operators.list().map(\.role).sorted() == Role.operatorRoles)
        for role in Role.operatorRoles {
            #expect(try fixture.operators.login(name: role.rawValue, password: "demo", origin: "t").role == role)
        }
    }

    @Test("the console session locks after 15 idle minutes and reopens only with the password")
    func idleLock() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        let actor = try fixture.operators.login(name: "alice", password: "alice-secret-1", origin: "tty1")
        var session = OperatorSession(actor: actor, at: fixture.context.now)
        #expect(SessionPolicy.idleLockAfter == 15 * 60_000)
        try fixture.advance(minutes: 14)
        let touchedInTime = session.touch(at: fixture.context.now)
        #expect(touchedInTime)
        try fixture.advance(minutes: 14)
        #expect(!session.isLocked(at: fixture.context.now))
        try fixture.advance(minutes: 1)
        #expect(session.isLocked(at: fixture.context.now))
        let touchedLate = session.touch(at: fixture.context.now)
        #expect(!touchedLate)
        // A key after the lock does not reopen it, even at once.
        let touchedAgain = session.touch(at: fixture.context.now)
        #expect(!touchedAgain)
        expectError(.notPermitted) { try session.unlock(password: "wrong-guess", using: fixture.operators, at: fixture.context.now) }
        #expect(session.isLocked(at: fixture.context.now))
        try session.unlock(password: "alice-secret-1", using: fixture.operators, at: fixture.context.now)
        #expect(!session.isLocked(at: fixture.context.now))
        #expect(session.actor == actor)
    }
}
