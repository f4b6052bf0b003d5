import Testing
import Foundation
import PayStore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An idempotency key whose holder was killed mid-request (DESIGN §3): not stuck for 24 hours once
/// retrying is safe, never taken over while the holder may be alive or its payment is still open.
@Suite("Idempotency keys of a dead process")
struct IdempotencyRecoveryEndToEndTests {
    let dir = TemporaryDirectory("e2e-idem")
    var db: String { dir.path("store.db") }

    @discardableResult
    func paydesk(_ args: [String]) throws -> RunResult {
        try Paydesk.run(args + ["--db", db])
    }

    func payments(_ no: String) throws -> [[String: Any]] {
        try paydesk(["query", "--order", no, "--business", "retail", "--json"]).json()["payments"] as? [[String: Any]] ?? []
    }

    /// The identity of a process of this host that has exited: a child that ran and was reaped.
    static func deadOwner() throws -> String {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let mine = ProcessIdentity.current
        let at = try #require(mine.firstIndex(of: "@"))
        return "pid:\(child.processIdentifier)" + mine[at...]
    }

    /// What a process killed between claiming the key and storing its answer leaves behind.
    func leaveInFlight(scope: String, key: String, owner: String) throws {
        let store = try Store.open(path: db)
        let changed = try store.write {
            try store.db.execute("""
                UPDATE idempotency_keys SET state = 'IN_FLIGHT', response = NULL, exit_code = NULL, owner = ?
                WHERE scope = ? AND key = ?
                """, [owner, scope, key])
        }
        #expect(changed == 1)
    }

    @Test("pay: a dead holder's key is taken over once its payment is settled, never while it is open or the holder lives")
    func payTakenOverWhenSafe() throws {
        #expect(try paydesk(["init", "--demo", "--simulated-clock"]).exitCode == 0)
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "K9", "--amount", "15.54"]).exitCode == 0)
        // why: 54 times out and the sandbox does not take the money; a query later says so.
        let args = ["pay", "--business", "retail", "--order", "K9", "--method", "alipay", "--auth-code", "2812345678901234",
                    "--idempotency-key", "crash-1"]
        #expect(try paydesk(args).exitCode == 5)
        let dead = try Self.deadOwner()
        try leaveInFlight(scope: "pay", key: "crash-1", owner: dead)
        let open = try paydesk(args)
        #expect(open.exitCode == 7 && open.stderr.contains("still in flight"), "its payment is UNKNOWN: \(open)")
        #expect(try payments("K9").count == 1)

        #expect(try paydesk(["clock", "advance", "2m"]).exitCode == 0)
        #expect(try paydesk(["worker", "--once"]).exitCode == 0)
        #expect(try payments("K9").first?["status"] as? String == "CLOSED")

        try leaveInFlight(scope: "pay", key: "crash-1", owner: ProcessIdentity.current)
        let alive = try paydesk(args)
        #expect(alive.exitCode == 7 && alive.stderr.contains("still in flight"), "the holder still runs: \(alive)")
        try leaveInFlight(scope: "pay", key: "crash-1", owner: "pid:1")
        #expect(try paydesk(args).exitCode == 7, "an owner that cannot be checked counts as alive")

        try leaveInFlight(scope: "pay", key: "crash-1", owner: dead)
        let retried = try paydesk(args)
        #expect(retried.exitCode == 5, "taken over and paid again: \(retried)")
        #expect(try payments("K9").count == 2)
        let replayed = try paydesk(args)
        #expect(replayed.exitCode == 5 && replayed.stdout == retried.stdout, "and now replayed")
        #expect(try payments("K9").count == 2)
    }

    @Test("refund: taken over only with a refund number, which the store never lets refund twice")
    func refundTakenOverOnlyWithNumber() throws {
        #expect(try paydesk(["init", "--demo", "--simulated-clock"]).exitCode == 0)
        #expect(try paydesk(["order", "create", "--business", "retail", "--order", "R9", "--amount", "20.00"]).exitCode == 0)
        let paid = try paydesk(["pay", "--business", "retail", "--order", "R9", "--method", "alipay", "--auth-code", "2812345678901234",
                                "--json"])
        let serial = try #require((try paid.json()["payment"] as? [String: Any])?["serial"] as? String)
        let numbered = ["refund", "--payment", serial, "--amount", "5.00", "--refund-no", "RN-9", "--idempotency-key", "rf-1"]
        #expect(try paydesk(numbered).exitCode == 0)
        let unnumbered = ["refund", "--payment", serial, "--amount", "5.00", "--idempotency-key", "rf-2"]
        #expect(try paydesk(unnumbered).exitCode == 0)
        let dead = try Self.deadOwner()

        try leaveInFlight(scope: "refund", key: "rf-2", owner: dead)
        let stuck = try paydesk(unnumbered)
        #expect(stuck.exitCode == 7 && stuck.stderr.contains("still in flight"), "\(stuck)")

        try leaveInFlight(scope: "refund", key: "rf-1", owner: dead)
        let again = try paydesk(numbered)
        #expect(again.exitCode == 7 && again.stderr.contains("refund no 'RN-9' is already refund"), "\(again)")
        let order = try paydesk(["query", "--order", "R9", "--business", "retail", "--json"]).json()["order"] as? [String: Any]
        #expect(order?["refundedAmount"] as? String == "10.00", "never refunded twice")
        #expect(try paydesk(["check"]).exitCode == 0)
    }
}
