import Foundation
import PayCore
import PayStore
import PayChannels
import PayServices

/// `--idempotency-key` for `order create`, `pay` and `refund`: the first request's printed answer
/// and exit code are stored under the key and replayed for the same request, failures included;
/// the same key with other parameters, or while the first is still in flight in another process,
/// is a conflict and nothing is done.
///
/// why: claiming the key is its own `BEGIN IMMEDIATE` transaction before any money moves, so two
/// processes with one key cannot both charge. Input refused before anything was written (exit 2,
/// 3, 6, or a conflict with the order) releases the key, as Stripe does, so a corrected retry works.
///
/// A key left IN_FLIGHT by a process that died (kill -9, a crash, a power cut) is taken over by
/// a retry of the same request only when the holder is provably gone (`ProcessIdentity`: same
/// host, boot and pid namespace, no process with that pid and start time) *and* `recoverable`
/// says that running the request again cannot move money twice; else it stays a conflict.
struct IdempotentRun {
    let scope: String
    let key: IdempotencyKey?
    /// The request as canonical text; hashed, so a card's details never reach the store.
    let request: String
    /// Asked inside the claim's transaction when the key's holder died mid-request.
    var recoverable: (ServiceContext) throws -> Bool = { _ in false }

    func run(_ context: ServiceContext, io: inout CommandIO, _ body: (inout CommandIO) throws -> Int32) throws -> Int32 {
        guard let key else { return try body(&io) }
        let store = context.store
        let hash = Crypto.sha256Hex(Array(request.utf8))
        let owner = ProcessIdentity.current
        let recoverable = self.recoverable
        let claim = try store.write {
            try store.idempotency.claim(scope: scope, key: key, request: hash, owner: owner, at: context.now) { holder in
                try ProcessIdentity.isProvablyGone(holder) && recoverable(context)
            }
        }
        if case .replay(let response, let exitCode) = claim {
            let parts = response.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            if let out = parts.first, !out.isEmpty { io.stdout(String(out)) }
            if parts.count > 1, !parts[1].isEmpty { io.stderr(String(parts[1])) }
            return exitCode
        }
        var captured = (out: "", err: "")
        var recording = io
        let outer = io
        recording.stdout = { text in captured.out += text; outer.stdout(text) }
        recording.stderr = { text in captured.err += text; outer.stderr(text) }
        let code: Int32
        do {
            code = try body(&recording)
        } catch let error as PayError where [.usage, .invalidInput, .notFound, .notPermitted].contains(error.kind) {
            _ = try? store.write { try store.idempotency.release(scope: scope, key: key, owner: owner) }
            throw error
        } catch let error as PayError {
            let message = ErrorLine.render("paydesk \(scope): \(FailureHints.message(error))") + "\n"
            // why: the store may be what failed (disk full); the request's own error is the answer,
            // not the failure to record it (the key stays in flight, recovered as a dead holder's).
            _ = try? store.write {
                try store.idempotency.complete(scope: scope, key: key, response: captured.out + "\u{1F}" + captured.err + message,
                                               exitCode: error.exitCode, owner: owner, at: context.now)
            }
            throw error
        }
        do {
            try store.write {
                try store.idempotency.complete(scope: scope, key: key, response: captured.out + "\u{1F}" + captured.err,
                                               exitCode: code, owner: owner, at: context.now)
            }
        } catch {
            // why: the request was done and answered; failing now would hide its outcome (a payment made).
            io.stderr("paydesk \(scope): the answer could not be kept under --idempotency-key \(key) (\(error.message)); do not retry it blindly\n")
        }
        return code
    }
}
