import PayCore

/// Alipay (open platform, `alipay.trade.*`): form-encoded requests with a JSON `biz_content`,
/// signed `sign_type=RSA2` — SHA256withRSA over every parameter but `sign`, sorted by key as
/// `k=v&…`. Answers are JSON `{"<method>_response":{…},"sign":"…"}`, the signature over the exact
/// text of the response object. Callbacks are form-encoded, verified over the sorted parameters
/// without `sign` and `sign_type`, and acknowledged with the body `success`.
/// Amounts are decimal yuan strings (`total_amount` "12.34").
///
/// Config: `app_id`, `app_private_key` (the center's), `alipay_public_key` (the channel's).
public final class AlipayPlugin: ChannelPlugin {
    public override func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
        let method: String
        var biz: [String: Any] = [:]
        switch operation {
        case .pay(let request):
            biz = ["out_trade_no": request.serial, "total_amount": request.amount.decimalString, "subject": request.subject]
            if request.amount.currency != .CNY { biz["trans_currency"] = request.amount.currency.code }
            switch request.mode {
            case .authCode(let code):
                method = "alipay.trade.pay"
                biz["scene"] = "bar_code"
                biz["auth_code"] = code
            case .payCode:
                method = "alipay.trade.precreate"
            default:
                throw PayError.invalidInput("alipay pays by barcode or pay code only")
            }
        case .query(let serial, _):
            method = "alipay.trade.query"
            biz = ["out_trade_no": serial]
        case .close(let serial, _, let revoke):
            method = revoke ? "alipay.trade.cancel" : "alipay.trade.close"
            biz = ["out_trade_no": serial]
        case .refund(let request):
            method = "alipay.trade.refund"
            biz = ["out_trade_no": request.paymentSerial, "out_request_no": request.refundSerial,
                   "refund_amount": request.amount.decimalString, "refund_reason": request.reason]
        case .refundQuery(let refundSerial, let paymentSerial, _):
            method = "alipay.trade.fastpay.refund.query"
            biz = ["out_trade_no": paymentSerial, "out_request_no": refundSerial]
        case .bill(let date):
            method = "alipay.data.dataservice.bill.downloadurl.query"
            biz = ["bill_type": "trade", "bill_date": date]
        }
        let params: [(String, String)] = [
            ("app_id", try config("app_id")), ("method", method), ("format", "JSON"), ("charset", "utf-8"),
            ("sign_type", "RSA2"), ("timestamp", ChannelTime.beijing(clock.now())), ("version", "1.0"),
            ("notify_url", "https://paydesk.local/notify/alipay"),
            ("biz_content", String(decoding: SafeJSON.encode(biz), as: UTF8.self)),
        ]
        return HTTPMessage(method: "POST", path: "/gateway.do",
                           headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"], body: FormCodec.body(params))
    }

    public override func sign(_ request: HTTPMessage) throws -> HTTPMessage {
        let key = try KeyCache.privateKey(try config("app_private_key"))
        var pairs = try FormCodec.parse(request.body).map { ($0.key, $0.value) }
        let signed = FormCodec.signingString(Dictionary(uniqueKeysWithValues: pairs), excluding: ["sign"])
        pairs.append(("sign", key.signBase64(signed)))
        var out = request
        out.body = FormCodec.body(pairs)
        return out
    }

