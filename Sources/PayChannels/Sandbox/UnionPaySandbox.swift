import PayCore

/// The UnionPay side: verifies the merchant's 5.1.0 signature (`certId` + `signature`), answers
/// signed with `signPubKeyCert` (the signing certificate, under a root → intermediate chain),
/// form-encoded with `respCode`/`respMsg` (queries with `origRespCode`), signs with its own key,
/// and POSTs consume (txnType 01) and refund (txnType 04) notifications to `backUrl`.
final class UnionPaySandbox: SandboxPSP {
    init(sandbox: Sandbox) { super.init(sandbox: sandbox, channel: "unionpay") }

    /// The subject UnionPay's signing certificates carry: the third `@` part of the CN is the
    /// company name the official SDKs check.
    static let signerName = "中国银联股份有限公司"

    override func provision(_ account: ChannelAccount) throws -> [String: String] {
        let keys = try provisionRSA(account.id)
        let merId = "898\(String(UInt64.random(in: 0..<1_000_000_000_000)).leftPadded(12))"
        // why: certIds are decimal certificate serial numbers; a slice of the key fingerprint stands in.
        let signCert = String(UInt64(keys.center.publicKey.serial.prefix(15), radix: 16) ?? 1)
        let (root, intermediate) = try certificateAuthority()
        let validity = certificateValidity(years: 3)
        // 5.1.0: the channel's signing certificate, issued by the intermediate; its serial is the certId.
        let signing = try X509Certificate.issue(
            subject: .init(commonName: "041@Z\(String(UInt64.random(in: 0..<1_000_000_000)).leftPadded(9))@\(Self.signerName)@00000001",
                           organization: "China UnionPay", organizationalUnit: "CUPSandbox", country: "CN"),
            publicKey: keys.channel.publicKey, serial: [UInt8.random(in: 0x10...0x7F)] + Crypto.randomBytes(7),
            notBefore: validity.notBefore, days: validity.days, isCA: false, issuer: intermediate.certificate,
            issuerKey: intermediate.key)
        try sandbox.setKey(account.id, "mer_id", merId)
        try sandbox.setKey(account.id, "sign_cert_id", signCert)
        try sandbox.setKey(account.id, "verify_cert_id", signing.serialDecimal)
        try sandbox.setKey(account.id, "sign_certificate", signing.pem)
        return ["mer_id": merId, "sign_private_key": keys.center.pem, "sign_cert_id": signCert,
                "verify_public_key": keys.channel.publicKey.pem, "verify_cert_id": signing.serialDecimal,
                "root_certificate": root.pem, "intermediate_certificate": intermediate.certificate.pem]
    }

    /// The sandbox's UnionPay root and intermediate CA (the acp root and middle certificates a
    /// merchant downloads), made once and shared by every account, as UnionPay's are.
    private func certificateAuthority() throws -> (root: X509Certificate, intermediate: (certificate: X509Certificate, key: RSAPrivateKey)) {
        if let rootPEM = secret("", "unionpay_root_certificate"), let middlePEM = secret("", "unionpay_intermediate_certificate"),
           let middleKey = secret("", "unionpay_intermediate_key") {
            return (try X509Certificate(pem: rootPEM), (try X509Certificate(pem: middlePEM), try RSAPrivateKey(pem: middleKey)))
        }
        let (start, days) = certificateValidity(years: 20)
        let rootKey = try RSAPrivateKey.generate()
        let root = try X509Certificate.issue(
            subject: .init(commonName: "CFCA Sandbox ACS Root", organization: "China Financial Certification Authority", country: "CN"),
            publicKey: rootKey.publicKey, serial: [0x10] + Crypto.randomBytes(7), notBefore: start, days: days, isCA: true,
            issuer: nil, issuerKey: rootKey)
        let middleKey = try RSAPrivateKey.generate()
        let middle = try X509Certificate.issue(
            subject: .init(commonName: "CFCA Sandbox ACS OCA31", organization: "China Financial Certification Authority", country: "CN"),
            publicKey: middleKey.publicKey, serial: [0x20] + Crypto.randomBytes(7), notBefore: start, days: days - 365, isCA: true,
            issuer: root, issuerKey: rootKey)
        try sandbox.setKey("", "unionpay_root_certificate", root.pem)
        try sandbox.setKey("", "unionpay_intermediate_certificate", middle.pem)
        try sandbox.setKey("", "unionpay_intermediate_key", middleKey.pem)
        return (root, (middle, middleKey))
    }

    override func newTradeNo(at time: Timestamp) -> String {
        "\(ChannelTime.compact(time).dropFirst(2))\(String(UInt64.random(in: 0..<10_000_000)).leftPadded(7))"
    }

    override func newRefundId(at time: Timestamp) -> String { newTradeNo(at: time) }

