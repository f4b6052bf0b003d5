import PayCore
import PayStore
import PayChannels

/// Checks a business system's signed request (`APIRequestSignature`) and says who signed it.
///
/// Order: headers present and well formed; the line exists; some unexpired secret of the line
/// verifies one v1 (constant-time); the timestamp lies within ±300 s of the store's clock; then
/// the request is recorded as a nonce — only after it verified, so a forger cannot fill the table —
/// and a second use is refused by the nonce table's primary key.
///
/// why the nonce is the SHA-256 of the signed text, not a v1 value: during a rotation a request
/// may carry one v1 per valid secret, and a nonce keyed on the v1 let the same request through
/// again under its other v1 (a refund made twice). The signed text is the request itself. Expired nonces are pruned on the
/// way, in the same write.
///
/// why reads record no nonce: a replayed GET only shows again what the captured answer already
/// showed, while a nonce would cost every look-up a durable write and refuse a client polling twice
/// within one second. Everything that can change something — a POST, or a GET that asks the
/// channel (`?refresh=true`) — is single-use: the caller says so with `singleUse`.
public struct APIAuthenticator {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The store failed while checking (not the caller's fault: HTTP 500, not 401).
    public static let storeFailed = APIAuthError(code: "internal_error", message: "the signature could not be checked: the store failed")

    /// The line's sealed API secrets do not open (the key file beside the store is missing or not
    /// this store's): the server's fault, not the caller's; the caller is not told the file's path.
    static func secretsUnreadable(_ error: PayError) -> APIAuthError {
        APIAuthError(code: "internal_error", message: "the signature could not be checked: the server cannot open its API secrets (its operator: see `paydesk check`)")
    }

    /// The caller, acting as `Actor(name: "api:LINE", role: .service, origin: "api REMOTE")`.
    /// `headers` are lower-cased; `path` is the request target as sent (query included).
    /// Writes the nonce; reads nothing of the request's data.
    public func authenticate(method: String, path: String, headers: [String: String], body: [UInt8],
                             remote: String, singleUse: Bool? = nil) throws(APIAuthError) -> APICaller {
        let signatureName = APIRequestSignature.header.lowercased()
        let lineName = APIRequestSignature.lineHeader.lowercased()
        guard let header = headers[signatureName] else {
            throw APIAuthError(code: "signature_missing", message: "the \(APIRequestSignature.header) header is missing")
        }
        guard let lineText = headers[lineName], !lineText.isEmpty else {
            throw APIAuthError(code: "signature_missing", message: "the \(APIRequestSignature.lineHeader) header is missing")
        }
        guard let parsed = APIRequestSignature.parse(header) else {
            throw APIAuthError(code: "signature_malformed",
                               message: "\(APIRequestSignature.header): expected t=<unix seconds>,v1=<64 lowercase hex digits>")
        }
        guard let line = try? BusinessLineCode(lineText, field: APIRequestSignature.lineHeader) else {
            throw APIAuthError(code: "unknown_business_line", message: "\(APIRequestSignature.lineHeader): no such business line")
        }
        let store = context.store
        let now = context.now
        let found: [APISecretRecord]?
        do {
            found = try store.read { () throws -> [APISecretRecord]? in
                guard try store.businessLines.find(line) != nil else { return nil }
                return try store.apiSecrets.valid(line, at: now)
            }
        } catch {
            throw Self.storeFailed
        }
        guard let secrets = found else {
            throw APIAuthError(code: "unknown_business_line", message: "\(APIRequestSignature.lineHeader) '\(line)': no such business line")
        }
        let opened: [String]
        do {
            opened = try secrets.map { (record) throws(PayError) in try LineSecrets.apiSecret(record, storePath: store.path) }
        } catch {
            throw Self.secretsUnreadable(error)
        }
        let verified = parsed.signatures.first { candidate in
            opened.contains { secret in
                let expected = APIRequestSignature.v1(secret: secret, timestamp: parsed.timestamp, method: method,
                                                      path: path, body: body)
                return Crypto.constantTimeEquals(expected, candidate)
            }
        }
        guard verified != nil else {
            throw APIAuthError(code: "signature_invalid",
                               message: secrets.isEmpty ? "business line '\(line)' has no active API secret"
                                                        : "the signature does not match the request under any active secret of '\(line)'")
        }
        let nowSeconds = now.seconds
        let skew = parsed.timestamp - nowSeconds
        guard abs(skew) <= APIRequestSignature.windowSeconds else {
            let side = skew < 0 ? "\(-skew) s old" : "\(skew) s ahead of the server's clock"
            throw APIAuthError(code: "signature_expired",
                               message: "the signature's timestamp is \(side); at most \(APIRequestSignature.windowSeconds) s either way")
        }
        let caller = APICaller(line: line, actor: Actor(name: "api:\(line)", role: .service, origin: "api \(remote)"))
        if !(singleUse ?? !Self.readOnlyMethods.contains(method)) { return caller }
        let nonce = Self.nonce(timestamp: parsed.timestamp, method: method, path: path, body: body)
        // why max: a nonce must outlive every instant at which its timestamp is still accepted.
        let keepUntil = Timestamp(seconds: max(parsed.timestamp, nowSeconds) + APIRequestSignature.windowSeconds + 1)
        let fresh: Bool
        do {
            fresh = try store.write {
                try store.apiSecrets.pruneNonces(before: now)
                return try store.apiSecrets.recordNonce(line, signature: nonce, expiresAt: keepUntil)
            }
        } catch {
            throw Self.storeFailed
        }
        guard fresh else {
            throw APIAuthError(code: "signature_replayed",
                               message: "this signature was already used; sign each request anew (a retry of the same request needs a later timestamp)")
        }
        return caller
    }

    /// What a single-use request is remembered by: the SHA-256 of its signed text.
    public static func nonce(timestamp: Int64, method: String, path: String, body: [UInt8]) -> String {
        Hex.encode(Crypto.sha256(APIRequestSignature.payload(timestamp: timestamp, method: method, path: path, body: body)))
    }

    /// Methods that change nothing: their signatures are not recorded as nonces.
    public static let readOnlyMethods: Set<String> = ["GET", "HEAD"]
}
