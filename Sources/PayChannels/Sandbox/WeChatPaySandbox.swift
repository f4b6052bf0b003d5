import Foundation
import PayCore

/// The WeChat Pay v3 side: checks the merchant's `Authorization` signature, answers in v3 JSON
/// (`trade_state`, `amount.total` in fen, errors as `{code, message}` with the HTTP status),
/// signs answers with the platform key in `Wechatpay-*` headers, and sends `TRANSACTION.SUCCESS` /
/// `REFUND.*` callbacks whose `resource` is AEAD_AES_256_GCM-encrypted under the APIv3 key.
final class WeChatPaySandbox: SandboxPSP {
    /// The platform key's serial per account (deriving it costs a PEM round trip).
    private var platformSerials: [String: String] = [:]

    init(sandbox: Sandbox) { super.init(sandbox: sandbox, channel: "wechat") }

    override func provision(_ account: ChannelAccount) throws -> [String: String] {
        let keys = try provisionRSA(account.id)
        platformSerials[account.id] = nil
        let mchid = "16\(String(UInt64.random(in: 0..<100_000_000)).leftPadded(8))"
        let appid = "wx\(Crypto.randomHex(8))"
        // why: the APIv3 key is 32 bytes of text the merchant types into the merchant platform.
        let apiV3Key = Crypto.randomHex(16)
        let merchantSerial = keys.center.publicKey.serial
        let validity = certificateValidity(years: 5)
        let certificate = try Self.platformCertificate(keys.channel, notBefore: validity.notBefore, days: validity.days)
        for (name, value) in [("mchid", mchid), ("appid", appid), ("api_v3_key", apiV3Key), ("merchant_serial_no", merchantSerial),
                              ("platform_certificate", certificate.pem)] {
            try sandbox.setKey(account.id, name, value)
        }
        return ["mchid": mchid, "appid": appid, "merchant_private_key": keys.center.pem, "merchant_serial_no": merchantSerial,
                "platform_public_key": keys.channel.publicKey.pem, "platform_serial": certificate.serialHex, "api_v3_key": apiV3Key]
    }

    /// The platform certificate of the channel's key, as `GET /v3/certificates` hands it out: a
    /// 20-byte serial (40 hex digits, like WeChat's).
    static func platformCertificate(_ key: RSAPrivateKey, notBefore: Timestamp, days: Int) throws -> X509Certificate {
        // why the first byte 0x10–0x7F: the serial stays positive and its hex keeps 40 digits.
        let serial = [UInt8.random(in: 0x10...0x7F)] + Crypto.randomBytes(19)
        return try X509Certificate.issue(
            subject: .init(commonName: "Tenpay.com sign", organization: "Tenpay.com", organizationalUnit: "Tenpay.com CA Center", country: "CN"),
            publicKey: key.publicKey, serial: serial, notBefore: notBefore, days: days, isCA: false,
            issuer: nil, issuerKey: key)
    }

    override func newTradeNo(at time: Timestamp) -> String {
        "42000\(String(UInt64.random(in: 0..<100_000)).leftPadded(5))\(ChannelTime.compact(time).prefix(8))\(String(UInt64.random(in: 0..<10_000_000_000)).leftPadded(10))"
    }

    override func newRefundId(at time: Timestamp) -> String {
        "50300\(String(UInt64.random(in: 0..<100_000)).leftPadded(5))\(ChannelTime.compact(time).prefix(8))\(String(UInt64.random(in: 0..<100_000_000_000)).leftPadded(11))"
    }

