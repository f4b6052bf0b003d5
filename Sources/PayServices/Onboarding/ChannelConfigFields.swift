import PayChannels
import PayCore

/// The config fields each channel's plugin reads, and how each is kept and shown.
enum ChannelConfigFields {
    static let table: [String: [ChannelConfigField]] = [
        "alipay": [
            ChannelConfigField(name: "app_id", kind: .identifier, summary: "APPID of the Alipay open platform app"),
            ChannelConfigField(name: "app_private_key", kind: .privateKey, summary: "the app's RSA2 private key (the center signs with it)"),
            ChannelConfigField(name: "alipay_public_key", kind: .publicKey, summary: "Alipay's public key (answers and notifications verify with it)"),
        ],
        "wechat": [
            ChannelConfigField(name: "mchid", kind: .identifier, summary: "merchant id (mchid)"),
            ChannelConfigField(name: "appid", kind: .identifier, summary: "the app id bound to the merchant"),
            ChannelConfigField(name: "merchant_serial_no", kind: .identifier, summary: "serial of the merchant's API certificate"),
            ChannelConfigField(name: "merchant_private_key", kind: .privateKey, summary: "the merchant's API private key (apiclient_key.pem)"),
            ChannelConfigField(name: "platform_public_key", kind: .publicKey, summary: "the WeChat Pay platform public key"),
            ChannelConfigField(name: "platform_serial", kind: .identifier, summary: "serial of the platform key (Wechatpay-Serial)"),
            ChannelConfigField(name: "api_v3_key", kind: .secret, summary: "the APIv3 key (decrypts callbacks)"),
        ],
        "unionpay": [
            ChannelConfigField(name: "mer_id", kind: .identifier, summary: "merchant number (merId)"),
            ChannelConfigField(name: "sign_cert_id", kind: .identifier, summary: "certId of the merchant's signing certificate"),
            ChannelConfigField(name: "sign_private_key", kind: .privateKey, summary: "the merchant's signing private key"),
            ChannelConfigField(name: "verify_public_key", kind: .publicKey, summary: "UnionPay's verification public key"),
            ChannelConfigField(name: "verify_cert_id", kind: .identifier, summary: "certId of UnionPay's verification certificate"),
            // why optional in practice: with both CA certificates the plugin checks 5.1.0's signPubKeyCert
            // chain; without them it falls back to 5.0.0's certId and verify_public_key.
            ChannelConfigField(name: "root_certificate", kind: .certificate, summary: "UnionPay's root CA certificate (5.1.0)"),
            ChannelConfigField(name: "intermediate_certificate", kind: .certificate, summary: "UnionPay's intermediate CA certificate (5.1.0)"),
        ],
        "card": hmacFields, "paypal": hmacFields,
        // why: the stored-value wallet is the center's own; its sandbox checks no signature.
        "wallet": [],
    ]

    static let hmacFields = [
        ChannelConfigField(name: "api_secret", kind: .secret, summary: "the API secret (signs the center's requests)"),
        ChannelConfigField(name: "webhook_secret", kind: .secret, summary: "the webhook secret (answers and webhooks verify with it)"),
    ]

    static func fields(channel: String) throws(PayError) -> [ChannelConfigField] {
        guard let fields = table[channel] else {
            throw PayError.invalidInput("--channel '\(channel)': unknown channel (known: \(table.keys.sorted().joined(separator: ", ")))")
        }
        return fields
    }

    /// The kind of a field no table names (one a newer plugin reads): secret unless its name says
    /// public or id, so an unknown field is never shown or kept in the clear by mistake.
    static func kind(of name: String) -> ChannelConfigKind {
        for fields in table.values { if let field = fields.first(where: { $0.name == name }) { return field.kind } }
        if name.hasSuffix("_certificate") { return .certificate }
        if name.hasSuffix("public_key") || name.hasSuffix("_cert") || name.hasSuffix("_certs") || name.hasSuffix("_chain") { return .publicKey }
        if name.hasSuffix("private_key") { return .privateKey }
        if name.hasSuffix("_id") || name.hasSuffix("_serial") || name.hasSuffix("_serial_no") || name == "appid" || name == "mchid" { return .identifier }
        return .secret
    }

    /// The field as it may be shown: secrets masked, keys by fingerprint.
    static func display(_ field: ChannelConfigField, _ value: String?) -> ChannelConfigValue {
        guard let value, !value.isEmpty else { return ChannelConfigValue(name: field.name, kind: field.kind, display: "", isSet: false) }
        let text: String
        switch field.kind {
        case .identifier: text = value
        case .privateKey: text = "set (private key, sealed: \(ConfigSeal.isSealed(value) ? "yes" : "NO"))"
        case .secret: text = "set (secret, sealed: \(ConfigSeal.isSealed(value) ? "yes" : "NO"))"
        case .publicKey:
            if let key = try? RSAPublicKey(pem: value) { text = "RSA public key \(key.serial.prefix(16))…" } else { text = "set (\(value.count) characters)" }
        case .certificate:
            if let certificate = try? X509Certificate(pem: value) { text = "certificate '\(certificate.commonName)' serial \(certificate.serialDecimal)" } else { text = "set (\(value.count) characters)" }
        }
        return ChannelConfigValue(name: field.name, kind: field.kind, display: text, isSet: true)
    }
}
