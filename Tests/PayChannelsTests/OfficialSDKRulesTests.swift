import Foundation
import Testing
@testable import PayChannels
import PayCore

/// The rules the channels' official SDKs hold the sandbox to, checked from the center's side:
/// WeChat's platform certificates and transaction_id, Alipay's gateway codes and refund totals,
/// UnionPay 5.1.0's signing certificate chain.
@Suite struct OfficialSDKRulesTests {
    /// Sends `request` signed by the plugin of `account` straight to the sandbox.
    func send(_ h: SandboxHarness, _ account: String, _ request: HTTPMessage) throws -> HTTPMessage {
        let plugin = try h.plugin(account)
        return try h.sandbox.send(try plugin.sign(request), channel: h.accounts[account]!.channel, account: account)
    }

    func json(_ message: HTTPMessage) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
    }

    // MARK: WeChat Pay

    @Test func wechatHandsOutItsPlatformCertificateEncryptedUnderTheAPIv3Key() throws {
        let h = try SandboxHarness(only: ["wechat"])
        let config = h.accounts["wechat-direct"]!.config
        let answer = try send(h, "wechat-direct", HTTPMessage(method: "GET", path: "/v3/certificates"))
        #expect(answer.status == 200)
        #expect(answer.headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048")
        let entry = try #require((try json(answer)["data"] as? [[String: Any]])?.first)
        let sealed = try #require(entry["encrypt_certificate"] as? [String: String])
        #expect(sealed["algorithm"] == "AEAD_AES_256_GCM" && sealed["associated_data"] == "certificate")
        let ciphertext = try #require(sealed["ciphertext"])
        let combined = try #require(Base64.decode(ciphertext))
        let pem = try Crypto.aes256GCMOpen(key: Array(try #require(config["api_v3_key"]).utf8), nonce: Array(try #require(sealed["nonce"]).utf8),
                                           sealed: .init(ciphertext: Array(combined.dropLast(16)), tag: Array(combined.suffix(16))),
                                           aad: Array("certificate".utf8))
        let certificate = try X509Certificate(pem: String(decoding: pem, as: UTF8.self))
        #expect(certificate.serialHex == config["platform_serial"] && entry["serial_no"] as? String == config["platform_serial"])
        #expect(certificate.serialHex.count == 40)
        #expect(certificate.publicKey?.pem == config["platform_public_key"])
        #expect(answer.headers["Wechatpay-Serial"] == certificate.serialHex)
        // Valid on the store's clock and on the wall clock.
        #expect(certificate.notBefore < h.clock.now() && h.clock.now() < certificate.notAfter)
        #expect(certificate.notBefore < SystemClock().now() && SystemClock().now() < certificate.notAfter)
        // Unsigned, it is refused like any API call.
        let unsigned = try h.sandbox.send(HTTPMessage(method: "GET", path: "/v3/certificates"), channel: "wechat", account: "wechat-direct")
        #expect(unsigned.status == 400 || unsigned.status == 401)
    }

    @Test func wechatQueriesAndRefundsByTransactionId() throws {
        let h = try SandboxHarness(only: ["wechat"])
        let (serial, reply) = try h.pay("wechat-direct", 1200)
        guard case .succeeded(let transactionId) = reply.result else { Issue.record("not paid: \(reply)"); return }
        let mchid = h.accounts["wechat-direct"]!.config["mchid"]!
        let query = try send(h, "wechat-direct", HTTPMessage(method: "GET", path: "/v3/pay/transactions/id/\(transactionId)?mchid=\(mchid)"))
        let found = try json(query)
        #expect(query.status == 200 && found["out_trade_no"] as? String == serial)
        let unknown = try send(h, "wechat-direct", HTTPMessage(method: "GET", path: "/v3/pay/transactions/id/4200000000000000000000000000?mchid=\(mchid)"))
        let notFound = try json(unknown)
        #expect(unknown.status == 404 && notFound["code"] as? String == "ORDER_NOT_EXIST")
        // Without the merchant number in the query string the order query is refused, as WeChat refuses it.
        let bare = try send(h, "wechat-direct", HTTPMessage(method: "GET", path: "/v3/pay/transactions/id/\(transactionId)"))
        #expect(bare.status == 400)
        // The other account's transaction is not this account's.
        let spMchid = h.accounts["wechat-sp"]!.config["mchid"]!
        let other = try send(h, "wechat-sp", HTTPMessage(method: "GET", path: "/v3/pay/transactions/id/\(transactionId)?mchid=\(spMchid)"))
        #expect(other.status == 404)
        let body = SafeJSON.encode(["transaction_id": transactionId, "out_refund_no": "R\(serial)",
                                    "amount": ["refund": 200, "total": 1200, "currency": "CNY"]])
        let refund = try send(h, "wechat-direct", HTTPMessage(method: "POST", path: "/v3/refund/domestic/refunds",
                                                              headers: ["Content-Type": "application/json"], body: body))
        let object = try json(refund)
        #expect(refund.status == 200 && object["status"] as? String == "SUCCESS" && object["out_trade_no"] as? String == serial)
    }

    // MARK: Alipay

    /// A gateway request with `biz` signed by the center's key of `account` (or `key`).
    func alipay(_ h: SandboxHarness, method: String, biz: [String: Any], key: RSAPrivateKey? = nil) throws -> [String: Any] {
        let config = h.accounts["alipay-main"]!.config
        var params = ["app_id": config["app_id"]!, "method": method, "charset": "utf-8", "sign_type": "RSA2",
                      "timestamp": "2026-11-21 17:00:00", "version": "1.0", "biz_content": String(decoding: SafeJSON.encode(biz), as: UTF8.self)]
        if method.isEmpty { params["method"] = nil }
        let signer = try key ?? RSAPrivateKey(pem: config["app_private_key"]!)
        params["sign"] = signer.signBase64(FormCodec.signingString(params, excluding: ["sign"]))
        // why the query string: the official SDK sends the parameters in the URL.
        let query = String(decoding: FormCodec.body(params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }), as: UTF8.self)
        let answer = try h.sandbox.send(HTTPMessage(method: "GET", path: "/gateway.do?\(query)"), channel: "alipay", account: "alipay-main")
        let object = try json(answer)
        #expect(object["sign"] is String, "every answer is signed")
        let name = try #require(object.keys.first { $0.hasSuffix("_response") })
        var content = try #require(object[name] as? [String: Any])
        content["_name"] = name
        return content
    }

    @Test func alipayRefusesInItsOwnCodesAndTakesTradeNo() throws {
        let h = try SandboxHarness(only: ["alipay"])
        let (serial, reply) = try h.pay("alipay-main", 1200)
        guard case .succeeded(let tradeNo) = reply.result else { Issue.record("not paid: \(reply)"); return }
        let byTradeNo = try alipay(h, method: "alipay.trade.query", biz: ["trade_no": tradeNo])
        #expect(byTradeNo["code"] as? String == "10000" && byTradeNo["out_trade_no"] as? String == serial)

        let missing = try alipay(h, method: "", biz: [:])
        #expect(missing["_name"] as? String == "error_response" && missing["code"] as? String == "40001")
        #expect(missing["sub_code"] as? String == "isv.missing-method")
        let unknown = try alipay(h, method: "alipay.trade.nosuch", biz: [:])
        #expect(unknown["_name"] as? String == "error_response" && unknown["sub_code"] as? String == "isv.invalid-method")
        let noTrade = try alipay(h, method: "alipay.trade.query", biz: [:])
        #expect(noTrade["_name"] as? String == "alipay_trade_query_response" && noTrade["code"] as? String == "40002")
        #expect(noTrade["sub_code"] as? String == "isv.invalid-parameter")
        let forged = try alipay(h, method: "alipay.trade.query", biz: ["out_trade_no": serial], key: try RSAPrivateKey.generate())
        #expect(forged["sub_code"] as? String == "isv.invalid-signature")
        // The center's plugin reads a gateway refusal as the channel refusing the request.
        let plugin = try h.plugin("alipay-main")
        let mapped = plugin.mapResult(["code": "40001", "sub_code": "isv.missing-signature", "msg": "Missing Required Arguments"],
                                      for: .query(serial: serial, amount: SandboxHarness.cny(1200)))
        guard case .systemError = mapped.result else { Issue.record("40001 read as \(mapped.result)"); return }
    }

    @Test func alipayRefundNotificationsStateTheTotalRefunded() throws {
        let h = try SandboxHarness(only: ["alipay"])
        let (serial, reply) = try h.pay("alipay-main", 10_000)
        guard case .succeeded(let tradeNo) = reply.result else { Issue.record("not paid: \(reply)"); return }
        let plugin = try h.plugin("alipay-main")
        var notes: [ChannelNotification] = []
        for (n, minor) in [(1, Int64(3_000)), (2, Int64(2_000))] {
            let refund = RefundRequest(refundSerial: "R\(n)\(serial)", paymentSerial: serial, channelSerial: tradeNo,
                                       amount: SandboxHarness.cny(minor), paymentAmount: SandboxHarness.cny(10_000), reason: "test")
            _ = plugin.refund(refund)
            for case .success(let note) in try h.notifications(about: "R\(n)\(serial)") { notes.append(note) }
        }
        #expect(notes.map(\.amount) == [SandboxHarness.cny(3_000), SandboxHarness.cny(5_000)])
        #expect(notes.allSatisfy { $0.kind == .refund && $0.amountIsRefundedTotal })
    }

    // MARK: UnionPay

    /// A UnionPay notification of `account` with the parameters changed by `change` and signed again
    /// with `key` (default: the channel's).
    func unionpayCallback(_ h: SandboxHarness, key: RSAPrivateKey? = nil,
                          _ change: (inout [String: String]) throws -> Void) throws -> Result<ChannelNotification, NotificationRejection> {
        let (serial, _) = try h.pay("unionpay-main", 1200)
        let callback = try #require(try h.sandbox.sentCallbacks(orderNo: serial).first)
        var params = try FormCodec.dictionary(callback.body)
        try change(&params)
        let signer = try key ?? RSAPrivateKey(pem: try #require(try h.sandbox.key("unionpay-main", "channel_private_key")))
        params["signature"] = signer.signBase64(UnionPayPlugin.digestText(params))
        return h.registry.receiveNotification(channel: "unionpay", accounts: h.allAccounts, headers: callback.headers,
                                              body: FormCodec.body(params.map { ($0.key, $0.value) }))
    }

    /// A certificate for `key` under a root and intermediate of its own, with UnionPay's name.
    func outsideCertificate(for key: RSAPrivateKey, name: String = "041@Z1@中国银联股份有限公司@00000001") throws -> X509Certificate {
        let start = SystemClock().now().adding(milliseconds: -86_400_000)
        let rootKey = try RSAPrivateKey.generate()
        let root = try X509Certificate.issue(subject: .init(commonName: "Other Root"), publicKey: rootKey.publicKey, serial: [1], notBefore: start,
                                             days: 3650, isCA: true, issuer: nil, issuerKey: rootKey)
        return try X509Certificate.issue(subject: .init(commonName: name), publicKey: key.publicKey, serial: [2, 3], notBefore: start,
                                         days: 3650, isCA: false, issuer: root, issuerKey: rootKey)
    }

    @Test func unionpayMessagesCarryTheSigningCertificateCheckedAgainstTheRoots() throws {
        let h = try SandboxHarness(only: ["unionpay"])
        let config = h.accounts["unionpay-main"]!.config
        #expect(config["root_certificate"] != nil && config["intermediate_certificate"] != nil)
        guard case .success(let note) = try unionpayCallback(h, { _ in }) else { Issue.record("genuine callback rejected"); return }
        #expect(note.account == "unionpay-main")
        let (serial, _) = try h.pay("unionpay-main", 1200)
        let params = try FormCodec.dictionary(try #require(try h.sandbox.sentCallbacks(orderNo: serial).first).body)
        let certificate = try X509Certificate(pem: try #require(params["signPubKeyCert"]))
        #expect(certificate.serialDecimal == params["certId"])
        try certificate.verify(roots: [try X509Certificate(pem: config["root_certificate"]!)],
                               intermediates: [try X509Certificate(pem: config["intermediate_certificate"]!)], at: h.clock.now())
        #expect(certificate.commonName.split(separator: "@")[2] == "中国银联股份有限公司")
    }

    @Test func unionpayRefusesCertificatesOutsideTheChainOrNotUnionPays() throws {
        let h = try SandboxHarness(only: ["unionpay"])
        func rejected(_ result: Result<ChannelNotification, NotificationRejection>, _ text: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
            switch result {
            case .success(let note): Issue.record("accepted: \(note)", sourceLocation: sourceLocation)
            case .failure(let rejection): #expect(rejection.reason.contains(text), "\(rejection.reason)", sourceLocation: sourceLocation)
            }
        }
        rejected(try unionpayCallback(h) { $0["signPubKeyCert"] = nil }, "signPubKeyCert missing")
        rejected(try unionpayCallback(h) { $0["certId"] = "1" }, "certId")
        // A forger's own key and a certificate from another CA, signed consistently.
        let forger = try RSAPrivateKey.generate()
        let outside = try outsideCertificate(for: forger)
        rejected(try unionpayCallback(h, key: forger) { $0["signPubKeyCert"] = outside.pem; $0["certId"] = outside.serialDecimal },
                 "does not verify")
        // The real chain's certificate, but the message signed by another key.
        rejected(try unionpayCallback(h, key: forger) { _ in }, "signature does not verify")
        // The sandbox's own intermediate issuing a certificate that is not UnionPay's.
        let middle = try X509Certificate(pem: try #require(try h.sandbox.key("", "unionpay_intermediate_certificate")))
        let middleKey = try RSAPrivateKey(pem: try #require(try h.sandbox.key("", "unionpay_intermediate_key")))
        let impostor = try X509Certificate.issue(subject: .init(commonName: "041@Z1@某公司@00000001"), publicKey: forger.publicKey, serial: [9, 9],
                                                 notBefore: h.clock.now().adding(milliseconds: -30 * 86_400_000), days: 3650, isCA: false,
                                                 issuer: middle, issuerKey: middleKey)
        rejected(try unionpayCallback(h, key: forger) { $0["signPubKeyCert"] = impostor.pem; $0["certId"] = impostor.serialDecimal },
                 "not UnionPay's")
    }
}