    public override func verifyResponse(_ response: HTTPMessage, for operation: ChannelOperation) throws(NotificationRejection) -> Fields {
        guard let text = String(validating: response.body, as: UTF8.self) else { throw NotificationRejection("answer is not UTF-8") }
        // why: the signature covers the response object's exact text, so it is cut out of the raw
        // body before any JSON parsing (as Alipay's own SDKs do).
        guard text.hasPrefix("{\""), let colon = text.range(of: "\":"),
              let signStart = text.range(of: ",\"sign\":\"", options: .backwards), text.hasSuffix("\"}") else {
            throw NotificationRejection("answer is not {\"…_response\":{…},\"sign\":\"…\"}")
        }
        let name = String(text[text.index(text.startIndex, offsetBy: 2)..<colon.lowerBound])
        guard name.hasSuffix("_response") else { throw NotificationRejection("answer has no …_response object") }
        let content = String(text[colon.upperBound..<signStart.lowerBound])
        let signature = String(text[signStart.upperBound..<text.index(text.endIndex, offsetBy: -2)])
        let key: RSAPublicKey
        do { key = try KeyCache.publicKey(try config("alipay_public_key")) } catch { throw NotificationRejection("alipay_public_key: \(error)") }
        guard key.verifyBase64(signature, for: content) else { throw NotificationRejection("RSA2 signature of the answer does not verify") }
        var fields = Self.flatten(try SafeJSON.object(Array(content.utf8), what: "answer"))
        fields["_status"] = String(response.status)
        if case .bill = operation { fields["_bill"] = fields["bill_content"] }
        return fields
    }

