import Testing
@testable import PayChannels
import PayCore

/// Golden vectors for each channel's signature scheme: the exact string each scheme signs, and
/// the signature `openssl dgst -sha256 -sign` gives for it under `CryptoTests.goldenKey`.
@Suite struct SchemeGoldenTests {
    final class NoTransport: ChannelTransport {
        func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage { throw .unreachable("none") }
    }

    func account(_ channel: String, _ config: [String: String]) -> ChannelAccount {
        ChannelAccount(id: "\(channel)-golden", channel: channel, merchantId: nil, name: "golden", currencies: [.CNY], feeRateBps: 0,
                       feeFixedMinor: 0, enabled: true, config: config)
    }

    var goldenPublicPEM: String { try! RSAPrivateKey(pem: CryptoTests.goldenKey).publicKey.pem }

    /// The notification example of Alipay's "异步通知验签" page: its parameters and its 待签名字符串.
    static let alipayParams: [String: String] = [
        "total_amount": "2.00", "buyer_id": "2088102116773037", "body": "大乐透2.1", "trade_no": "2016071921001003030200089909",
        "refund_fee": "0.00", "notify_time": "2016-07-19 14:10:49", "subject": "大乐透2.1", "sign_type": "RSA2", "charset": "utf-8",
        "notify_type": "trade_status_sync", "out_trade_no": "0719141034-6418", "gmt_close": "2016-07-19 14:10:46",
        "gmt_payment": "2016-07-19 14:10:47", "trade_status": "TRADE_SUCCESS", "version": "1.0", "gmt_create": "2016-07-19 14:10:44",
        "app_id": "2015102700040153", "seller_id": "2088102119685838", "notify_id": "4a91b7a78a503640467525113fb7d8bg8e",
    ]
    static let alipayContent = "app_id=2015102700040153&body=大乐透2.1&buyer_id=2088102116773037&charset=utf-8&gmt_close=2016-07-19 14:10:46&gmt_create=2016-07-19 14:10:44&gmt_payment=2016-07-19 14:10:47&notify_id=4a91b7a78a503640467525113fb7d8bg8e&notify_time=2016-07-19 14:10:49&notify_type=trade_status_sync&out_trade_no=0719141034-6418&refund_fee=0.00&seller_id=2088102119685838&subject=大乐透2.1&total_amount=2.00&trade_no=2016071921001003030200089909&trade_status=TRADE_SUCCESS&version=1.0"

