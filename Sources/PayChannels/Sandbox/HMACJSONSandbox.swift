import PayCore

/// The side of the card acquirers and PayPal: checks the request's `Acquirer-Signature` under the
/// API secret, signs answers and webhooks under the webhook secret.
class HMACJSONSandbox: SandboxPSP {
    override func provision(_ account: ChannelAccount) throws -> [String: String] {
        let api = "sk_sbx_" + Crypto.randomHex(16)
        let webhook = "whsec_" + Crypto.randomHex(16)
        try sandbox.setKey(account.id, "api_secret", api)
        try sandbox.setKey(account.id, "webhook_secret", webhook)
        return ["api_secret": api, "webhook_secret": webhook]
    }

    /// Verifies the request and splits its path and query.
    func verified(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> (path: String, query: [String: String], body: JSONFields?) {
        guard let secret = secret(account, "api_secret") else { throw NotificationRejection("unknown account") }
        try SignatureHeader.verify(request.header(HMACJSONPlugin.signatureHeader),
                                   body: Array("\(request.method) \(request.path)\n".utf8) + request.body, secret: secret, now: sandbox.now)
        let pieces = request.path.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if pieces.count == 2 {
            for item in pieces[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { query[String(kv[0])] = String(kv[1]) }
            }
        }
        let body = request.body.isEmpty ? nil : JSONFields(try SafeJSON.object(request.body, what: "request"))
        return (String(pieces.first ?? ""), query, body)
    }

    func answer(_ status: Int, _ object: [String: Any], account: String) -> HTTPMessage {
        let body = SafeJSON.encode(object)
        return signedAnswer(status, body, contentType: "application/json", account: account)
    }

    func signedAnswer(_ status: Int, _ body: [UInt8], contentType: String, account: String) -> HTTPMessage {
        var headers = ["Content-Type": contentType]
        if let secret = secret(account, "webhook_secret") {
            headers[HMACJSONPlugin.signatureHeader] = SignatureHeader.make(secret: secret, body: body, at: sandbox.now)
        }
        return HTTPMessage(status: status, headers: headers, body: body)
    }

    func webhook(_ object: [String: Any], account: String, at: Timestamp) -> Callback? {
        guard let secret = secret(account, "webhook_secret") else { return nil }
        let body = SafeJSON.encode(object)
        return Callback(headers: ["Content-Type": "application/json",
                                  HMACJSONPlugin.signatureHeader: SignatureHeader.make(secret: secret, body: body, at: at)], body: body, at: at)
    }

    static func money(_ body: JSONFields?, amountKey: String, currencyKey: String) throws(NotificationRejection) -> Money {
        guard let body else { throw NotificationRejection("body missing") }
        let code = try body.string(currencyKey)
        guard let currency = Currency(code: code) else { throw NotificationRejection("currency '\(code)' unknown") }
        return Money(minorUnits: try body.int(amountKey), currency: currency)
    }

    static func require(_ body: JSONFields?, _ key: String) throws(NotificationRejection) -> String {
        guard let body else { throw NotificationRejection("body missing") }
        return try body.string(key)
    }
}
