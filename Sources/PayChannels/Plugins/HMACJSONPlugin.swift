import PayCore

/// The shape the card acquirers and PayPal share: JSON bodies in minor units, requests signed
/// with `Acquirer-Signature` under the API secret, answers and webhooks signed with the same
/// header under the webhook secret, 300 s window.
///
/// Config: `api_secret`, `webhook_secret`.
open class HMACJSONPlugin: ChannelPlugin {
    public static let signatureHeader = "Acquirer-Signature"

    public override func sign(_ request: HTTPMessage) throws -> HTTPMessage {
        var out = request
        out.headers[Self.signatureHeader] = SignatureHeader.make(secret: try config("api_secret"), body: Array("\(request.method) \(request.path)\n".utf8) + request.body, at: clock.now())
        return out
    }

    func verifySigned(_ message: HTTPMessage) throws(NotificationRejection) {
        guard let secret = account.config["webhook_secret"], !secret.isEmpty else { throw NotificationRejection("account '\(account.id)' has no webhook_secret") }
        do {
            try SignatureHeader.verify(message.header(Self.signatureHeader), body: message.body, secret: secret, now: clock.now())
        } catch {
            // why: with two acquirer accounts the header does not say whose secret signed it.
            throw NotificationRejection(error.reason, notForThisAccount: true)
        }
    }

    public override func verifyResponse(_ response: HTTPMessage, for operation: ChannelOperation) throws(NotificationRejection) -> Fields {
        try verifySigned(response)
        var fields: Fields
        if case .bill = operation {
            guard let text = String(validating: response.body, as: UTF8.self) else { throw NotificationRejection("bill is not UTF-8") }
            fields = response.status == 200 ? ["_bill": text] : ["_error": text]
        } else {
            fields = Self.flatten(try SafeJSON.object(response.body, what: "answer"))
        }
        fields["_status"] = String(response.status)
        return fields
    }

    public override func verifyNotification(_ message: HTTPMessage) throws(NotificationRejection) {
        try verifySigned(message)
    }

    public override var acknowledgement: ChannelAck { ChannelAck(status: 200, body: #"{"received":true}"#) }

    func jsonRequest(_ method: String, _ path: String, _ object: [String: Any]? = nil) -> HTTPMessage {
        HTTPMessage(method: method, path: path, headers: ["Content-Type": "application/json"], body: object.map(SafeJSON.encode) ?? [])
    }

    static func money(_ fields: JSONFields, amountKey: String, currencyKey: String) throws(NotificationRejection) -> Money {
        let code = try fields.string(currencyKey)
        guard let currency = Currency(code: code) else { throw NotificationRejection("currency '\(code)' unknown") }
        let minor = try fields.int(amountKey)
        guard minor > 0 else { throw NotificationRejection("amount must be positive") }
        return Money(minorUnits: minor, currency: currency)
    }
}