    @Test func alipayRSA2SignsTheSortedParametersWithoutSignAndSignType() throws {
        // why: the page's sample string omits gmt_create although its URL carries it; the rule
        // (every parameter but sign and sign_type) includes it, so the vector does too.
        #expect(FormCodec.signingString(Self.alipayParams, excluding: ["sign", "sign_type"]) == Self.alipayContent)
        let openssl = "FFLyTtstpgyi0TH1ub+ywFsw5O9WXF9jiJ0yPiadsqQMa0ujGGS3+PAi2zQC9UK+gdfp4NQgDsMwFn/zCTqrkLM3OlfDBX0hzhk3Y+w5LllspzDULABFR8LozVWrpswx1jhhBmZC7vvQpMFrLJpLENiJHHz6ap6uLPjrIq64TKGfEL6/e3gVtC6OQm6nm0s7LLmOlNPyZA2XsDW+M4eO0+uoUllTgooODZpNNe6e9f85nI/ghtC0uhUIG3ioZpJv78/HFNJOGxsVW1C2Pbgm8v4/8D1MbQIxCmjqZvMNrcfeEmTZRIEqQIprlKowaGVacOFGPrOpc6gDnYfw7NU4YA=="
        let withGmtCreateLeftOut = Self.alipayContent.replacingOccurrences(of: "&gmt_create=2016-07-19 14:10:44", with: "")
        #expect(try RSAPrivateKey(pem: CryptoTests.goldenKey).signBase64(withGmtCreateLeftOut) == openssl)
        // The plugin accepts the example signed with the golden key, as Alipay's public key.
        var params = Self.alipayParams
        params["sign"] = try RSAPrivateKey(pem: CryptoTests.goldenKey).signBase64(Self.alipayContent)
        let plugin = AlipayPlugin(account: account("alipay", ["app_id": "2015102700040153", "alipay_public_key": goldenPublicPEM]),
                                  transport: NoTransport(), clock: FixedClock(Timestamp(seconds: 1_468_908_649)))
        let note = try plugin.receiveNotification(headers: [:], body: FormCodec.body(params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        #expect(note.centerSerial == "0719141034-6418" && note.channelSerial == "2016071921001003030200089909")
        #expect(note.amount == Money(minorUnits: 200, currency: .CNY) && note.status == .succeeded && note.channelStatus == "TRADE_SUCCESS")
    }

    @Test func wechatV3SignsTimestampNonceBody() throws {
        let key = try RSAPrivateKey(pem: CryptoTests.goldenKey)
        let message = "1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"code\":\"SUCCESS\"}\n"
        let openssl = "hisUj507FaiNR2Pa4/Cg7Nbr8eEmS4oX+Zo4b9mh93MQpr4/pep5D0hHwqes6zglnoHBaPqJiNIEk3GjwTTouXUlory7pK2AhUz7OKKcSnTvaGwaEoZpUVO0Stl8YQLzOngcPJIFb+LrVfMM1KL5cHyDyDmToWFXF9O7hK+0W3baO8xOErVIjqPTtFM0U2o6vhXs9fb2SL7SMRIOZSPmhtZicE+xmIlwLw+BYJftVBqF0CyVCeBaDUUmJrCNXZhS/0DihBfxIZbWiPZCP2V/Gq6VrmEkWO514NzKD5QZm9YqhSehc5A21WppgS034YNF5KzgsvRJ4irFuOTnQ5Y4RQ=="
        #expect(key.signBase64(message) == openssl)
        let plugin = WeChatPayPlugin(account: account("wechat", ["platform_public_key": goldenPublicPEM, "platform_serial": key.publicKey.serial]),
                                     transport: NoTransport(), clock: FixedClock(Timestamp(seconds: 1_554_208_460 + 299)))
        var headers = ["Wechatpay-Timestamp": "1554208460", "Wechatpay-Nonce": "593BEC0C930BF1AFEB40B4A08C8FB242",
                       "Wechatpay-Signature": openssl, "Wechatpay-Serial": key.publicKey.serial,
                       "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"]
        try plugin.verifySignedMessage(HTTPMessage(headers: headers, body: Array(#"{"code":"SUCCESS"}"#.utf8)))
        // WeChat's own message without the scheme named is refused, as the official SDKs refuse it.
        var unnamed = headers
        unnamed["Wechatpay-Signature-Type"] = nil
        #expect(throws: NotificationRejection.self) { try plugin.verifySignedMessage(HTTPMessage(headers: unnamed, body: Array(#"{"code":"SUCCESS"}"#.utf8))) }
        headers["Wechatpay-Nonce"] = "593BEC0C930BF1AFEB40B4A08C8FB243"
        #expect(throws: NotificationRejection.self) { try plugin.verifySignedMessage(HTTPMessage(headers: headers, body: Array(#"{"code":"SUCCESS"}"#.utf8))) }
        let late = WeChatPayPlugin(account: plugin.account, transport: NoTransport(), clock: FixedClock(Timestamp(seconds: 1_554_208_460 + 301)))
        headers["Wechatpay-Nonce"] = "593BEC0C930BF1AFEB40B4A08C8FB242"
        #expect(throws: NotificationRejection.self) { try late.verifySignedMessage(HTTPMessage(headers: headers, body: Array(#"{"code":"SUCCESS"}"#.utf8))) }
    }

    @Test func unionpaySignsTheSHA256HexOfTheSortedParameters() throws {
        var params = ["txnAmt": "1200", "merId": "777290058110048", "orderId": "P1", "respCode": "00", "bizType": "000000", "accessType": "0"]
        #expect(UnionPayPlugin.digestText(params) == "e00f943e62f90000047a9575f84af975f4bd8767be989b5310ee79bc9d746363")
        let openssl = "DSY4advA2gFcbbjPovnRFZVb9JE+g3VmO32ZWmSWiq8hcpobQbVLK6mBNfBA7U9KQQbZY/UUQAKI9pCYbUAunFC2R0IrFlNI2/+a05MWSIwQnsCcJbXAvhEJJHNmXPwSRDMtSyJzcXXsyDM7vlxTP5/i5yd7tObsqIqtHUePWipFb5CcIVMHivtbJhsgdb6QWPeHQmWUSFGPR1OoeiWUP38MZu7WGpPbvPtzjTQSyEZ7YNK5Z55BSRbkzg0kReydPeVmnATnZnlsSZVC4oNHw9W53xL+fLZCoKhROC28nkft2Ur7VzIbTN4HNU7GWE/RnNSP680EkKr3pzOdjjC+Fw=="
        #expect(try RSAPrivateKey(pem: CryptoTests.goldenKey).signBase64(UnionPayPlugin.digestText(params)) == openssl)
        // With certId and signMethod added the digest changes; the plugin checks the full set.
        params["certId"] = "69042905010"
        params["signMethod"] = "01"
        params["signature"] = try RSAPrivateKey(pem: CryptoTests.goldenKey).signBase64(UnionPayPlugin.digestText(params))
        let plugin = UnionPayPlugin(account: account("unionpay", ["verify_public_key": goldenPublicPEM, "verify_cert_id": "69042905010"]),
                                    transport: NoTransport(), clock: SystemClock())
        #expect(try plugin.verifiedParams(FormCodec.body(params.map { ($0.key, $0.value) }))["orderId"] == "P1")
        params["txnAmt"] = "1201"
        #expect(throws: NotificationRejection.self) { try plugin.verifiedParams(FormCodec.body(params.map { ($0.key, $0.value) })) }
    }
}