    public override func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
        let code = fields["code"] ?? ""
        let sub = fields["sub_code"] ?? ""
        let message = "\(code) \(sub) \(fields["sub_msg"] ?? fields["msg"] ?? "")".trimmingSpaces
        let tradeNo = fields["trade_no"] ?? ""
        let status = fields["trade_status"] ?? (sub.isEmpty ? code : sub)
        if code == "20000" { return ChannelReply(result: .unknown(message: message), channelStatus: code) }
        // 40001 (a parameter missing) and 40002 (one invalid, the signature included): the gateway refused the request.
        if code == "40001" || code == "40002" { return ChannelReply(result: .systemError(message: message), channelStatus: sub) }
        if code == "40004" {
            switch sub {
            case "ACQ.SYSTEM_ERROR": return ChannelReply(result: .systemError(message: message), channelStatus: sub)
            case "ACQ.BUYER_BALANCE_NOT_ENOUGH": return declined(DeclineCode.insufficientFunds, message, status: sub)
            case "ACQ.TRADE_NOT_EXIST": return declined(DeclineCode.notFound, message, status: sub)
            case "ACQ.TRADE_HAS_CLOSE": return declined(DeclineCode.closed, message, status: sub)
            case "ACQ.TRADE_STATUS_ERROR" where fields["trade_status"] == "TRADE_SUCCESS" && !tradeNo.isEmpty:
                // The close lost the race: the customer had paid.
                return ChannelReply(result: .succeeded(channelSerial: tradeNo), channelStatus: "TRADE_SUCCESS")
            default:
                if case .refund = operation { return declined(DeclineCode.refundFailed, message, status: sub) }
                return declined(DeclineCode.declined, message, status: sub)
            }
        }
        guard code == "10000" || code == "10003" else { return ChannelReply(result: .unknown(message: "unexpected code \(message)"), channelStatus: code) }
        switch operation {
        case .pay(let request):
            if code == "10003" { return ChannelReply(result: .pending, channelStatus: "WAIT_BUYER_PAY") }
            if case .payCode = request.mode {
                return ChannelReply(result: .pending, channelStatus: "WAIT_BUYER_PAY", codeURL: fields["qr_code"])
            }
            return ChannelReply(result: .succeeded(channelSerial: tradeNo), channelStatus: "TRADE_SUCCESS")
        case .query:
            switch fields["trade_status"] {
            case "TRADE_SUCCESS", "TRADE_FINISHED": return ChannelReply(result: .succeeded(channelSerial: tradeNo), channelStatus: status)
            case "WAIT_BUYER_PAY": return ChannelReply(result: .pending, channelStatus: status)
            case "TRADE_CLOSED": return declined(DeclineCode.closed, "trade closed", status: status)
            default: return ChannelReply(result: .unknown(message: "trade_status '\(status)'"), channelStatus: status)
            }
        case .close:
            return declined(DeclineCode.closed, "closed (\(fields["action"] ?? "close"))", status: "TRADE_CLOSED")
        case .refund(let request):
            if fields["fund_change"] == "Y" {
                return ChannelReply(result: .succeeded(channelSerial: "\(tradeNo)-\(request.refundSerial)"), channelStatus: "REFUND_SUCCESS",
                                    channelRefundSerial: "\(tradeNo)-\(request.refundSerial)")
            }
            return ChannelReply(result: .pending, channelStatus: "REFUND_PROCESSING")
        case .refundQuery(let refundSerial, _, _):
            switch fields["refund_status"] {
            case "REFUND_SUCCESS":
                return ChannelReply(result: .succeeded(channelSerial: "\(tradeNo)-\(refundSerial)"), channelStatus: "REFUND_SUCCESS",
                                    channelRefundSerial: "\(tradeNo)-\(refundSerial)")
            case "REFUND_FAIL": return declined(DeclineCode.refundFailed, "refund failed", status: "REFUND_FAIL")
            default: return ChannelReply(result: .pending, channelStatus: fields["refund_status"] ?? "REFUND_PROCESSING")
            }
        case .bill:
            return ChannelReply(result: .pending, channelStatus: code)
        }
    }

    public override func verifyNotification(_ message: HTTPMessage) throws(NotificationRejection) {
        let params = try FormCodec.dictionary(message.body)
        guard let appId = params["app_id"] else { throw NotificationRejection("no app_id") }
        guard let expected = account.config["app_id"], appId == expected else {
            throw NotificationRejection("app_id '\(appId)' is not this account's", notForThisAccount: true)
        }
        guard params["sign_type"] == "RSA2" else { throw NotificationRejection("sign_type must be RSA2") }
        guard let sign = params["sign"], !sign.isEmpty else { throw NotificationRejection("no sign") }
        let key: RSAPublicKey
        do { key = try KeyCache.publicKey(try config("alipay_public_key")) } catch { throw NotificationRejection("alipay_public_key: \(error)") }
        let content = FormCodec.signingString(params, excluding: ["sign", "sign_type"])
        guard key.verifyBase64(sign, for: content) else { throw NotificationRejection("RSA2 signature does not verify") }
    }

    public override func parseNotification(_ message: HTTPMessage) throws(NotificationRejection) -> ChannelNotification {
        let params = try FormCodec.dictionary(message.body)
        func field(_ key: String) throws(NotificationRejection) -> String {
            guard let value = params[key], !value.isEmpty else { throw NotificationRejection("field '\(key)' missing") }
            return value
        }
        let currency = params["trans_currency"].flatMap { Currency(code: $0) } ?? .CNY
        let tradeStatus = try field("trade_status")
        let tradeNo = try field("trade_no")
        func money(_ key: String) throws(NotificationRejection) -> Money {
            let text = try field(key)
            do { return try Money.parse(text, currency: currency, field: key) } catch { throw NotificationRejection(error.message) }
        }
        // why amountIsRefundedTotal: refund_fee is the total refunded on the trade so far, not this refund's amount.
        if let refundNo = params["out_biz_no"], !refundNo.isEmpty {
            let failed = params["refund_status"] == "REFUND_FAIL"
            return ChannelNotification(channel: channel, account: account.id, kind: .refund, centerSerial: refundNo,
                                       paymentSerial: try field("out_trade_no"), channelSerial: "\(tradeNo)-\(refundNo)",
                                       amount: try money("refund_fee"), amountIsRefundedTotal: true, status: failed ? .failed : .succeeded,
                                       channelStatus: failed ? "REFUND_FAIL" : tradeStatus, notificationId: params["notify_id"])
        }
        let status: ChannelNotification.Status
        switch tradeStatus {
        case "TRADE_SUCCESS", "TRADE_FINISHED": status = .succeeded
        case "WAIT_BUYER_PAY": status = .pending
        case "TRADE_CLOSED": status = .failed
        default: throw NotificationRejection("trade_status '\(tradeStatus)' is not an Alipay trade status")
        }
        return ChannelNotification(channel: channel, account: account.id, kind: .payment, centerSerial: try field("out_trade_no"),
                                   paymentSerial: nil, channelSerial: tradeNo, amount: try money("total_amount"), status: status,
                                   channelStatus: tradeStatus, notificationId: params["notify_id"])
    }

    public override var acknowledgement: ChannelAck { ChannelAck(status: 200, body: "success") }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
