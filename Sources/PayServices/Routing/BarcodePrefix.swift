/// The channel a customer's payment code belongs to, by its prefix and length, so routing can
/// pick among that channel's accounts.
///
/// WeChat Pay: 18 digits starting 10–15. Alipay: 16–24 digits starting 25–30. UnionPay QR:
/// 19 digits starting 62.
public enum BarcodePrefix {
    /// The channel of `code` ("wechat", "alipay", "unionpay"), or nil when no channel claims it.
    public static func channel(of code: String) -> String? {
        guard code.allSatisfy({ $0.isASCII && $0.isNumber }), code.count >= 2, let head = Int(code.prefix(2)) else { return nil }
        switch (head, code.count) {
        case (10...15, 18): return "wechat"
        case (25...30, 16...24): return "alipay"
        case (62, 19): return "unionpay"
        default: return nil
        }
    }
}
