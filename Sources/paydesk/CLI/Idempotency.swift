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
struct IdempotentRun {
    let scope: String
    let key: IdempotencyKey?
    /// The request as canonical text; hashed, so a card's details never reach the store.
    let request: String

    func run(_ context: ServiceContext, io: inout CommandIO, _ body: (inout CommandIO) throws -> Int32) throws -> Int32 {
        guard let key else { return try body(&io) }
        let store = context.store
        let hash = Crypto.sha256Hex(Array(request.utf8))
        let claim = try store.write {
            try store.idempotency.claim(scope: scope, key: key, request: hash, owner: "pid:\(getpid())", at: context.now)
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
            _ = try? store.write { try store.idempotency.release(scope: scope, key: key) }
            throw error
        } catch let error as PayError {
            let message = "paydesk \(scope): \(error.message)\n"
            try store.write {
                try store.idempotency.complete(scope: scope, key: key, response: captured.out + "\u{1F}" + captured.err + message,
                                               exitCode: error.exitCode, at: context.now)
            }
            throw error
        }
        try store.write {
            try store.idempotency.complete(scope: scope, key: key, response: captured.out + "\u{1F}" + captured.err,
                                           exitCode: code, at: context.now)
        }
        return code
    }
}
