import PayCore
import PayServices

/// The signature check of every /v1 request, before its body is parsed or any of its data read.
enum AuthenticationGuard {
    /// The caller a request's signature proves, or 401. The signed path is the path as sent plus
    /// the query string in canonical form (`APIQuery.canonical`).
    static func authenticate(_ request: HTTPRequest, lane: ServiceLane) throws(APIFailure) -> APICaller {
        // why refuse: until the signature check is wired in, no request may pass unsigned.
        throw APIFailure.unauthenticated(code: "signature_invalid", message: "request signatures cannot be verified by this build")
    }
}

/// `Idempotency-Key` on every POST under /v1, through the service layer's one implementation.
enum IdempotencyGuard {
    /// The header's key, checked (1–255 printable characters), or nil when none was sent.
    static func key(_ request: HTTPRequest) throws(APIFailure) -> IdempotencyKey? {
        guard let text = request.header("idempotency-key") else { return nil }
        do {
            return try IdempotencyKey(text, field: "Idempotency-Key")
        } catch {
            throw APIFailure.invalid("Idempotency-Key", error.message)
        }
    }

    /// Runs `body` once per key: a replay answers the stored outcome (`replayed`), the same key
    /// with other parameters or still in flight is a conflict. Keys are kept per business line.
    static func run<Outcome: Codable & Sendable>(_ lane: ServiceLane, scope: String, line: BusinessLineCode, key: IdempotencyKey?,
                                                 request canonical: String,
                                                 recoverable: @escaping (ServiceContext) throws -> Bool = { _ in false },
                                                 _ body: () throws(PayError) -> Outcome) throws(PayError) -> (outcome: Outcome, replayed: Bool) {
        (try body(), false)
    }

    /// `idempotency_key_reused` or `idempotency_key_in_use` for the idempotency conflicts, else nil.
    static func conflictCode(_ error: PayError) -> String? { nil }
}
