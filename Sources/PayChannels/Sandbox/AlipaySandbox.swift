import PayCore

/// The Alipay side: verifies the center's RSA2 request, answers `alipay.trade.*` in Alipay's
/// codes (10000 success, 10003 waiting for the buyer, 20000 unknown, 40004 with `ACQ.*` sub-codes),
/// signs answers and `trade_status_sync` callbacks with its own key.
final class AlipaySandbox: SandboxPSP {
    init(sandbox: Sandbox) { super.init(sandbox: sandbox, channel: "alipay") }

    override func provision(_ account: ChannelAccount) throws -> [String: String] {
        let keys = try provisionRSA(account.id)
        let appId = "20210\(String(UInt64.random(in: 0..<100_000_000_000)).leftPadded(11))"
        try sandbox.setKey(account.id, "app_id", appId)
        return ["app_id": appId, "app_private_key": keys.center.pem, "alipay_public_key": keys.channel.publicKey.pem]
    }

    override func newTradeNo(at time: Timestamp) -> String {
        "\(ChannelTime.compact(time).prefix(8))2200\(String(UInt64.random(in: 0..<10_000_000_000_000_000)).leftPadded(16))"
    }

    override func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        let params = try FormCodec.dictionary(request.body)
        guard let sign = params["sign"] else { throw NotificationRejection("missing sign") }
        guard params["sign_type"] == "RSA2" else { throw NotificationRejection("sign_type must be RSA2") }
        guard params["app_id"] == secret(account, "app_id") else { throw NotificationRejection("app_id does not match") }
        let key: RSAPublicKey
        do { key = try publicKey(account, "center_public_key") } catch { throw NotificationRejection("no key for the app") }
        guard key.verifyBase64(sign, for: FormCodec.signingString(params, excluding: ["sign"])) else {
            throw NotificationRejection("invalid-signature")
        }
        let biz = JSONFields(try SafeJSON.object(Array((params["biz_content"] ?? "").utf8), what: "biz_content"))
        let currency = biz.optionalString("trans_currency").flatMap { Currency(code: $0) } ?? .CNY
        func money(_ key: String) throws(NotificationRejection) -> Money {
            let text = try biz.string(key)
            do { return try Money.parse(text, currency: currency, field: key) } catch { throw NotificationRejection(error.message) }
        }
        switch params["method"] ?? "" {
        case "alipay.trade.pay":
            return .pay(outTradeNo: try biz.string("out_trade_no"), amount: try money("total_amount"),
                        mode: .barcode(try biz.string("auth_code")), subject: biz.optionalString("subject") ?? "")
        case "alipay.trade.precreate":
            return .pay(outTradeNo: try biz.string("out_trade_no"), amount: try money("total_amount"), mode: .payCode,
                        subject: biz.optionalString("subject") ?? "")
        case "alipay.trade.query": return .query(outTradeNo: try biz.string("out_trade_no"))
        case "alipay.trade.close": return .close(outTradeNo: try biz.string("out_trade_no"), revoke: false)
        case "alipay.trade.cancel": return .close(outTradeNo: try biz.string("out_trade_no"), revoke: true)
        case "alipay.trade.refund":
            return .refund(outTradeNo: try biz.string("out_trade_no"), outRefundNo: try biz.string("out_request_no"),
                           amount: try money("refund_amount"))
        case "alipay.trade.fastpay.refund.query": return .refundQuery(outRefundNo: try biz.string("out_request_no"))
        case "alipay.data.dataservice.bill.downloadurl.query": return .bill(date: try biz.string("bill_date"))
        default: throw NotificationRejection("unknown method")
        }
    }

    private func methodName(_ request: SandboxRequest) -> String {
        switch request {
        case .pay(_, _, let mode, _): if case .payCode = mode { "alipay_trade_precreate_response" } else { "alipay_trade_pay_response" }
        case .query: "alipay_trade_query_response"
        case .close(_, let revoke): revoke ? "alipay_trade_cancel_response" : "alipay_trade_close_response"
        case .refund: "alipay_trade_refund_response"
        case .refundQuery: "alipay_trade_fastpay_refund_query_response"
        case .bill: "alipay_data_dataservice_bill_downloadurl_query_response"
        case .tokenize: "error_response"
        }
    }

    private func answer(_ name: String, _ object: [String: Any], account: String) -> HTTPMessage {
        let content = String(decoding: SafeJSON.encode(object), as: UTF8.self)
        let signature = (try? privateKey(account, "channel_private_key").signBase64(content)) ?? ""
        let body = "{\"\(name)\":\(content),\"sign\":\"\(signature)\"}"
        return HTTPMessage(status: 200, headers: ["Content-Type": "application/json;charset=utf-8"], body: Array(body.utf8))
    }

    private static func failure(_ sub: String, _ message: String) -> [String: Any] {
        ["code": "40004", "msg": "Business Failed", "sub_code": sub, "sub_msg": message]
    }

    override func refuseRequest(_ reason: String, account: String) -> HTTPMessage {
        answer("error_response", ["code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature", "sub_msg": reason],
               account: account)
    }

    static func tradeStatus(_ payment: SandboxPayment) -> String {
        switch payment.status {
        case .waiting, .paying: "WAIT_BUYER_PAY"
        case .paid: payment.refunded == payment.amount ? "TRADE_CLOSED" : "TRADE_SUCCESS"
        case .closed, .revoked, .failed: "TRADE_CLOSED"
        }
    }

    override func encode(_ outcome: SandboxOutcome, for request: SandboxRequest, account: String) -> HTTPMessage {
        let name = methodName(request)
        switch outcome {
        case .systemError(let message):
            return answer(name, Self.failure("ACQ.SYSTEM_ERROR", "系统错误: \(message)"), account: account)
        case .refused(let refusal):
            switch refusal {
            case .notFound: return answer(name, Self.failure("ACQ.TRADE_NOT_EXIST", "交易不存在"), account: account)
            case .refundTooLarge: return answer(name, Self.failure("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"), account: account)
            case .notPaid: return answer(name, Self.failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"), account: account)
            case .duplicate: return answer(name, Self.failure("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改"), account: account)
            case .badAuthCode: return answer(name, Self.failure("ACQ.PAYMENT_AUTH_CODE_INVALID", "支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款"), account: account)
            case .invalid(let why): return answer(name, ["code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-parameter", "sub_msg": why], account: account)
            }
        case .bill(let day):
            return answer(name, ["code": "10000", "msg": "Success", "bill_download_url": "https://sandbox.alipay.local/bill/\(day.date)",
                                 "bill_content": bill(day)], account: account)
        case .token:
            return refuseRequest("not an Alipay operation", account: account)
        case .refund(let refund):
            guard let payment = try? sandbox.payment(tradeNo: refund.tradeNo) else { return refuseRequest("lost", account: account) }
            var object: [String: Any] = ["code": "10000", "msg": "Success", "trade_no": payment.tradeNo, "out_trade_no": payment.outTradeNo,
                                         "out_request_no": refund.outRefundNo, "refund_amount": refund.amount.decimalString]
            if case .refundQuery = request {
                switch refund.status {
                case .succeeded: object["refund_status"] = "REFUND_SUCCESS"
                case .failed: object["refund_status"] = "REFUND_FAIL"
                case .processing: break
                }
            } else {
                object["fund_change"] = refund.status == .succeeded ? "Y" : "N"
                object["refund_fee"] = payment.refunded.decimalString
                object["gmt_refund_pay"] = ChannelTime.beijing(refund.createdAt)
            }
            return answer(name, object, account: account)
        case .payment(let payment):
            var object: [String: Any] = ["code": "10000", "msg": "Success", "trade_no": payment.tradeNo, "out_trade_no": payment.outTradeNo,
                                         "total_amount": payment.amount.decimalString]
            switch request {
            case .pay(_, _, .payCode, _):
                object["qr_code"] = "https://qr.alipay.com/sbx\(payment.tradeNo.suffix(12))"
                object.removeValue(forKey: "trade_no")
            case .pay:
                switch payment.status {
                case .paid:
                    object["gmt_payment"] = ChannelTime.beijing(payment.paidAt ?? payment.createdAt)
                    object["buyer_logon_id"] = "sbx***@alipay.local"
                case .paying:
                    object["code"] = "10003"; object["msg"] = " order success pay inprocess"
                default:
                    let sub = payment.failureCode == SandboxFailure.insufficientFunds ? "ACQ.BUYER_BALANCE_NOT_ENOUGH" : "ACQ.PAYMENT_FAIL"
                    return answer(name, Self.failure(sub, sub == "ACQ.PAYMENT_FAIL" ? "支付失败" : "买家余额不足"), account: account)
                }
            case .query:
                object["trade_status"] = Self.tradeStatus(payment)
                if payment.status == .paid { object["send_pay_date"] = ChannelTime.beijing(payment.paidAt ?? payment.createdAt) }
            case .close(_, let revoke):
                if payment.status == .paid {
                    var failed = Self.failure("ACQ.TRADE_STATUS_ERROR", "交易已支付")
                    failed["trade_no"] = payment.tradeNo
                    failed["trade_status"] = "TRADE_SUCCESS"
                    return answer(name, failed, account: account)
                }
                if revoke { object["action"] = "close"; object["retry_flag"] = "N" }
            default: break
            }
            return answer(name, object, account: account)
        }
    }

    private func notifyParams(_ payment: SandboxPayment, at: Timestamp, account: String) -> [String: String] {
        [
            "notify_time": ChannelTime.beijing(at), "notify_type": "trade_status_sync", "notify_id": Crypto.randomHex(16),
            "app_id": secret(account, "app_id") ?? "", "charset": "utf-8", "version": "1.0", "sign_type": "RSA2",
            "trade_no": payment.tradeNo, "out_trade_no": payment.outTradeNo, "total_amount": payment.amount.decimalString,
            "receipt_amount": payment.amount.decimalString, "buyer_id": "2088000000000001", "seller_id": "2088000000000002",
            "gmt_create": ChannelTime.beijing(payment.createdAt), "subject": payment.subject,
        ]
    }

    private func signedForm(_ params: [String: String], account: String, at: Timestamp) -> Callback? {
        guard let key = try? privateKey(account, "channel_private_key") else { return nil }
        var all = params
        all["sign"] = key.signBase64(FormCodec.signingString(params, excluding: ["sign", "sign_type"]))
        let pairs = all.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return Callback(headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"], body: FormCodec.body(pairs), at: at)
    }

    override func paymentCallback(_ payment: SandboxPayment, at: Timestamp) -> Callback? {
        var params = notifyParams(payment, at: at, account: payment.account)
        params["trade_status"] = Self.tradeStatus(payment)
        if payment.status == .paid { params["gmt_payment"] = ChannelTime.beijing(payment.paidAt ?? at) }
        return signedForm(params, account: payment.account, at: at)
    }

    override func refundCallback(_ refund: SandboxRefund, payment: SandboxPayment, at: Timestamp) -> Callback? {
        var params = notifyParams(payment, at: at, account: payment.account)
        params["trade_status"] = payment.refunded == payment.amount ? "TRADE_CLOSED" : "TRADE_SUCCESS"
        params["out_biz_no"] = refund.outRefundNo
        params["refund_fee"] = refund.amount.decimalString
        params["gmt_refund"] = ChannelTime.beijing(at)
        if refund.status == .failed { params["refund_status"] = "REFUND_FAIL" }
        return signedForm(params, account: payment.account, at: at)
    }

    override func bill(_ day: SandboxDay) -> String { SandboxBill.alipay(day, sandbox: sandbox) }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
