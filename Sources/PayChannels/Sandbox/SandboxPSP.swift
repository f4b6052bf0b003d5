import PayCore

/// One simulated channel: the channel's side of the conversation. The base class runs the
/// template — decode and verify the center's request, apply the sandbox rules, encode and sign the
/// answer — and each channel overrides the steps in its own words, keys and units.
class SandboxPSP {
    /// A callback ready to queue: headers and body exactly as they will be sent, and when.
    struct Callback {
        let headers: [String: String]
        let body: [UInt8]
        let at: Timestamp
    }

    unowned let sandbox: Sandbox
    let channel: String
    private var privateKeys: [String: RSAPrivateKey] = [:]
    private var publicKeys: [String: RSAPublicKey] = [:]

    init(sandbox: Sandbox, channel: String) {
        self.sandbox = sandbox
        self.channel = channel
    }

    /// The template: decode (which verifies the center's signature), run, encode (which signs).
    final func handle(_ request: HTTPMessage, account: String) throws(TransportError) -> HTTPMessage {
        let decoded: SandboxRequest
        do {
            decoded = try decode(request, account: account)
        } catch {
            return refuseRequest(error.reason, account: account)
        }
        let outcome: SandboxOutcome
        do {
            outcome = try sandbox.run(decoded, psp: self, account: account)
        } catch let error as TransportError {
            throw error
        } catch {
            outcome = .systemError("sandbox failure: \(error)")
        }
        return encode(outcome, for: decoded, account: account)
    }

    // MARK: Steps a channel overrides

    /// Creates the channel's keys for `account`; returns what the center keeps.
    func provision(_ account: ChannelAccount) throws -> [String: String] { [:] }

    /// Verifies the center's signature on the request and reads it.
    func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        throw NotificationRejection("not supported")
    }

    /// The channel's answer for `outcome`, signed.
    func encode(_ outcome: SandboxOutcome, for request: SandboxRequest, account: String) -> HTTPMessage {
        HTTPMessage(status: 500)
    }

    /// The channel's answer to a request it refused (bad signature, bad parameter).
    func refuseRequest(_ reason: String, account: String) -> HTTPMessage { HTTPMessage(status: 400, body: Array(reason.utf8)) }

    /// The callback announcing `payment`'s state (nil: this channel sends none).
    func paymentCallback(_ payment: SandboxPayment, at: Timestamp) -> Callback? { nil }

    /// The callback announcing `refund`'s final state.
    func refundCallback(_ refund: SandboxRefund, payment: SandboxPayment, at: Timestamp) -> Callback? { nil }

    /// The day's bill in the channel's format.
    func bill(_ day: SandboxDay) -> String { SandboxBill.render(day, channel: channel, merId: secret(day.account, "mer_id") ?? "", sandbox: sandbox) }

    /// A new channel serial for a payment.
    func newTradeNo(at time: Timestamp) -> String { "\(channel.uppercased())\(time.milliseconds)\(Crypto.randomHex(4))" }

    func newRefundId(at time: Timestamp) -> String { "RF\(time.milliseconds)\(Crypto.randomHex(4))" }

    // MARK: Keys

    func privateKey(_ account: String, _ name: String) throws -> RSAPrivateKey {
        let id = "\(account)/\(name)"
        if let key = privateKeys[id] { return key }
        guard let pem = try sandbox.key(account, name) else { throw PayError.internal("sandbox: account '\(account)' has no key '\(name)'") }
        let key = try RSAPrivateKey(pem: pem)
        privateKeys[id] = key
        return key
    }

    func publicKey(_ account: String, _ name: String) throws -> RSAPublicKey {
        let id = "\(account)/\(name)"
        if let key = publicKeys[id] { return key }
        guard let pem = try sandbox.key(account, name) else { throw PayError.internal("sandbox: account '\(account)' has no key '\(name)'") }
        let key = try RSAPublicKey(pem: pem)
        publicKeys[id] = key
        return key
    }

    func secret(_ account: String, _ name: String) -> String? { (try? sandbox.key(account, name)) ?? nil }

    /// Generates an RSA-2048 pair for each side: the channel keeps its private key and the
    /// center's public key; the center gets its private key and the channel's public key.
    func provisionRSA(_ account: String) throws -> (channel: RSAPrivateKey, center: RSAPrivateKey) {
        let channelKey = try RSAPrivateKey.generate()
        let centerKey = try RSAPrivateKey.generate()
        try sandbox.setKey(account, "channel_private_key", channelKey.pem)
        try sandbox.setKey(account, "center_public_key", centerKey.publicKey.pem)
        privateKeys["\(account)/channel_private_key"] = nil
        publicKeys["\(account)/center_public_key"] = nil
        return (channelKey, centerKey)
    }
}
