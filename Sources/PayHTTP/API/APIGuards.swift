import PayCore
import PayServices

/// The signature check of every /v1 request, before its body is parsed or any of its data read.
enum AuthenticationGuard {
    /// The caller a request's signature proves, or 401 (500 when the store failed while checking).
    /// The signed target is the path as sent plus the query string in canonical form (`APIQuery`).
    static func authenticate(_ request: HTTPRequest, lane: ServiceLane) throws(APIFailure) -> APICaller {
        do {
            // why: a look-up that asks the channel first (`?refresh=true`) calls it and may settle
            // payments, so its signature is single-use like a POST's.
            let singleUse = !APIAuthenticator.readOnlyMethods.contains(request.method) || request.queryValue("refresh") != nil
            return try APIAuthenticator(lane.context).authenticate(method: request.method, path: APIQuery.target(request),
                                                                   headers: request.headers, body: request.body,
                                                                   remote: request.remoteAddress, singleUse: singleUse)
        } catch {
            if error.code == APIAuthenticator.storeFailed.code { throw APIFailure.internal(error.message, requestId: request.requestId) }
            throw APIFailure.unauthenticated(code: error.code, message: error.message)
        }
    }
}

/// The query string as a request's signature covers it. The server hands the query over decoded,
/// so the signed text is rebuilt in one canonical form: the pairs in the order sent, `name=value`
/// joined by `&`, each name and value percent-encoded except RFC 3986's unreserved characters
/// (`A–Z a–z 0–9 - . _ ~`), hex in upper case. A client signs the query exactly as it sends it,
/// so it sends it in this form.
public enum APIQuery {
    /// `path` or `path?canonical-query`: what `APIRequestSignature.sign` takes as `path`.
    public static func target(path: String, query: [(name: String, value: String)]) -> String {
        query.isEmpty ? path : path + "?" + canonical(query)
    }

    static func target(_ request: HTTPRequest) -> String { target(path: request.path, query: request.query) }

    public static func canonical(_ query: [(name: String, value: String)]) -> String {
        query.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0f)])
            }
        }
        return out
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