    /// Checks the merchant's `Authorization` header: scheme, mchid, certificate serial, the 5-minute
    /// window and the signature over "METHOD\nURL\ntimestamp\nnonce\nbody\n".
    private func verifyAuthorization(_ request: HTTPMessage, account: String) throws(NotificationRejection) {
        guard let auth = request.header("Authorization"), auth.hasPrefix("WECHATPAY2-SHA256-RSA2048 ") else {
            throw NotificationRejection("Authorization header missing or not WECHATPAY2-SHA256-RSA2048")
        }
        var parts: [String: String] = [:]
        for item in auth.dropFirst("WECHATPAY2-SHA256-RSA2048 ".count).split(separator: ",") {
            let kv = item.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            parts[String(kv[0]).trimmingSpaces] = String(kv[1]).trimmingCharacters(in: ["\""])
        }
        guard let mchid = parts["mchid"], mchid == secret(account, "mchid") else { throw NotificationRejection("mchid does not match") }
        guard parts["serial_no"] == secret(account, "merchant_serial_no") else { throw NotificationRejection("serial_no is not the merchant certificate's") }
        guard let ts = parts["timestamp"], let seconds = Int64(ts),
              case let (skew, overflow) = sandbox.now.seconds.subtractingReportingOverflow(seconds), !overflow, (-300...300).contains(skew) else {
            throw NotificationRejection("timestamp outside 5 minutes")
        }
        let message = "\(request.method)\n\(request.path)\n\(ts)\n\(parts["nonce_str"] ?? "")\n\(request.bodyText)\n"
        let key: RSAPublicKey
        do { key = try publicKey(account, "center_public_key") } catch { throw NotificationRejection("no merchant key") }
        guard key.verifyBase64(parts["signature"] ?? "", for: message) else { throw NotificationRejection("SIGN_ERROR") }
    }

    override func answerDirectly(_ request: HTTPMessage, account: String) -> HTTPMessage? {
        guard request.method == "GET", request.path.split(separator: "?", maxSplits: 1).first == "/v3/certificates" else { return nil }
        do { try verifyAuthorization(request, account: account) } catch { return refuseRequest(error.reason, account: account) }
        guard let key = secret(account, "api_v3_key"), let pem = secret(account, "platform_certificate"),
              let certificate = try? X509Certificate(pem: pem) else {
            return answer(200, ["data": [[String: Any]]()], account: account)
        }
        // why: each certificate travels encrypted under the APIv3 key, so only the merchant can read it.
        let nonce = Crypto.randomHex(6)
        guard let sealed = try? Crypto.aes256GCMSeal(key: Array(key.utf8), nonce: Array(nonce.utf8), plaintext: Array(pem.utf8),
                                                     aad: Array("certificate".utf8)) else {
            return error(500, "SYSTEM_ERROR", "系统错误", account: account)
        }
        let entry: [String: Any] = [
            "serial_no": certificate.serialHex, "effective_time": ChannelTime.rfc3339(certificate.notBefore),
            "expire_time": ChannelTime.rfc3339(certificate.notAfter),
            "encrypt_certificate": ["algorithm": "AEAD_AES_256_GCM", "nonce": nonce, "associated_data": "certificate",
                                    "ciphertext": Base64.encode(sealed.combined)],
        ]
        return answer(200, ["data": [entry]], account: account)
    }

