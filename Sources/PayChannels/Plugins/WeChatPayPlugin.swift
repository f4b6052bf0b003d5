import PayCore

/// WeChat Pay API v3: JSON bodies, amounts in integer fen (`amount.total`). Requests carry
/// `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…`
/// over "METHOD\nURL\ntimestamp\nnonce\nbody\n". Answers and callbacks carry `Wechatpay-Timestamp`,
/// `-Nonce`, `-Signature` (SHA256withRSA over "timestamp\nnonce\nbody\n"), `-Signature-Type`
/// (WECHATPAY2-SHA256-RSA2048) and `-Serial` (the platform certificate's serial), checked within a 300 s window. A callback's `resource` is
/// AEAD_AES_256_GCM-encrypted under the APIv3 key with its `associated_data` and `nonce`;
/// `trade_state` is SUCCESS, USERPAYING, NOTPAY, CLOSED, REVOKED, PAYERROR or REFUND.
///
/// Config: `mchid`, `appid`, `merchant_private_key`, `merchant_serial_no`, `platform_public_key`,
/// `platform_serial`, `api_v3_key` (32 bytes).
public final class WeChatPayPlugin: ChannelPlugin {
    public static let windowSeconds: Int64 = 300

    public override func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
        let mchid = try config("mchid"), appid = try config("appid")
        func post(_ path: String, _ object: [String: Any]) -> HTTPMessage {
            HTTPMessage(method: "POST", path: path, headers: ["Content-Type": "application/json", "Accept": "application/json"], body: SafeJSON.encode(object))
        }
        func get(_ path: String) -> HTTPMessage { HTTPMessage(method: "GET", path: path, headers: ["Accept": "application/json"]) }
        switch operation {
        case .pay(let request):
            var object: [String: Any] = ["appid": appid, "mchid": mchid, "description": request.subject, "out_trade_no": request.serial,
                                         "amount": ["total": request.amount.minorUnits, "currency": request.amount.currency.code]]
            switch request.mode {
            case .authCode(let code):
                object["payer"] = ["auth_code": code]
                object["scene_info"] = ["device_id": "paydesk"]
                return post("/v3/pay/transactions/codepay", object)
            case .payCode:
                object["notify_url"] = "https://paydesk.local/notify/wechat"
                return post("/v3/pay/transactions/native", object)
            default:
                throw PayError.invalidInput("wechat pays by barcode or pay code only")
            }
        case .query(let serial, _):
            return get("/v3/pay/transactions/out-trade-no/\(serial)?mchid=\(mchid)")
        case .close(let serial, _, let revoke):
            return revoke ? post("/v3/pay/transactions/out-trade-no/\(serial)/reverse", ["appid": appid, "mchid": mchid])
                          : post("/v3/pay/transactions/out-trade-no/\(serial)/close", ["mchid": mchid])
        case .refund(let request):
            return post("/v3/refund/domestic/refunds", [
                "out_trade_no": request.paymentSerial, "out_refund_no": request.refundSerial, "reason": request.reason,
                "notify_url": "https://paydesk.local/notify/wechat",
                "amount": ["refund": request.amount.minorUnits, "total": request.paymentAmount.minorUnits, "currency": request.amount.currency.code],
            ])
        case .refundQuery(let refundSerial, _, _):
            return get("/v3/refund/domestic/refunds/\(refundSerial)")
        case .bill(let date):
            return get("/v3/bill/tradebill?bill_date=\(date)&bill_type=ALL")
        }
    }

    public override func sign(_ request: HTTPMessage) throws -> HTTPMessage {
        let key = try KeyCache.privateKey(try config("merchant_private_key"))
        let timestamp = clock.now().seconds
        let nonce = Crypto.randomHex(16).uppercased()
        let message = "\(request.method)\n\(request.path)\n\(timestamp)\n\(nonce)\n\(request.bodyText)\n"
        var out = request
        out.headers["Authorization"] = "WECHATPAY2-SHA256-RSA2048 mchid=\"\(try config("mchid"))\",nonce_str=\"\(nonce)\",signature=\"\(key.signBase64(message))\",timestamp=\"\(timestamp)\",serial_no=\"\(try config("merchant_serial_no"))\""
        return out
    }

    /// Checks the `Wechatpay-*` headers against the raw body: serial, window, signature.
    func verifySignedMessage(_ message: HTTPMessage) throws(NotificationRejection) {
        guard let timestampText = message.header("Wechatpay-Timestamp"), let timestamp = Int64(timestampText) else {
            throw NotificationRejection("Wechatpay-Timestamp missing or not a number")
        }
        guard let nonce = message.header("Wechatpay-Nonce"), !nonce.isEmpty else { throw NotificationRejection("Wechatpay-Nonce missing") }
        guard let signature = message.header("Wechatpay-Signature"), !signature.isEmpty else { throw NotificationRejection("Wechatpay-Signature missing") }
        guard let serial = message.header("Wechatpay-Serial") else { throw NotificationRejection("Wechatpay-Serial missing") }
        guard let expected = account.config["platform_serial"], serial == expected else {
            throw NotificationRejection("Wechatpay-Serial '\(serial)' is not this account's platform key", notForThisAccount: true)
        }
        // why subtractingReportingOverflow: the header is outside input; now − Int64.min would trap.
        let (skew, overflow) = clock.now().seconds.subtractingReportingOverflow(timestamp)
        guard !overflow, skew >= -Self.windowSeconds, skew <= Self.windowSeconds else {
            throw NotificationRejection("Wechatpay-Timestamp \(timestamp) is \(skew) s from now, outside the \(Self.windowSeconds) s window")
        }
        // why: WeChat names the scheme on every signed message, and the official SDKs refuse one without it.
        guard let type = message.header("Wechatpay-Signature-Type"), type == "WECHATPAY2-SHA256-RSA2048" else {
            throw NotificationRejection("Wechatpay-Signature-Type '\(message.header("Wechatpay-Signature-Type") ?? "")' is not WECHATPAY2-SHA256-RSA2048")
        }
        guard let body = String(validating: message.body, as: UTF8.self) else { throw NotificationRejection("body is not UTF-8") }
        let key: RSAPublicKey
        do { key = try KeyCache.publicKey(try config("platform_public_key")) } catch { throw NotificationRejection("platform_public_key: \(error)") }
        guard key.verifyBase64(signature, for: "\(timestampText)\n\(nonce)\n\(body)\n") else {
            throw NotificationRejection("Wechatpay-Signature does not verify")
        }
    }

    public override func verifyResponse(_ response: HTTPMessage, for operation: ChannelOperation) throws(NotificationRejection) -> Fields {
        try verifySignedMessage(response)
        var fields: Fields = response.body.isEmpty ? [:] : Self.flatten(try SafeJSON.object(response.body, what: "answer"))
        fields["_status"] = String(response.status)
        if case .bill = operation, let content = fields["bill_content"] {
            guard fields["hash_type"] == "SHA256", fields["hash_value"] == Crypto.sha256Hex(content) else {
                throw NotificationRejection("bill file hash does not match hash_value")
            }
            fields["_bill"] = content
        }
        return fields
    }

    public override func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
        let status = Int(fields["_status"] ?? "") ?? 0
        let code = fields["code"] ?? ""
        let message = "\(code) \(fields["message"] ?? "")".trimmingSpaces
        if status >= 500 || code == "SYSTEM_ERROR" || code == "BANK_ERROR" {
            return ChannelReply(result: .systemError(message: message), channelStatus: code.isEmpty ? "HTTP \(status)" : code)
        }
        if status == 401 || status == 400 && code == "PARAM_ERROR" { return ChannelReply(result: .systemError(message: message), channelStatus: code) }
        if status >= 400 {
            switch code {
            case "NOTENOUGH": return declined(DeclineCode.insufficientFunds, message, status: code)
            case "ORDER_NOT_EXIST", "RESOURCE_NOT_EXISTS": return declined(DeclineCode.notFound, message, status: code)
            case "ORDER_CLOSED", "ORDERCLOSED": return declined(DeclineCode.closed, message, status: code)
            case "ORDERPAID":
                if let serial = fields["detail.transaction_id"] { return ChannelReply(result: .succeeded(channelSerial: serial), channelStatus: "SUCCESS") }
                return ChannelReply(result: .unknown(message: message), channelStatus: code)
            case "USERPAYING": return ChannelReply(result: .pending, channelStatus: code)
            default:
                if case .refund = operation { return declined(DeclineCode.refundFailed, message, status: code) }
                return declined(DeclineCode.declined, message, status: code)
            }
        }
        switch operation {
        case .pay(let request):
            if case .payCode = request.mode {
                return ChannelReply(result: .pending, channelStatus: "NOTPAY", codeURL: fields["code_url"])
            }
            return mapTradeState(fields)
        case .query:
            return mapTradeState(fields)
        case .close:
            return declined(DeclineCode.closed, "closed", status: fields["trade_state"] ?? "CLOSED")
        case .refund, .refundQuery:
            let refundId = fields["refund_id"] ?? ""
            switch fields["status"] ?? "" {
            case "SUCCESS": return ChannelReply(result: .succeeded(channelSerial: refundId), channelStatus: "SUCCESS", channelRefundSerial: refundId)
            case "PROCESSING": return ChannelReply(result: .pending, channelStatus: "PROCESSING", channelRefundSerial: refundId)
            case "ABNORMAL", "CLOSED": return declined(DeclineCode.refundFailed, "refund \(fields["status"]!)", status: fields["status"]!)
            default: return ChannelReply(result: .unknown(message: "refund status '\(fields["status"] ?? "")'"), channelStatus: fields["status"] ?? "")
            }
        case .bill:
            return ChannelReply(result: .pending, channelStatus: "")
        }
    }

    private func mapTradeState(_ fields: Fields) -> ChannelReply {
        let state = fields["trade_state"] ?? ""
        let serial = fields["transaction_id"] ?? ""
        switch state {
        case "SUCCESS", "REFUND": return ChannelReply(result: .succeeded(channelSerial: serial), channelStatus: state)
        case "USERPAYING", "NOTPAY": return ChannelReply(result: .pending, channelStatus: state)
        case "CLOSED", "REVOKED": return declined(DeclineCode.closed, fields["trade_state_desc"] ?? state, status: state)
        case "PAYERROR": return declined(DeclineCode.declined, fields["trade_state_desc"] ?? state, status: state)
        default: return ChannelReply(result: .unknown(message: "trade_state '\(state)'"), channelStatus: state)
        }
    }

    public override func verifyNotification(_ message: HTTPMessage) throws(NotificationRejection) {
        try verifySignedMessage(message)
    }

    public override func parseNotification(_ message: HTTPMessage) throws(NotificationRejection) -> ChannelNotification {
        let envelope = JSONFields(try SafeJSON.object(message.body, what: "callback"))
        let eventType = try envelope.string("event_type")
        guard try envelope.string("resource_type") == "encrypt-resource" else { throw NotificationRejection("resource_type must be encrypt-resource") }
        let resource = try envelope.nested("resource")
        guard try resource.string("algorithm") == "AEAD_AES_256_GCM" else { throw NotificationRejection("resource.algorithm must be AEAD_AES_256_GCM") }
        guard let combined = Base64.decode(try resource.string("ciphertext")), combined.count > 16 else {
            throw NotificationRejection("resource.ciphertext is not Base64 of ciphertext and tag")
        }
        let key = Array((account.config["api_v3_key"] ?? "").utf8)
        let plain: [UInt8]
        do {
            plain = try Crypto.aes256GCMOpen(key: key, nonce: Array(try resource.string("nonce").utf8),
                                             sealed: .init(ciphertext: Array(combined.dropLast(16)), tag: Array(combined.suffix(16))),
                                             aad: Array((resource.optionalString("associated_data") ?? "").utf8))
        } catch let error as CryptoError {
            throw NotificationRejection("resource does not decrypt: \(error.message)")
        } catch let error as NotificationRejection {
            throw error
        } catch {
            throw NotificationRejection("resource does not decrypt")
        }
        let inner = JSONFields(try SafeJSON.object(plain, what: "resource"))
        // why: the platform key verified it, so a merchant or app id of another account is the
        // channel's word about someone else's money: suspicious, never applied to this account.
        let mchid = try inner.string("mchid")
        guard mchid == account.config["mchid"] else {
            throw NotificationRejection("resource.mchid '\(mchid)' is not account \(account.id)'s", verified: true)
        }
        if let appid = inner.optionalString("appid"), appid != account.config["appid"] {
            throw NotificationRejection("resource.appid '\(appid)' is not account \(account.id)'s", verified: true)
        }
        let amount = try inner.nested("amount")
        let currency = Currency(code: amount.optionalString("currency") ?? "CNY") ?? .CNY
        let id = envelope.optionalString("id")
        if eventType.hasPrefix("REFUND.") {
            let refundStatus = try inner.string("refund_status")
            let status: ChannelNotification.Status = switch refundStatus {
            case "SUCCESS": .succeeded
            case "PROCESSING": .pending
            default: .failed
            }
            return ChannelNotification(channel: channel, account: account.id, kind: .refund, centerSerial: try inner.string("out_refund_no"),
                                       paymentSerial: try inner.string("out_trade_no"), channelSerial: try inner.string("refund_id"),
                                       amount: Money(minorUnits: try amount.int("refund"), currency: currency), status: status,
                                       channelStatus: refundStatus, notificationId: id)
        }
        guard eventType.hasPrefix("TRANSACTION.") else { throw NotificationRejection("event_type '\(eventType)' is not a transaction or refund event") }
        let state = try inner.string("trade_state")
        let status: ChannelNotification.Status = switch state {
        case "SUCCESS": .succeeded
        case "NOTPAY", "USERPAYING": .pending
        case "CLOSED", "REVOKED", "PAYERROR": .failed
        default: throw NotificationRejection("trade_state '\(state)' is not a WeChat Pay trade state")
        }
        return ChannelNotification(channel: channel, account: account.id, kind: .payment, centerSerial: try inner.string("out_trade_no"),
                                   paymentSerial: nil, channelSerial: inner.optionalString("transaction_id") ?? "",
                                   amount: Money(minorUnits: try amount.int("total"), currency: currency), status: status,
                                   channelStatus: state, notificationId: id)
    }

    public override var acknowledgement: ChannelAck { ChannelAck(status: 200, body: #"{"code":"SUCCESS","message":"成功"}"#) }
}
