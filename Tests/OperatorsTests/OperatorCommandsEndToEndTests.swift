import Foundation
import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// The command line as a script would use it: `paydesk operator …`, `--operator`, `audit`.
@Suite("Operators and audit on the command line")
struct OperatorCommandsEndToEndTests {
    let directory = TemporaryDirectory("operators-cli")
    var db: String { directory.path("store.db") }

    /// A demo store whose new passwords hash fast.
    func makeStore(demo: Bool = false) throws {
        let result = try Paydesk.run(["init", "--db", db] + (demo ? ["--demo"] : []))
        #expect(result.exitCode == 0, "\(result)")
        let store = try Store.open(path: db)
        try store.write { try OperatorSettings(store).setPasswordIterations(OperatorSettings.minimumIterations) }
    }

    func run(_ args: [String], password: String? = nil, newPassword: String? = nil) throws -> RunResult {
        var env: [String: String] = [:]
        if let password { env["PAYDESK_PASSWORD"] = password }
        if let newPassword { env["PAYDESK_NEW_PASSWORD"] = newPassword }
        return try Paydesk.run(args + ["--db", db], environment: env)
    }

    @Test("operator add and list, then --operator with the right and the wrong password")
    func addListLogin() throws {
        try makeStore()
        let added = try run(["operator", "add", "alice", "--role", "cashier", "--refund-limit", "150.00"], password: "alice-secret-1")
        #expect(added.exitCode == 0, "\(added)")
        #expect(added.stdout.contains("Added operator alice (cashier), refund limit 150.00 CNY"))

        let list = try run(["operator", "list", "--json"])
        #expect(list.exitCode == 0, "\(list)")
        let operators = try #require(list.json()["operators"] as? [[String: Any]])
        #expect(operators.count == 1)
        #expect(operators[0]["name"] as? String == "alice")
        #expect(operators[0]["role"] as? String == "cashier")
        #expect(operators[0]["state"] as? String == "active")
        #expect(operators[0]["refundLimit"] as? String == "150.00")

        let wrong = try run(["order", "create", "--business", "retail", "--order", "X1", "--amount", "1.00", "--operator", "alice"],
                            password: "not-her-password")
        #expect(wrong.exitCode == 8)
        #expect(wrong.stderr.contains("login failed for operator 'alice': wrong name or password"))

        let unknown = try run(["operator", "list", "--operator", "nobody"], password: "whatever-1")
        #expect(unknown.exitCode == 8)

        let noPassword = try run(["operator", "list", "--operator", "alice"])
        #expect(noPassword.exitCode == 8)
        #expect(noPassword.stderr.contains("PAYDESK_PASSWORD"))

        let notAdmin = try run(["operator", "list", "--operator", "alice"], password: "alice-secret-1")
        #expect(notAdmin.exitCode == 8)
        #expect(notAdmin.stderr.contains("alice (cashier) may not manage operators: needs admin"))

        let badRole = try run(["operator", "add", "bob", "--role", "boss"], password: "bob-secret-12")
        #expect(badRole.exitCode == 3)
        let noPasswordForNew = try run(["operator", "add", "bob", "--role", "cashier"])
        #expect(noPasswordForNew.exitCode == 2)
        #expect(noPasswordForNew.stderr.contains("PAYDESK_NEW_PASSWORD"))
    }