    override func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        try verifyAuthorization(request, account: account)
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let query = request.path.contains("?") ? String(request.path.split(separator: "?", maxSplits: 1)[1]) : ""
        let segments = path.split(separator: "/").map(String.init)
        func body() throws(NotificationRejection) -> JSONFields { JSONFields(try SafeJSON.object(request.body, what: "request")) }
        func money(_ object: JSONFields, _ key: String) throws(NotificationRejection) -> Money {
            let currency = Currency(code: object.optionalString("currency") ?? "CNY") ?? .CNY
            return Money(minorUnits: try object.int(key), currency: currency)
        }
        switch (request.method, path) {
        case ("POST", "/v3/pay/transactions/codepay"):
            let b = try body()
            return .pay(outTradeNo: try b.string("out_trade_no"), amount: try money(try b.nested("amount"), "total"),
                        mode: .barcode(try b.nested("payer").string("auth_code")), subject: b.optionalString("description") ?? "")
        case ("POST", "/v3/pay/transactions/native"):
            let b = try body()
            return .pay(outTradeNo: try b.string("out_trade_no"), amount: try money(try b.nested("amount"), "total"), mode: .payCode,
                        subject: b.optionalString("description") ?? "")
        case ("POST", "/v3/refund/domestic/refunds"):
            let b = try body()
            // why: the real API takes either the merchant's out_trade_no or WeChat's transaction_id.
            let outTradeNo: String
            if let given = b.optionalString("out_trade_no") {
                outTradeNo = given
            } else if let transactionId = b.optionalString("transaction_id") {
                outTradeNo = self.outTradeNo(transactionId: transactionId, account: account)
            } else {
                throw NotificationRejection("out_trade_no or transaction_id required")
            }
            return .refund(outTradeNo: outTradeNo, outRefundNo: try b.string("out_refund_no"),
                           amount: try money(try b.nested("amount"), "refund"))
        case ("GET", "/v3/bill/tradebill"):
            guard let date = query.split(separator: "&").first(where: { $0.hasPrefix("bill_date=") })?.dropFirst(10) else {
                throw NotificationRejection("bill_date missing")
            }
            return .bill(date: String(date))
        default:
            // why mchid: the order queries require it in the query string, and WeChat refuses them without it.
            func requireMchid() throws(NotificationRejection) {
                guard query.split(separator: "&").contains(where: { $0 == "mchid=\(secret(account, "mchid") ?? "")" }) else {
                    throw NotificationRejection("the query string does not name this merchant number (商户号)")
                }
            }
            if segments.count == 5, segments[0...3] == ["v3", "pay", "transactions", "out-trade-no"], request.method == "GET" {
                try requireMchid()
                return .query(outTradeNo: segments[4])
            }
            if segments.count == 5, segments[0...3] == ["v3", "pay", "transactions", "id"], request.method == "GET" {
                try requireMchid()
                return .query(outTradeNo: outTradeNo(transactionId: segments[4], account: account))
            }
            if segments.count == 6, segments[0...3] == ["v3", "pay", "transactions", "out-trade-no"], request.method == "POST",
               segments[5] == "close" || segments[5] == "reverse" {
                return .close(outTradeNo: segments[4], revoke: segments[5] == "reverse")
            }
            if segments.count == 5, segments[0...3] == ["v3", "refund", "domestic", "refunds"], request.method == "GET" {
                return .refundQuery(outRefundNo: segments[4])
            }
            throw NotificationRejection("no such API: \(request.method) \(path)")
        }
    }

    /// The merchant's serial of the trade WeChat numbered `transactionId` on this account; "" (which no
    /// trade has) when there is none, so the request is answered ORDER_NOT_EXIST.
    private func outTradeNo(transactionId: String, account: String) -> String {
        guard let payment = try? sandbox.payment(tradeNo: transactionId), payment.channel == channel, payment.account == account else { return "" }
        return payment.outTradeNo
    }

    /// The serial the platform signs under: its certificate's, or for an account provisioned before
    /// the sandbox issued certificates, the key's fingerprint.
    private func platformSerial(_ account: String, key: RSAPrivateKey) -> String {
        if let serial = platformSerials[account] { return serial }
        let serial = secret(account, "platform_certificate").flatMap { try? X509Certificate(pem: $0) }?.serialHex ?? key.publicKey.serial
        platformSerials[account] = serial
        return serial
    }

    /// Signs `body` the way the platform signs answers and callbacks.
    private func signedHeaders(_ body: [UInt8], account: String, at time: Timestamp) -> [String: String] {
        let ts = String(time.seconds)
        let nonce = Crypto.randomHex(16).uppercased()
        guard let key = try? privateKey(account, "channel_private_key") else { return [:] }
        let signature = key.signBase64("\(ts)\n\(nonce)\n\(String(decoding: body, as: UTF8.self))\n")
        // why Wechatpay-Signature-Type: the official SDKs refuse to verify a message without it.
        return ["Content-Type": "application/json", "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": signature, "Wechatpay-Serial": platformSerial(account, key: key),
                "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"]
    }

    private func answer(_ status: Int, _ object: [String: Any]?, account: String) -> HTTPMessage {
        let body = object.map(SafeJSON.encode) ?? []
        return HTTPMessage(status: status, headers: signedHeaders(body, account: account, at: sandbox.now), body: body)
    }

    private func error(_ status: Int, _ code: String, _ message: String, account: String, detail: [String: Any]? = nil) -> HTTPMessage {
        var object: [String: Any] = ["code": code, "message": message]
        if let detail { object["detail"] = detail }
        return answer(status, object, account: account)
    }

    override func refuseRequest(_ reason: String, account: String) -> HTTPMessage {
        error(reason == "SIGN_ERROR" || reason.contains("mchid") || reason.contains("serial") ? 401 : 400,
              reason == "SIGN_ERROR" ? "SIGN_ERROR" : "PARAM_ERROR", reason, account: account)
    }

    static func tradeState(_ payment: SandboxPayment) -> String {
        switch payment.status {
        case .waiting: "NOTPAY"
        case .paying: "USERPAYING"
        case .paid: payment.refunded.isPositive ? "REFUND" : "SUCCESS"
        case .closed: "CLOSED"
        case .revoked: "REVOKED"
        case .failed: "PAYERROR"
        }
    }

    func transaction(_ payment: SandboxPayment, account: String) -> [String: Any] {
        var object: [String: Any] = [
            "appid": secret(account, "appid") ?? "", "mchid": secret(account, "mchid") ?? "", "out_trade_no": payment.outTradeNo,
            "transaction_id": payment.tradeNo, "trade_type": payment.mode == "paycode" ? "NATIVE" : "MICROPAY",
            "trade_state": Self.tradeState(payment), "trade_state_desc": Self.tradeStateDescription(payment),
            "amount": ["total": payment.amount.minorUnits, "payer_total": payment.amount.minorUnits, "currency": payment.amount.currency.code,
                       "payer_currency": payment.amount.currency.code],
            "payer": ["openid": "oSbx\(payment.tradeNo.suffix(8))"],
        ]
        if payment.status == .paid { object["success_time"] = ChannelTime.rfc3339(payment.paidAt ?? payment.createdAt) }
        return object
    }

    static func tradeStateDescription(_ payment: SandboxPayment) -> String {
        switch payment.status {
        case .waiting: "订单未支付"
        case .paying: "用户支付中，需要输入密码"
        case .paid: "支付成功"
        case .closed: "订单已关闭"
        case .revoked: "订单已撤销"
        case .failed: payment.failureCode == SandboxFailure.insufficientFunds ? "用户账号余额不足" : "支付失败"
        }
    }

    func refundObject(_ refund: SandboxRefund, payment: SandboxPayment) -> [String: Any] {
        var object: [String: Any] = [
            "refund_id": refund.refundId, "out_refund_no": refund.outRefundNo, "transaction_id": payment.tradeNo,
            "out_trade_no": payment.outTradeNo, "channel": "ORIGINAL", "user_received_account": "支付用户零钱",
            "create_time": ChannelTime.rfc3339(refund.createdAt), "status": Self.refundStatus(refund),
            "amount": ["refund": refund.amount.minorUnits, "total": payment.amount.minorUnits, "payer_refund": refund.amount.minorUnits,
                       "payer_total": payment.amount.minorUnits, "currency": refund.amount.currency.code],
        ]
        if refund.status == .succeeded { object["success_time"] = ChannelTime.rfc3339(refund.settledAt ?? refund.createdAt) }
        return object
    }

    static func refundStatus(_ refund: SandboxRefund) -> String {
        switch refund.status {
        case .succeeded: "SUCCESS"
        case .processing: "PROCESSING"
        case .failed: "ABNORMAL"
        }
    }

    override func encode(_ outcome: SandboxOutcome, for request: SandboxRequest, account: String) -> HTTPMessage {
        switch outcome {
        case .systemError(let message): return error(500, "SYSTEM_ERROR", "系统错误: \(message)", account: account)
        case .refused(let refusal):
            switch refusal {
            case .notFound:
                if case .refundQuery = request { return error(404, "RESOURCE_NOT_EXISTS", "退款单不存在", account: account) }
                return error(404, "ORDER_NOT_EXIST", "订单不存在", account: account)
            case .refundTooLarge: return error(403, "NOT_ENOUGH", "可退金额不足", account: account)
            case .notPaid: return error(400, "INVALID_REQUEST", "订单未支付", account: account)
            case .duplicate: return error(400, "INVALID_REQUEST", "商户订单号重复", account: account)
            case .badAuthCode: return error(403, "AUTH_CODE_INVALID", "付款码无效，请重新扫码", account: account)
            case .invalid(let why): return error(400, "PARAM_ERROR", why, account: account)
            }
        case .token: return error(404, "NOT_FOUND", "no such API", account: account)
        case .bill(let day):
            let text = bill(day)
            return answer(200, ["hash_type": "SHA256", "hash_value": Crypto.sha256Hex(text), "download_url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=sbx",
                                "bill_content": text], account: account)
        case .refund(let refund):
            guard let payment = try? sandbox.payment(tradeNo: refund.tradeNo) else { return error(500, "SYSTEM_ERROR", "lost", account: account) }
            return answer(200, refundObject(refund, payment: payment), account: account)
        case .payment(let payment):
            switch request {
            case .pay(_, _, .payCode, _):
                return answer(200, ["code_url": "weixin://wxpay/bizpayurl?pr=sbx\(payment.tradeNo.suffix(8))"], account: account)
            case .pay:
                if payment.status == .failed {
                    return payment.failureCode == SandboxFailure.insufficientFunds
                        ? error(403, "NOTENOUGH", "用户账号余额不足", account: account)
                        : error(403, "TRADE_ERROR", "交易错误: 支付失败", account: account)
                }
                return answer(200, transaction(payment, account: account), account: account)
            case .close:
                if payment.status == .paid {
                    return error(400, "ORDERPAID", "订单已支付", account: account, detail: ["transaction_id": payment.tradeNo])
                }
                return answer(payment.mode == "paycode" ? 204 : 200, payment.mode == "paycode" ? nil : [:], account: account)
            default:
                return answer(200, transaction(payment, account: account), account: account)
            }
        }
    }

    private func encrypted(_ object: [String: Any], type: String, account: String) -> [String: Any]? {
        guard let key = secret(account, "api_v3_key") else { return nil }
        let nonce = Crypto.randomHex(6)
        guard let sealed = try? Crypto.aes256GCMSeal(key: Array(key.utf8), nonce: Array(nonce.utf8), plaintext: SafeJSON.encode(object),
                                                     aad: Array(type.utf8)) else { return nil }
        return ["original_type": type, "algorithm": "AEAD_AES_256_GCM", "ciphertext": Base64.encode(sealed.combined),
                "associated_data": type, "nonce": nonce]
    }

    private func callback(event: String, summary: String, resource: [String: Any]?, account: String, at: Timestamp) -> Callback? {
        guard let resource else { return nil }
        let body = SafeJSON.encode(["id": UUIDText.make(), "create_time": ChannelTime.rfc3339(at), "event_type": event,
                                    "resource_type": "encrypt-resource", "summary": summary, "resource": resource])
        return Callback(headers: signedHeaders(body, account: account, at: at), body: body, at: at)
    }

    override func paymentCallback(_ payment: SandboxPayment, at: Timestamp) -> Callback? {
        let event = payment.status == .paid ? "TRANSACTION.SUCCESS" : "TRANSACTION.\(Self.tradeState(payment))"
        return callback(event: event, summary: payment.status == .paid ? "支付成功" : Self.tradeStateDescription(payment),
                        resource: encrypted(transaction(payment, account: payment.account), type: "transaction", account: payment.account),
                        account: payment.account, at: at)
    }

    override func refundCallback(_ refund: SandboxRefund, payment: SandboxPayment, at: Timestamp) -> Callback? {
        var object = refundObject(refund, payment: payment)
        object["mchid"] = secret(payment.account, "mchid") ?? ""
        object["refund_status"] = object.removeValue(forKey: "status")
        let event = refund.status == .succeeded ? "REFUND.SUCCESS" : "REFUND.ABNORMAL"
        return callback(event: event, summary: refund.status == .succeeded ? "退款成功" : "退款异常",
                        resource: encrypted(object, type: "refund", account: payment.account), account: payment.account, at: at)
    }

    override func bill(_ day: SandboxDay) -> String {
        SandboxBill.wechat(day, appId: secret(day.account, "appid") ?? "", mchId: secret(day.account, "mchid") ?? "", sandbox: sandbox)
    }
}

/// Random UUID-shaped ids (WeChat callback `id`s).
enum UUIDText {
    static func make() -> String {
        let hex = Crypto.randomHex(16)
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }
}