    override func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        let params = try FormCodec.dictionary(request.body)
        guard params["merId"] == secret(account, "mer_id") else { throw NotificationRejection("merId does not match") }
        guard params["certId"] == secret(account, "sign_cert_id") else { throw NotificationRejection("certId is not the merchant's") }
        let key: RSAPublicKey
        do { key = try publicKey(account, "center_public_key") } catch { throw NotificationRejection("no merchant key") }
        guard key.verifyBase64(params["signature"] ?? "", for: UnionPayPlugin.digestText(params)) else {
            throw NotificationRejection("验证签名失败")
        }
        func field(_ key: String) throws(NotificationRejection) -> String {
            guard let value = params[key], !value.isEmpty else { throw NotificationRejection("\(key) missing") }
            return value
        }
        func amount() throws(NotificationRejection) -> Money {
            guard let minor = Int64(try field("txnAmt")), let currency = NumericCurrency.currency(params["currencyCode"] ?? "156") else {
                throw NotificationRejection("txnAmt or currencyCode invalid")
            }
            return Money(minorUnits: minor, currency: currency)
        }
        switch (try field("txnType"), params["txnSubType"] ?? "") {
        case ("01", "06"): return .pay(outTradeNo: try field("orderId"), amount: try amount(), mode: .barcode(try field("qrNo")), subject: "")
        case ("01", "07"): return .pay(outTradeNo: try field("orderId"), amount: try amount(), mode: .payCode, subject: "")
        case ("00", _):
            do { return try refundOrPayment(params["orderId"] ?? "", account: account) } catch { throw NotificationRejection("sandbox store: \(error)") }
        case ("31", _): return .close(outTradeNo: try field("origOrderId"), revoke: true)
        case ("04", _): return .refund(outTradeNo: try field("origOrderId"), outRefundNo: try field("orderId"), amount: try amount())
        case ("76", _):
            let md = try field("settleDate")
            return .bill(date: md.count == 8 ? "\(md.prefix(4))-\(md.dropFirst(4).prefix(2))-\(md.suffix(2))" : md)
        default: throw NotificationRejection("txnType not supported")
        }
    }

    /// A query names only an orderId, which may be a payment's or a refund's.
    private func refundOrPayment(_ orderId: String, account: String) throws -> SandboxRequest {
        let isRefund = try sandbox.db.scalarInt("SELECT count(*) FROM sandbox_refunds WHERE channel = 'unionpay' AND account = ? AND out_refund_no = ?",
                                                [account, orderId]) ?? 0
        return isRefund > 0 ? .refundQuery(outRefundNo: orderId) : .query(outTradeNo: orderId)
    }

    private func answer(_ params: [String: String], account: String) -> HTTPMessage {
        var all = params
        all["version"] = "5.1.0"; all["encoding"] = "UTF-8"; all["signMethod"] = "01"
        all["merId"] = secret(account, "mer_id") ?? ""
        all["certId"] = secret(account, "verify_cert_id") ?? ""
        // why: 5.1.0 messages carry the signing certificate itself; the merchant checks it against
        // UnionPay's root and intermediate and verifies with its key (accounts made before the
        // sandbox issued certificates sign without one, as 5.0.0 did).
        if let certificate = secret(account, "sign_certificate") { all["signPubKeyCert"] = certificate }
        if let key = try? privateKey(account, "channel_private_key") {
            all["signature"] = key.signBase64(UnionPayPlugin.digestText(all))
        }
        return HTTPMessage(status: 200, headers: ["Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"],
                           body: FormCodec.body(all.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }

    override func refuseRequest(_ reason: String, account: String) -> HTTPMessage {
        answer(["respCode": reason == "验证签名失败" ? "11" : "10", "respMsg": reason], account: account)
    }

    static func respCode(_ payment: SandboxPayment) -> (String, String) {
        switch payment.status {
        case .paid: ("00", "成功[0000000]")
        case .waiting, .paying: ("05", "交易已受理，请稍后查询交易结果")
        case .closed, .revoked: ("01", "交易失败[撤销]")
        case .failed:
            // why: respCode 60 covers every issuer refusal; the issuer's ISO 8583 code rides in brackets (51: insufficient funds).
            payment.failureCode == SandboxFailure.insufficientFunds ? ("60", "交易失败，详情请咨询您的发卡行[1000051]") : ("60", "交易失败，详情请咨询您的发卡行[1000005]")
        }
    }

    override func encode(_ outcome: SandboxOutcome, for request: SandboxRequest, account: String) -> HTTPMessage {
        switch outcome {
        case .systemError(let message): return answer(["respCode": "02", "respMsg": "系统未开放或暂时关闭，请稍后再试 \(message)"], account: account)
        case .refused(let refusal):
            switch refusal {
            case .notFound: return answer(["respCode": "34", "respMsg": "查无此交易"], account: account)
            case .refundTooLarge: return answer(["respCode": "36", "respMsg": "与原交易信息不符[退货金额超限]"], account: account)
            case .notPaid: return answer(["respCode": "35", "respMsg": "原交易不存在或状态不正确"], account: account)
            case .duplicate: return answer(["respCode": "12", "respMsg": "重复交易"], account: account)
            case .badAuthCode: return answer(["respCode": "61", "respMsg": "输入的账号无效，请确认后输入"], account: account)
            case .invalid(let why): return answer(["respCode": "10", "respMsg": why], account: account)
            }
        case .token: return refuseRequest("not supported", account: account)
        case .bill(let day):
            return answer(["respCode": "00", "respMsg": "成功", "txnType": "76", "fileType": "00",
                           "fileName": "INN\(day.date.filter(\.isNumber))88ZM_\(secret(account, "mer_id") ?? "")",
                           "fileContent": Base64.encode(Array(bill(day).utf8))], account: account)
        case .refund(let refund):
            var params = ["txnType": "04", "orderId": refund.outRefundNo, "queryId": refund.refundId, "txnAmt": String(refund.amount.minorUnits),
                          "currencyCode": NumericCurrency.code(refund.amount.currency), "txnTime": ChannelTime.compact(refund.createdAt)]
            if case .refundQuery = request {
                params["respCode"] = "00"; params["respMsg"] = "成功"
                switch refund.status {
                case .succeeded: params["origRespCode"] = "00"; params["origRespMsg"] = "成功"
                case .processing: params["origRespCode"] = "05"; params["origRespMsg"] = "交易已受理"
                case .failed: params["origRespCode"] = "01"; params["origRespMsg"] = "交易失败"
                }
            } else {
                params["respCode"] = "00"; params["respMsg"] = "成功[0000000]"
            }
            return answer(params, account: account)
        case .payment(let payment):
            var params = ["orderId": payment.outTradeNo, "queryId": payment.tradeNo, "txnAmt": String(payment.amount.minorUnits),
                          "currencyCode": NumericCurrency.code(payment.amount.currency), "txnTime": ChannelTime.compact(payment.createdAt)]
            let (code, message) = Self.respCode(payment)
            switch request {
            case .pay(_, _, .payCode, _):
                params["respCode"] = "00"; params["respMsg"] = "成功"
                params["qrCode"] = "https://qr.95516.com/00010000/sbx\(payment.tradeNo.suffix(10))"
            case .pay:
                params["respCode"] = code; params["respMsg"] = message
                if payment.status == .paid { params["traceNo"] = String(payment.tradeNo.suffix(6)) }
            case .query:
                params["respCode"] = "00"; params["respMsg"] = "成功"
                params["origRespCode"] = code; params["origRespMsg"] = message
            case .close:
                if payment.status == .paid {
                    params["respCode"] = "35"; params["respMsg"] = "原交易不存在或状态不正确[原交易已成功]"
                    params["origRespCode"] = "00"; params["origQryId"] = payment.tradeNo
                } else {
                    params["respCode"] = "00"; params["respMsg"] = "成功"
                }
            default:
                params["respCode"] = code; params["respMsg"] = message
            }
            return answer(params, account: account)
        }
    }

    private func notify(_ params: [String: String], account: String, at: Timestamp) -> Callback? {
        var all = params
        all["accessType"] = "0"; all["bizType"] = "000000"; all["traceTime"] = String(ChannelTime.compact(at).dropFirst(4))
        all["settleDate"] = String(ChannelTime.compact(at).dropFirst(4).prefix(4))
        let message = answer(all, account: account)
        return Callback(headers: message.headers, body: message.body, at: at)
    }

    override func paymentCallback(_ payment: SandboxPayment, at: Timestamp) -> Callback? {
        let (code, message) = Self.respCode(payment)
        return notify(["txnType": "01", "txnSubType": payment.mode == "paycode" ? "07" : "06", "orderId": payment.outTradeNo,
                       "queryId": payment.tradeNo, "txnAmt": String(payment.amount.minorUnits), "settleAmt": String(payment.amount.minorUnits),
                       "currencyCode": NumericCurrency.code(payment.amount.currency), "settleCurrencyCode": NumericCurrency.code(payment.amount.currency),
                       "txnTime": ChannelTime.compact(payment.createdAt), "traceNo": String(payment.tradeNo.suffix(6)),
                       "respCode": code, "respMsg": message], account: payment.account, at: at)
    }

    override func refundCallback(_ refund: SandboxRefund, payment: SandboxPayment, at: Timestamp) -> Callback? {
        notify(["txnType": "04", "txnSubType": "00", "orderId": refund.outRefundNo, "origOrderId": payment.outTradeNo,
                "origQryId": payment.tradeNo, "queryId": refund.refundId, "txnAmt": String(refund.amount.minorUnits),
                "currencyCode": NumericCurrency.code(refund.amount.currency), "txnTime": ChannelTime.compact(refund.createdAt),
                "traceNo": String(refund.refundId.suffix(6)),
                "respCode": refund.status == .succeeded ? "00" : "01", "respMsg": refund.status == .succeeded ? "成功" : "交易失败"],
               account: payment.account, at: at)
    }
}
