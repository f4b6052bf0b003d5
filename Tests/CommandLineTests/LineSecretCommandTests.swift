import Foundation
import Testing
import PayCore
import PayStore
import PayServices
import TestSupport

/// Issue 14's secrets at rest for the business lines: the notify (webhook) secret and the API
/// secrets are sealed under the store's key file like the channel accounts' secrets, the notify
/// secret comes from a file or is made and printed once (never from the command line), and a key
/// file missing or damaged is a refusal naming it with nothing written.
@Suite("Business lines' secrets at rest")
struct LineSecretCommandTests {
    func line(_ store: DemoStore, _ code: String = "retail") throws -> BusinessLine {
        let opened = try Store.open(path: store.path)
        return try opened.read { try opened.businessLines.require(try BusinessLineCode(code)) }
    }

    func apiSecrets(_ store: DemoStore, _ code: String = "retail") throws -> [APISecretRecord] {
        let opened = try Store.open(path: store.path)
        return try opened.read { try opened.apiSecrets.all(try BusinessLineCode(code)) }
    }

    @Test("a notify secret read from a file is kept sealed, opens to the file's line, and is never shown")
    func notifySecretFromFile() throws {
        let store = try DemoStore()
        let file = store.directory.path("notify.secret")
        try "whsec_from_a_file_123\n".write(toFile: file, atomically: true, encoding: .utf8)
        let set = store.run(["business", "set", "retail", "--notify-url", "https://shop.example/notify", "--notify-secret-file", file])
        #expect(set.exitCode == 0, "\(set)")
        #expect(!set.stdout.contains("whsec_from_a_file_123"))
        let stored = try line(store)
        #expect(stored.notifySecret.hasPrefix("sealed:v1:") && !stored.notifySecret.contains("whsec"))
        #expect(try LineSecrets.notifySecret(of: stored, storePath: store.path) == "whsec_from_a_file_123")
        let listed = store.run(["business", "list", "--json"])
        #expect(!listed.stdout.contains("whsec") && !listed.stdout.contains("sealed:v1"), "\(listed)")
        let audit = store.run(["audit", "--limit", "5", "--json"])
        #expect(audit.stdout.contains("notify secret changed") && !audit.stdout.contains("whsec"), "\(audit)")

        let missing = store.run(["business", "set", "retail", "--notify-secret-file", store.directory.path("nope")])
        #expect(missing.exitCode == 3 && missing.stderr.contains("'\(store.directory.path("nope"))'"), "\(missing)")
        #expect(try line(store).notifySecret == stored.notifySecret)
    }

    @Test("--new-notify-secret makes a secret, prints it once, and keeps it sealed")
    func generatedNotifySecret() throws {
        let store = try DemoStore()
        let made = store.run(["business", "set", "hotel", "--new-notify-secret", "--json"])
        #expect(made.exitCode == 0, "\(made)")
        let secret = try #require(try made.json()["newNotifySecret"] as? String)
        #expect(secret.hasPrefix("whsec_") && secret.count == 70)
        let stored = try line(store, "hotel")
        #expect(!stored.notifySecret.contains(secret))
        #expect(try LineSecrets.notifySecret(of: stored, storePath: store.path) == secret)
        let plain = store.run(["business", "set", "hotel", "--new-notify-secret"])
        #expect(plain.exitCode == 0 && plain.stdout.contains("shown this once"), "\(plain)")
        #expect(!plain.stdout.contains(secret), "a new secret each time")
    }

    @Test("key file missing or damaged: setting or rotating a secret is refused naming the file, nothing written")
    func keyFileMissingOrDamaged() throws {
        let store = try DemoStore()
        let keyFile = store.path + ".audit-key"
        let file = store.directory.path("notify.secret")
        try "whsec_never_stored_1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let before = try line(store), secretsBefore = try apiSecrets(store)
        let auditBefore = store.run(["audit", "--limit", "1", "--json"]).stdout

        try FileManager.default.moveItem(atPath: keyFile, toPath: keyFile + ".away")
        let set = store.run(["business", "set", "retail", "--notify-secret-file", file])
        #expect(set.exitCode != 0 && set.stderr.contains("'\(keyFile)'") && set.stderr.contains("missing"), "\(set)")
        let rotate = store.run(["business", "api-secret", "retail", "--rotate"])
        #expect(rotate.exitCode != 0 && rotate.stderr.contains("'\(keyFile)'"), "\(rotate)")
        let check = store.run(["check"])
        #expect(check.exitCode == 1 && check.stdout.contains("'\(keyFile)' is missing"), "\(check)")

        try "not a key\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let damaged = store.run(["business", "set", "retail", "--new-notify-secret"])
        #expect(damaged.exitCode != 0 && damaged.stderr.contains("key file '\(keyFile)'") && damaged.stderr.contains("damaged"), "\(damaged)")
        #expect(!damaged.stdout.contains("whsec_"), "no secret printed for a change that was not made")

        try FileManager.default.removeItem(atPath: keyFile)
        try FileManager.default.moveItem(atPath: keyFile + ".away", toPath: keyFile)
        #expect(try line(store) == before)
        #expect(try apiSecrets(store) == secretsBefore)
        #expect(store.run(["audit", "--limit", "1", "--json"]).stdout == auditBefore)
    }

    @Test("secrets an older store kept in plaintext: check names them, init seals them, they still open")
    func initSealsPlaintext() throws {
        let store = try DemoStore()
        let opened = try Store.open(path: store.path)
        let retail = try BusinessLineCode("retail")
        let old = try line(store).notifySecret
        try opened.write {
            _ = try opened.businessLines.replaceNotifySecret(retail, expected: old, with: "whsec_plain_old_1")
            try opened.apiSecrets.insertCurrent(retail, id: "key_plain", secret: "pdsk_plain_old_secret", hint: "…cret",
                                                createdBy: "before-23", at: Timestamp(milliseconds: 0))
        }
        let check = store.run(["check"])
        #expect(check.exitCode == 1, "\(check)")
        #expect(check.stdout.contains("business line retail keeps its notify secret, API secret key_plain in plaintext"), "\(check)")

        let initialised = store.run(["init"])
        #expect(initialised.exitCode == 0 && initialised.stderr.contains("business lines retail"), "\(initialised)")
        let sealed = try line(store)
        #expect(sealed.notifySecret.hasPrefix("sealed:v1:"))
        #expect(try LineSecrets.notifySecret(of: sealed, storePath: store.path) == "whsec_plain_old_1")
        let record = try #require(try apiSecrets(store).first { $0.id == "key_plain" })
        #expect(record.secret.hasPrefix("sealed:v1:") && record.hint == "…cret")
        #expect(try LineSecrets.apiSecret(record, storePath: store.path) == "pdsk_plain_old_secret")
        #expect(store.run(["check"]).exitCode == 0)
        #expect(store.run(["audit", "--limit", "3", "--json"]).stdout.contains("business.seal"))
    }
}