    @Test("an admin operator manages operators; a password change and locks work from the command line")
    func adminOperator() throws {
        try makeStore(demo: true)
        // The demo's admin adds carol; carol's password comes from PAYDESK_NEW_PASSWORD.
        let added = try run(["operator", "add", "carol", "--role", "cashier", "--operator", "admin"],
                            password: "demo", newPassword: "carol-secret-1")
        #expect(added.exitCode == 0, "\(added)")
        let asCarol = try run(["order", "create", "--business", "retail", "--order", "C-1", "--amount", "18.00", "--operator", "carol"],
                              password: "carol-secret-1")
        #expect(asCarol.exitCode == 0, "\(asCarol)")

        let passwd = try run(["operator", "passwd", "carol"], newPassword: "carol-secret-2")
        #expect(passwd.exitCode == 0, "\(passwd)")
        #expect(try run(["operator", "list", "--operator", "admin"], password: "demo").exitCode == 0)
        #expect(try run(["order", "create", "--business", "retail", "--order", "C-2", "--amount", "1.00", "--operator", "carol"],
                        password: "carol-secret-1").exitCode == 8)
        #expect(try run(["order", "create", "--business", "retail", "--order", "C-2", "--amount", "1.00", "--operator", "carol"],
                        password: "carol-secret-2").exitCode == 0)

        #expect(try run(["operator", "lock", "carol"]).exitCode == 0)
        let locked = try run(["order", "create", "--business", "retail", "--order", "C-3", "--amount", "1.00", "--operator", "carol"],
                             password: "carol-secret-2")
        #expect(locked.exitCode == 8)
        #expect(locked.stderr.contains("wrong name or password, or the account is locked"))
        #expect(try run(["operator", "unlock", "carol"]).exitCode == 0)

        let audit = try run(["audit", "--json", "--limit", "100", "--operator", "supervisor"], password: "demo")
        #expect(audit.exitCode == 0, "\(audit)")
        let entries = try #require(audit.json()["entries"] as? [[String: Any]])
        let actions = entries.map { "\($0["actor"] as? String ?? "?") \($0["action"] as? String ?? "?") \($0["outcome"] as? String ?? "?")" }
        #expect(actions.contains("admin operator.add ok"))
        #expect(actions.contains("carol order.create ok"))
        #expect(actions.contains("carol login failed"))
        #expect(actions.contains("cli:tester operator.lock ok"))
        #expect(entries.allSatisfy { ($0["origin"] as? String) == "cli:tester" })
        let cashierAudit = try run(["audit", "--operator", "cashier"], password: "demo")
        #expect(cashierAudit.exitCode == 8)
    }

    @Test("ten wrong passwords on the command line lock the operator out")
    func lockout() throws {
        try makeStore()
        #expect(try run(["operator", "add", "alice", "--role", "supervisor"], password: "alice-secret-1").exitCode == 0)
        for _ in 1...10 {
            #expect(try run(["audit", "--operator", "alice"], password: "guess-guess").exitCode == 8)
        }
        let locked = try run(["audit", "--operator", "alice"], password: "alice-secret-1")
        #expect(locked.exitCode == 8)
        #expect(locked.stderr.contains("login failed for operator 'alice': wrong name or password, or the account is locked"))
        let list = try run(["operator", "list", "--json"])
        let state = try #require(list.json()["operators"] as? [[String: Any]]).first?["state"] as? String
        #expect(state == "locked-out")
    }

    @Test("forty processes guessing at once: ten guesses are checked; once locked, the right one answers like the rest")
    func lockoutRace() throws {
        try makeStore()
        // why: a check as slow as a real one (210,000 rounds) leaves the window a race needs.
        let settings = try Store.open(path: db)
        try settings.write { try OperatorSettings(settings).setPasswordIterations(OperatorSettings.defaultIterations) }
        #expect(try run(["operator", "add", "alice", "--role", "supervisor"], password: "alice-secret-1").exitCode == 0)
        let db = db
        let refusal = "8 paydesk audit: login failed for operator 'alice': wrong name or password, or the account is locked\n"
        /// Forty processes started before any is waited for (a thread pool would run only a few at once).
        func burst(right: Int?) throws -> [String] {
            var running: [(Process, Pipe)] = []
            for index in 0..<40 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Paydesk.binary)
                process.arguments = ["audit", "--operator", "alice", "--db", db]
                process.environment = ["PATH": "/usr/bin:/bin", "USER": "tester", "LANG": "C.UTF-8",
                                       "PAYDESK_PASSWORD": index == right ? "alice-secret-1" : "guess-\(index)"]
                let err = Pipe()
                process.standardError = err
                process.standardOutput = FileHandle.nullDevice
                process.standardInput = FileHandle.nullDevice
                try process.run()
                running.append((process, err))
            }
            return running.map { process, err in
                let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return "\(process.terminationStatus) \(text)"
            }
        }
        /// The guesses whose password was checked, as the log tells.
        func checked() throws -> Int {
            let store = try Store.open(path: db)
            return try store.db.rows("SELECT outcome, detail FROM audit_log WHERE action = 'login' AND target = 'operator:alice'")
                .filter { $0.string("outcome") == "ok" || ($0.optionalString("detail") ?? "").hasPrefix("wrong password") }.count
        }

        let wrong = try burst(right: nil)
        #expect(Set(wrong) == [refusal])
        #expect(try checked() == 10, "ten guesses per lock period, however many processes try at once")

        // Locked: forty more, the right password among them; it gets the same answer and nothing is checked.
        let mixed = try burst(right: 23)
        #expect(Set(mixed) == [refusal], "\(mixed[23])")
        #expect(try checked() == 10)
    }

    @Test("audit verify: exit 0 while intact, exit 7 naming the first bad entry after a plain SQL edit")
    func verify() throws {
        try makeStore(demo: true)
        let intact = try run(["audit", "verify"])
        #expect(intact.exitCode == 0, "\(intact)")
        #expect(intact.stdout.contains("Audit log intact: 4 entries"))
        let json = try run(["audit", "verify", "--json"])
        #expect(try json.json()["intact"] as? Bool == true)
        #expect(try json.json()["problem"] is NSNull)

        let store = try Store.open(path: db)
        try store.db.execute("UPDATE audit_log SET detail = 'role cashier' WHERE id = 4")
        let broken = try run(["audit", "verify"])
        #expect(broken.exitCode == 7)
        #expect(broken.stderr.contains("entry #4 was edited"))
        try store.db.execute("DELETE FROM audit_log WHERE id = 2")
        let removed = try run(["audit", "verify", "--json"])
        #expect(removed.exitCode == 7)
        let problem = try #require(removed.json()["problem"] as? [String: Any])
        #expect(problem["entry"] as? Int == 2)
        #expect(problem["kind"] as? String == "removed")
    }

    @Test("init keys the audit log beside the store; a forged, re-chained entry is found; a missing key is named")
    func keyedAudit() throws {
        try makeStore(demo: true)
        let key = db + ".audit-key"
        #expect((try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int) == 0o600)
        #expect(FileManager.default.fileExists(atPath: db + ".audit-anchor"))
        // Someone who can write the store: an admin slipped in, chained with SHA-256 like the old log, head moved on.
        let store = try Store.open(path: db)
        let last = try #require(try store.db.row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"))
        let at = Timestamp(milliseconds: 1_800_000_000_000)
        let hash = try AuditEntry.chainHash(prevHash: last.string("hash"), at: at, actor: "cli:root", actorRole: .admin, action: "operator.add",
                                            target: "operator:ghost", outcome: .ok, origin: "cli:root", detail: "role admin")
        let id = last.int64("id") + 1
        try store.db.execute("""
            INSERT INTO audit_log (id, at, actor, actor_role, action, target, outcome, origin, detail, prev_hash, hash)
            VALUES (?, ?, 'cli:root', 'admin', 'operator.add', 'operator:ghost', 'ok', 'cli:root', 'role admin', ?, ?)
            """, [id, at.milliseconds, last.string("hash"), hash])
        try store.db.execute("UPDATE meta SET value = ? WHERE key = 'audit.head'", ["\(id) \(hash)"])
        let forged = try run(["audit", "verify"])
        #expect(forged.exitCode == 7)
        #expect(forged.stderr.contains("entry #\(id) was edited, or written by someone else than PayDesk"), "\(forged)")

        try FileManager.default.removeItem(atPath: key)
        let missing = try run(["order", "create", "--business", "retail", "--order", "K-1", "--amount", "1.00"])
        #expect(missing.exitCode == 6)
        #expect(missing.stderr.contains("audit key '\(key)' is missing"), "\(missing)")
        #expect(try store.db.scalarInt("SELECT count(*) FROM orders WHERE order_no = 'K-1'") == 0)
    }
}
