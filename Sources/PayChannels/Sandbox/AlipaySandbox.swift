import Foundation
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

    /// A refusal in Alipay's gateway words: the method it answers for, the code and the sub-code.
    struct GatewayError {
        let method: String
        let code: String
        let subCode: String
        let message: String

        static func missing(_ method: String, _ sub: String, _ message: String) -> NotificationRejection {
            NotificationRejection([method, "40001", sub, message].joined(separator: "\u{1F}"))
        }

        static func invalid(_ method: String, _ sub: String, _ message: String) -> NotificationRejection {
            NotificationRejection([method, "40002", sub, message].joined(separator: "\u{1F}"))
        }

        /// Reads a reason written by `missing` / `invalid`; any other reason is a bad parameter.
        init(_ reason: String) {
            let parts = reason.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 4 {
                (method, code, subCode, message) = (parts[0], parts[1], parts[2], parts[3])
            } else {
                (method, code, subCode, message) = ("", "40002", "isv.invalid-parameter", reason)
            }
        }
    }

    override func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        // why the query string: the gateway takes the parameters in the URL as well as in a form
        // body, and the official SDKs send them in the URL.
        let query = request.path.split(separator: "?", maxSplits: 1).dropFirst().first.map { Array($0.utf8) } ?? []
        var params: [String: String] = [:]
        do {
            if !query.isEmpty { params = try FormCodec.dictionary(query) }
            if !request.body.isEmpty || query.isEmpty {
                for (key, value) in try FormCodec.dictionary(request.body) { params[key] = value }
            }
        } catch {
            throw GatewayError.invalid("", "isv.invalid-parameter", "参数无效: \(error.reason)")
        }
        guard let method = params["method"], !method.isEmpty else { throw GatewayError.missing("", "isv.missing-method", "缺少方法名参数") }
        let known = ["alipay.trade.pay", "alipay.trade.precreate", "alipay.trade.query", "alipay.trade.close", "alipay.trade.cancel",
                     "alipay.trade.refund", "alipay.trade.fastpay.refund.query", "alipay.data.dataservice.bill.downloadurl.query"]
        guard known.contains(method) else { throw GatewayError.invalid("", "isv.invalid-method", "不存在的方法名") }
        guard let appId = params["app_id"], !appId.isEmpty else { throw GatewayError.missing(method, "isv.missing-app-id", "缺少appId参数") }
        guard let sign = params["sign"], !sign.isEmpty else { throw GatewayError.missing(method, "isv.missing-signature", "缺少签名参数") }
        guard let signType = params["sign_type"], !signType.isEmpty else {
            throw GatewayError.missing(method, "isv.missing-signature-type", "缺少签名类型参数")
        }
        guard signType == "RSA2" else { throw GatewayError.invalid(method, "isv.invalid-signature-type", "无效签名类型") }
        guard appId == secret(account, "app_id") else { throw GatewayError.invalid(method, "isv.invalid-app-id", "无效的AppID参数") }
        guard params["timestamp"].map({ !$0.isEmpty }) ?? false else { throw GatewayError.missing(method, "isv.missing-timestamp", "缺少时间戳参数") }
        guard params["version"].map({ !$0.isEmpty }) ?? false else { throw GatewayError.missing(method, "isv.missing-version", "缺少版本参数") }
        let key: RSAPublicKey
        do { key = try publicKey(account, "center_public_key") } catch {
            throw GatewayError.missing(method, "isv.missing-signature-key", "缺少签名配置")
        }
        guard key.verifyBase64(sign, for: FormCodec.signingString(params, excluding: ["sign"])) else {
            throw GatewayError.invalid(method, "isv.invalid-signature", "验签出错")
        }
        let biz: JSONFields
        do { biz = JSONFields(try SafeJSON.object(Array((params["biz_content"] ?? "{}").utf8), what: "biz_content")) } catch {
            throw GatewayError.invalid(method, "isv.invalid-parameter", "参数无效: \(error.reason)")
        }
        let currency = biz.optionalString("trans_currency").flatMap { Currency(code: $0) } ?? .CNY
        func field(_ key: String) throws(NotificationRejection) -> String {
            guard let value = biz.optionalString(key), !value.isEmpty else {
                throw GatewayError.invalid(method, "isv.invalid-parameter", "参数无效: \(key) 缺失")
            }
            return value
        }
        func money(_ key: String) throws(NotificationRejection) -> Money {
            // why a JSON number too: the gateway reads "12.34" and 12.34 alike, and SDKs pass numbers through.
            let text: String
            if let number = biz.object[key] as? NSNumber, !(biz.object[key] is String) { text = number.stringValue } else { text = try field(key) }
            do { return try Money.parse(text, currency: currency, field: key) } catch {
                throw GatewayError.invalid(method, "isv.invalid-parameter", "参数无效: \(error.message)")
            }
        }
        /// The merchant's serial: `out_trade_no`, or the one of the trade Alipay numbered `trade_no`
        /// (the real API takes either); "" — which no trade has — when `trade_no` names none here.
        func outTradeNo() throws(NotificationRejection) -> String {
            if let given = biz.optionalString("out_trade_no"), !given.isEmpty { return given }
            guard let tradeNo = biz.optionalString("trade_no"), !tradeNo.isEmpty else {
                throw GatewayError.invalid(method, "isv.invalid-parameter", "参数无效: out_trade_no 与 trade_no 不能同时为空")
            }
            guard let payment = try? sandbox.payment(tradeNo: tradeNo), payment.channel == channel, payment.account == account else { return "" }
            return payment.outTradeNo
        }
        switch method {
        case "alipay.trade.pay":
            return .pay(outTradeNo: try field("out_trade_no"), amount: try money("total_amount"),
                        mode: .barcode(try field("auth_code")), subject: biz.optionalString("subject") ?? "")
        case "alipay.trade.precreate":
            return .pay(outTradeNo: try field("out_trade_no"), amount: try money("total_amount"), mode: .payCode,
                        subject: biz.optionalString("subject") ?? "")
        case "alipay.trade.query": return .query(outTradeNo: try outTradeNo())
        case "alipay.trade.close": return .close(outTradeNo: try outTradeNo(), revoke: false)
        case "alipay.trade.cancel": return .close(outTradeNo: try outTradeNo(), revoke: true)
        case "alipay.trade.refund":
            // why: out_request_no may be left out for a full single refund; Alipay then uses the trade's number.
            let trade = try outTradeNo()
            return .refund(outTradeNo: trade, outRefundNo: biz.optionalString("out_request_no") ?? trade, amount: try money("refund_amount"))
        case "alipay.trade.fastpay.refund.query": return .refundQuery(outRefundNo: try field("out_request_no"))
        default: return .bill(date: try field("bill_date"))
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
        let error = GatewayError(reason)
        // why: a refusal of a known method answers in that method's object; without one, in error_response.
        let name = error.method.isEmpty ? "error_response" : error.method.replacingOccurrences(of: ".", with: "_") + "_response"
        return answer(name, ["code": error.code, "msg": error.code == "40001" ? "Missing Required Arguments" : "Invalid Arguments",
                             "sub_code": error.subCode, "sub_msg": error.message], account: account)
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
        // why payment.refunded: Alipay's refund_fee is the total refunded on the trade so far.
        params["refund_fee"] = payment.refunded.decimalString
        // why the milliseconds: Alipay's gmt_refund carries them ("2015-04-28 15:45:57.320"), unlike its other times.
        params["gmt_refund"] = ChannelTime.beijing(at) + "." + String(at.milliseconds % 1000).leftPadded(3)
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
