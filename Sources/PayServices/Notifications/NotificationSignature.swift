import PayCore
import PayChannels

/// The `PayDesk-Signature` header of a merchant notification:
/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` — the scheme of `SignatureHeader`.
public enum NotificationSignature {
    public static let headerName = "PayDesk-Signature"

    public static func header(secret: String, body: [UInt8], unixSeconds: Int64) -> String {
        SignatureHeader.make(secret: secret, body: body, at: Timestamp(seconds: unixSeconds))
    }
}
