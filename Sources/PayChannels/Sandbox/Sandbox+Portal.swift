import PayCore

/// What the sandbox, as the channel's merchant portal, hands out for an account registered with
/// the center's public key: what a real portal shows or lets one download.
public struct SandboxRegistration: Sendable, Equatable {
    /// Ids the center types into its config (`app_id`, `mchid`, `mer_id`, key serials, certIds).
    public let identifiers: [String: String]
    /// The channel's public keys or certificates, PEM, by config field.
    public let publicKeys: [String: String]
    /// Shared secrets (APIv3 key, API and webhook secrets), by config field.
    public let secrets: [String: String]
}

extension Sandbox {
    /// Registers `account` at the channel with the center's own public key (PEM), as a merchant
    /// does at the channel's portal: the channel makes its keys, ids and secrets, keeps the
    /// center's public key for checking requests, and hands out its side. The center's private key
    /// never reaches the sandbox. Registering again replaces everything (new ids and secrets).
    public func register(_ account: ChannelAccount, centerPublicKey pem: String) throws(PayError) -> SandboxRegistration {
        let centerKey: RSAPublicKey
        do { centerKey = try RSAPublicKey(pem: pem) } catch { throw PayError.invalidInput("center key: \(error.message)") }
        let psp = try psp(account.channel)
        let generated = try provision(account)
        return try write {
            try psp.setCenterPublicKey(account.id, pem: centerKey.pem)
            var handed = generated
            // why: these ids name the center's key; provision derived them from the key it made.
            switch account.channel {
            case "wechat":
                handed["merchant_serial_no"] = centerKey.serial
                try setKey(account.id, "merchant_serial_no", centerKey.serial)
            case "unionpay":
                let certId = String(UInt64(centerKey.serial.prefix(15), radix: 16) ?? 1)
                handed["sign_cert_id"] = certId
                try setKey(account.id, "sign_cert_id", certId)
            default:
                break
            }
            var identifiers: [String: String] = [:], publicKeys: [String: String] = [:], secrets: [String: String] = [:]
            for (name, value) in handed {
                if name.hasSuffix("private_key") { continue }
                if value.contains("-----BEGIN ") {
                    publicKeys[name] = value
                } else if name.hasSuffix("secret") || name.hasSuffix("_key") {
                    secrets[name] = value
                } else {
                    identifiers[name] = value
                }
            }
            return SandboxRegistration(identifiers: identifiers, publicKeys: publicKeys, secrets: secrets)
        }
    }
}
