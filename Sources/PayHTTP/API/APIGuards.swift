import PayCore
import PayServices

/// The signature check of every /v1 request, before its body is parsed or any of its data read.
enum AuthenticationGuard {
    /// The caller a request's signature proves, or 401 (500 when the store failed while checking).
    /// The signed target is the request target as sent (`HTTPRequest.target`).
    static func authenticate(_ request: HTTPRequest, lane: ServiceLane) throws(APIFailure) -> APICaller {
        do {
            // why: a look-up that asks the channel first (`?refresh=true`) calls it and may settle
            // payments, so its signature is single-use like a POST's.
            let singleUse = !APIAuthenticator.readOnlyMethods.contains(request.method) || request.queryValue("refresh") != nil
            return try APIAuthenticator(lane.context).authenticate(method: request.method, path: request.target,
                                                                   headers: request.headers, body: request.body,
                                                                   remote: request.remoteAddress, singleUse: singleUse)
        } catch {
            if error.code == APIAuthenticator.storeFailed.code { throw APIFailure.internal(error.message, requestId: request.requestId) }
            throw APIFailure.unauthenticated(code: error.code, message: error.message)
        }
    }
}

/// The target a request's signature covers: the path and query string exactly as sent
/// (`HTTPRequest.target`, which the server takes from the request line), so a client signs what it
/// sends in whatever escaping it uses.
public enum APIQuery {
    /// `path?query` in the unreserved-only escaping: what a client may sign and send.
    public static func target(path: String, query: [(name: String, value: String)]) -> String {
        HTTPRequest.target(path: path, query: query)
    }
}

/// `Idempotency-Key` on every POST under /v1, through the service layer's one implementation
/// (`IdempotentRequests`: the same scopes as the command line and the console).
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

    /// `idempotency_key_reused` or `idempotency_key_in_use` for the idempotency conflicts, else nil.
    static func conflictCode(_ error: PayError) -> String? {
        switch error.failure {
        case .idempotencyKeyReused?: "idempotency_key_reused"
        case .idempotencyKeyInUse?: "idempotency_key_in_use"
        default: nil
        }
    }
}
