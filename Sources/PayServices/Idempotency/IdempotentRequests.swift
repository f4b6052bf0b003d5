import Foundation
import PayCore
import PayStore
import PayChannels

/// What an idempotent request answered: the outcome, and whether it is a replay of the first run's.
public struct IdempotentResult<Outcome: Sendable>: Sendable {
    public let outcome: Outcome
    /// True when a request under the same key ran before and this is its stored outcome.
    public let replayed: Bool
    /// False when the request ran but its outcome could not be stored under the key (the store
    /// failed after the work was done): the key stays in flight; say so, a blind retry is refused.
    public let kept: Bool

    public init(outcome: Outcome, replayed: Bool, kept: Bool = true) {
        self.outcome = outcome
        self.replayed = replayed
        self.kept = kept
    }
}

/// Idempotency keys in the service layer, shared by the command line, the console and the HTTP
/// API (Stripe's rules). The first request under a key runs and its *typed* outcome (the JSON of
/// its Codable view) or its typed error is stored; the same request again gets the same value
/// back, or the same `PayError` thrown, without running.
///
/// - Errors before anything was written (usage, invalidInput, notFound, notPermitted) release the
///   key, so a corrected retry works; every other error is stored and replayed.
/// - The same key with other parameters: `PayError.conflict` with failure `.idempotencyKeyReused`.
/// - The first request still in flight (another thread, connection or process):
///   `PayError.conflict` with failure `.idempotencyKeyInUse`. Nothing is done in either case.
/// - A key left in flight by a process that died is taken over by the same request only when the
///   holder is provably gone (`ProcessIdentity`) and `recoverable` says running it again cannot
///   move money twice.
///
/// why: claiming the key is its own `BEGIN IMMEDIATE` transaction (an INSERT under the primary key)
/// before any money moves, so two connections with one key cannot both run the request.
public struct IdempotentRequests {
    let context: ServiceContext

    /// The scopes keys live in; the command line, the console and the API share them, so a
    /// request retried through another door replays too.
    public enum Scope {
        public static let orderCreate = "order.create"
        public static let pay = "pay"
        public static let refund = "refund"
        public static let close = "close"
    }

    /// The error kinds that mean nothing was written: they release the key.
    public static let releasingKinds: Set<PayError.Kind> = [.usage, .invalidInput, .notFound, .notPermitted]

    public init(_ context: ServiceContext) {
        self.context = context
    }

    /// The key space of `shared` for `actor`: a business system's own (`pay#api:retail`), else the center's.
    public static func scope(_ shared: String, for actor: Actor) -> String {
        actor.role == .service ? "\(shared)#\(actor.name)" : shared
    }

    /// Runs `body` once per (scope, key, request); `canonical` is the request as canonical text
    /// (hashed: a card's details never reach the store). Without a key `body` simply runs.
    /// `recoverable` is asked inside the claim's transaction when the key's holder died mid-request.
    /// `releasing`: the error kinds that release the key instead of being stored.
    ///
    /// why a business system's keys are its own (`scope#api:LINE`): as Stripe's are per account, so
    /// one line can neither block another's key nor learn from a conflict that it was used. The
    /// center's own doors (command line, console) share one key space.
    public func run<Outcome: Codable & Sendable>(
        scope shared: String, key: IdempotencyKey?, request canonical: String,
        recoverable: (ServiceContext) throws -> Bool = { _ in false },
        releasing: Set<PayError.Kind> = IdempotentRequests.releasingKinds,
        _ body: () throws(PayError) -> Outcome
    ) throws(PayError) -> IdempotentResult<Outcome> {
        guard let key else { return IdempotentResult(outcome: try body(), replayed: false) }
        let context = self.context
        let scope = Self.scope(shared, for: context.actor)
        let store = context.store
        let hash = Crypto.sha256Hex(Array(canonical.utf8))
        let owner = ProcessIdentity.current
        let claim = try store.write {
            try store.idempotency.claim(scope: scope, key: key, request: hash, owner: owner, at: context.now) { holder in
                try ProcessIdentity.isProvablyGone(holder) && recoverable(context)
            }
        }
        if case .replay(let response, _) = claim {
            return IdempotentResult(outcome: try Self.replay(response, as: Outcome.self, scope: scope, key: key), replayed: true)
        }
        let outcome: Outcome
        do {
            outcome = try body()
        } catch {
            if releasing.contains(error.kind) {
                _ = try? store.write { try store.idempotency.release(scope: scope, key: key, owner: owner) }
            } else if let text = Self.encode(StoredAnswer<Outcome>(outcome: nil, error: StoredError(error))) {
                // why: the store may be what failed (disk full); the request's own error is the answer,
                // not the failure to record it (the key stays in flight, recovered as a dead holder's).
                _ = try? store.write {
                    try store.idempotency.complete(scope: scope, key: key, response: text, exitCode: error.exitCode, owner: owner,
                                                   at: context.now)
                }
            }
            throw error
        }
        var kept = false
        if let text = Self.encode(StoredAnswer(outcome: outcome, error: nil)) {
            // why: the request was done; failing now would hide its outcome (a payment made).
            kept = (try? store.write {
                try store.idempotency.complete(scope: scope, key: key, response: text, exitCode: 0, owner: owner, at: context.now)
            }) != nil
        }
        return IdempotentResult(outcome: outcome, replayed: false, kept: kept)
    }

    // MARK: Stored answers

    /// What is kept under a finished key: exactly one of the outcome and the error.
    struct StoredAnswer<Outcome: Codable>: Codable {
        var format = 1
        let outcome: Outcome?
        let error: StoredError?

        init(outcome: Outcome?, error: StoredError?) {
            self.outcome = outcome
            self.error = error
        }
    }

    /// A `PayError` as stored: every field that gives it its meaning.
    struct StoredError: Codable, Equatable {
        let kind: String
        let message: String
        let argument: String?
        let failure: String?
        let subject: String?

        init(_ error: PayError) {
            kind = error.kind.rawValue
            message = error.message
            argument = error.argument
            failure = error.failure?.rawValue
            subject = error.subject
        }

        var error: PayError {
            var error = PayError(PayError.Kind(rawValue: kind) ?? .internal, message)
            if let failure, let code = FailureCode(rawValue: failure) { error = error.failing(code, subject: subject) }
            if let argument { error = error.about(argument) }
            return error
        }
    }

    static func encode<Outcome: Codable>(_ answer: StoredAnswer<Outcome>) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(answer) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func replay<Outcome: Codable>(_ response: String, as type: Outcome.Type, scope: String,
                                         key: IdempotencyKey) throws(PayError) -> Outcome {
        guard let answer = try? JSONDecoder().decode(StoredAnswer<Outcome>.self, from: Data(response.utf8)) else {
            // why: a key finished by an older PayDesk kept printed text, not a typed outcome; it cannot
            // be replayed faithfully, and running the request again could repeat it.
            throw PayError.conflict("idempotency key '\(key)': the first \(scope) request's answer was kept in a form this version cannot replay; nothing was done (look the request up instead)")
        }
        if let error = answer.error { throw error.error }
        guard let outcome = answer.outcome else {
            throw PayError.internal("idempotency key '\(key)': the stored \(scope) answer is empty")
        }
        return outcome
    }
}
