import PayCore
import PayServices

/// What the command line adds to an idempotent request's answer (`IdempotentRequests` keeps and
/// replays the typed outcomes; the commands render them the same on a first run and a replay).
enum IdempotencyNotes {
    /// The request was done and answered, but its outcome could not be stored under the key.
    static func warnIfNotKept<Outcome>(_ result: IdempotentResult<Outcome>, scope: String, key: IdempotencyKey?, io: CommandIO) {
        guard let key, !result.kept else { return }
        io.stderr("paydesk \(scope): the answer could not be kept under --idempotency-key \(key); do not retry it blindly\n")
    }
}
