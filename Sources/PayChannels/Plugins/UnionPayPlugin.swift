import PayCore

/// UnionPay online (全渠道, version 5.1.0): form-encoded requests and answers, `signMethod=01`:
/// the parameters but `signature` sorted by key as `k=v&…`, SHA-256 hex digest of that, signed
/// SHA256withRSA and Base64-encoded; `certId` names the key. `txnAmt` is integer fen and
/// `currencyCode` the ISO numeric code (156). `respCode` 00 is success, 03/04/05 not final,
/// 01/02 system, 11 bad signature, 12 duplicate, 34 no such trade, 35/36 original trade in the
/// wrong state or not matching, 60 refused by the issuer (ISO 8583 code in brackets in `respMsg`);
/// a query's `origRespCode` gives the original trade's state. Callbacks are
/// acknowledged with HTTP 200 ("ok").
///
/// Channel messages carry `signPubKeyCert`, checked against UnionPay's root and intermediate.
///
/// Config: `mer_id`, `sign_private_key`, `sign_cert_id` (the center's), `root_certificate`,
/// `intermediate_certificate` (UnionPay's CA, 5.1.0), or `verify_public_key` and `verify_cert_id` (5.0.0).
public final class UnionPayPlugin: ChannelPlugin {
    /// The string UnionPay 5.1.0 signs: the SHA-256 hex digest of the sorted parameters.
    static func digestText(_ params: [String: String]) -> String {
        Crypto.sha256Hex(FormCodec.signingString(params, excluding: ["signature"]))
    }

    public override func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
        var params: [String: String] = [
            "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "channelType": "08", "accessType": "0",
            "merId": try config("mer_id"), "txnTime": ChannelTime.compact(clock.now()), "bizType": "000000",
            "backUrl": "https://paydesk.local/notify/unionpay",
        ]
        switch operation {
        case .pay(let request):
            params["orderId"] = request.serial
            params["txnAmt"] = String(request.amount.minorUnits)
            params["currencyCode"] = NumericCurrency.code(request.amount.currency)
            params["txnType"] = "01"
            switch request.mode {
            case .authCode(let code): params["txnSubType"] = "06"; params["qrNo"] = code
            case .payCode: params["txnSubType"] = "07"
            default: throw PayError.invalidInput("unionpay pays by barcode or pay code only")
            }
        case .query(let serial, _):
            params["txnType"] = "00"; params["txnSubType"] = "00"; params["orderId"] = serial
        case .close(let serial, let amount, _):
            params["txnType"] = "31"; params["txnSubType"] = "00"; params["origOrderId"] = serial
            params["orderId"] = "R" + serial.suffix(31)
            params["txnAmt"] = String(amount.minorUnits)
        case .refund(let request):
            params["txnType"] = "04"; params["txnSubType"] = "00"; params["orderId"] = request.refundSerial
            params["origOrderId"] = request.paymentSerial
            if let qid = request.channelSerial { params["origQryId"] = qid }
            params["txnAmt"] = String(request.amount.minorUnits)
            params["currencyCode"] = NumericCurrency.code(request.amount.currency)
        case .refundQuery(let refundSerial, _, _):
            params["txnType"] = "00"; params["txnSubType"] = "00"; params["orderId"] = refundSerial
        case .bill(let date):
            params["txnType"] = "76"; params["txnSubType"] = "01"; params["fileType"] = "00"
            params["settleDate"] = date.filter { $0.isNumber }
        }
        params["certId"] = try config("sign_cert_id")
        return HTTPMessage(method: "POST", path: "/gateway/api/backTransReq.do",
                           headers: ["Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"],
                           body: FormCodec.body(params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }

    public override func sign(_ request: HTTPMessage) throws -> HTTPMessage {
        let key = try KeyCache.privateKey(try config("sign_private_key"))
        var pairs = try FormCodec.parse(request.body).map { ($0.key, $0.value) }
        pairs.append(("signature", key.signBase64(Self.digestText(Dictionary(uniqueKeysWithValues: pairs)))))
        var out = request
        out.body = FormCodec.body(pairs)
        return out
    }

    /// The company name UnionPay's signing certificates carry as the third `@` part of their CN.
    static let signerName = "中国银联股份有限公司"

    /// Checks the signature of a form message from the channel; returns its parameters. With the
    /// account's `root_certificate` and `intermediate_certificate` (5.1.0), the message's
    /// `signPubKeyCert` must chain to them, be UnionPay's, and have `certId` as its serial; its
    /// key verifies. Without them (5.0.0), `certId` must be `verify_cert_id` and `verify_public_key` verifies.
    func verifiedParams(_ body: [UInt8]) throws(NotificationRejection) -> [String: String] {
        let params = try FormCodec.dictionary(body)
        guard let certId = params["certId"] else { throw NotificationRejection("certId missing") }
        guard params["signMethod"] == "01" else { throw NotificationRejection("signMethod must be 01 (RSA)") }
        guard let signature = params["signature"] else { throw NotificationRejection("signature missing") }
        let key: RSAPublicKey
        if let rootPEM = account.config["root_certificate"], let middlePEM = account.config["intermediate_certificate"] {
            guard let certText = params["signPubKeyCert"], !certText.isEmpty else { throw NotificationRejection("signPubKeyCert missing") }
            do {
                let certificate = try X509Certificate(pem: certText)
                try certificate.verify(roots: [try X509Certificate(pem: rootPEM)], intermediates: [try X509Certificate(pem: middlePEM)],
                                       at: clock.now())
                let parts = certificate.commonName.split(separator: "@", omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[2] == Self.signerName else {
                    throw NotificationRejection("signPubKeyCert is not UnionPay's (CN '\(certificate.commonName)')")
                }
                guard certificate.serialDecimal == certId else {
                    throw NotificationRejection("certId '\(certId)' is not the serial of signPubKeyCert (\(certificate.serialDecimal))")
                }
                guard let certified = certificate.publicKey else { throw NotificationRejection("signPubKeyCert has no RSA key") }
                key = certified
            } catch let error as CryptoError {
                throw NotificationRejection("signPubKeyCert: \(error.message)")
            } catch let error as NotificationRejection {
                throw error
            } catch {
                throw NotificationRejection("signPubKeyCert: \(error)")
            }
        } else {
            guard certId == account.config["verify_cert_id"] else {
                throw NotificationRejection("certId '\(certId)' is not this account's UnionPay key", notForThisAccount: true)
            }
            do { key = try KeyCache.publicKey(try config("verify_public_key")) } catch { throw NotificationRejection("verify_public_key: \(error)") }
        }
        guard key.verifyBase64(signature, for: Self.digestText(params)) else { throw NotificationRejection("signature does not verify") }
        // why: UnionPay signs every merchant's messages with one certificate, so only merId tells which
        // account a message is for; signed by UnionPay, one for no account of ours is suspicious.
        if account.config["root_certificate"] != nil, let merId = params["merId"], merId != account.config["mer_id"] {
            throw NotificationRejection("merId '\(merId)' is not account \(account.id)'s", notForThisAccount: true, verified: true)
        }
        return params
    }

    public override func verifyResponse(_ response: HTTPMessage, for operation: ChannelOperation) throws(NotificationRejection) -> Fields {
        var fields = try verifiedParams(response.body)
        fields["_status"] = String(response.status)
        if case .bill = operation, let content = fields["fileContent"] {
            guard let bytes = Base64.decode(content), let text = String(validating: bytes, as: UTF8.self) else {
                throw NotificationRejection("fileContent is not Base64 UTF-8 text")
            }
            fields["_bill"] = text
        }
        return fields
    }

    public override func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
        let code = fields["respCode"] ?? ""
        let message = "\(code) \(fields["respMsg"] ?? "")".trimmingSpaces
        let queryId = fields["queryId"] ?? ""
        switch code {
        case "00": break
        case "03", "04": return ChannelReply(result: .unknown(message: message), channelStatus: code)
        case "05": return ChannelReply(result: .pending, channelStatus: code)
        case "34": return declined(DeclineCode.notFound, message, status: code)
        case "01", "02", "06": return ChannelReply(result: .systemError(message: message), channelStatus: code)
        case "60" where (fields["respMsg"] ?? "").hasSuffix("51]"): return declined(DeclineCode.insufficientFunds, message, status: code)
        case "35" where fields["origRespCode"] == "00" && { if case .close = operation { return true } else { return false } }():
            // The revoke lost the race: the original consumption had succeeded.
            return ChannelReply(result: .succeeded(channelSerial: fields["origQryId"] ?? queryId), channelStatus: "00")
        default:
            if case .refund = operation { return declined(DeclineCode.refundFailed, message, status: code) }
            if code.hasPrefix("1") || code.hasPrefix("0") { return ChannelReply(result: .systemError(message: message), channelStatus: code) }
            return declined(DeclineCode.declined, message, status: code)
        }
        switch operation {
        case .pay(let request):
            if case .payCode = request.mode { return ChannelReply(result: .pending, channelStatus: "05", codeURL: fields["qrCode"]) }
            return ChannelReply(result: .succeeded(channelSerial: queryId), channelStatus: "00")
        case .query, .refundQuery:
            let orig = fields["origRespCode"] ?? ""
            let isRefund: Bool = { if case .refundQuery = operation { return true } else { return false } }()
            switch orig {
            case "00": return ChannelReply(result: .succeeded(channelSerial: queryId), channelStatus: orig, channelRefundSerial: isRefund ? queryId : nil)
            case "03", "04", "05": return ChannelReply(result: .pending, channelStatus: orig)
            case "34": return declined(DeclineCode.notFound, fields["origRespMsg"] ?? orig, status: orig)
            case "01" where (fields["origRespMsg"] ?? "").hasSuffix("[撤销]"): return declined(DeclineCode.closed, fields["origRespMsg"]!, status: orig)
            default: return declined(isRefund ? DeclineCode.refundFailed : DeclineCode.declined, fields["origRespMsg"] ?? orig, status: orig)
            }
        case .close:
            return declined(DeclineCode.closed, "revoked", status: "00")
        case .refund:
            return ChannelReply(result: .pending, channelStatus: "00", channelRefundSerial: queryId)
        case .bill:
            return ChannelReply(result: .pending, channelStatus: code)
        }
    }

    public override func verifyNotification(_ message: HTTPMessage) throws(NotificationRejection) {
        _ = try verifiedParams(message.body)
    }

    public override func parseNotification(_ message: HTTPMessage) throws(NotificationRejection) -> ChannelNotification {
        let params = try FormCodec.dictionary(message.body)
        func field(_ key: String) throws(NotificationRejection) -> String {
            guard let value = params[key], !value.isEmpty else { throw NotificationRejection("field '\(key)' missing") }
            return value
        }
        let merId = try field("merId")
        guard merId == account.config["mer_id"] else {
            throw NotificationRejection("merId '\(merId)' is not account \(account.id)'s", verified: true)
        }
        let amountText = try field("txnAmt")
        guard let minor = Int64(amountText), minor > 0, amountText.allSatisfy(\.isNumber) else {
            throw NotificationRejection("txnAmt '\(amountText)' is not a positive whole number of fen")
        }
        guard let currency = NumericCurrency.currency(params["currencyCode"] ?? "156") else { throw NotificationRejection("currencyCode unknown") }
        let code = try field("respCode")
        let status: ChannelNotification.Status = switch code {
        case "00", "A6": .succeeded
        case "03", "04", "05": .pending
        default: .failed
        }
        let txnType = try field("txnType")
        switch txnType {
        case "01":
            return ChannelNotification(channel: channel, account: account.id, kind: .payment, centerSerial: try field("orderId"), paymentSerial: nil,
                                       channelSerial: try field("queryId"), amount: Money(minorUnits: minor, currency: currency), status: status,
                                       channelStatus: code, notificationId: params["traceNo"])
        case "04":
            return ChannelNotification(channel: channel, account: account.id, kind: .refund, centerSerial: try field("orderId"),
                                       paymentSerial: params["origOrderId"], channelSerial: try field("queryId"),
                                       amount: Money(minorUnits: minor, currency: currency), status: status, channelStatus: code,
                                       notificationId: params["traceNo"])
        default:
            throw NotificationRejection("txnType '\(txnType)' is neither 01 (consume) nor 04 (refund)")
        }
    }

    public override var acknowledgement: ChannelAck { ChannelAck(status: 200, body: "ok") }
}
