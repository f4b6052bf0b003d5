import PayCore

/// Recognises which channel a scanned payment code belongs to, from its length and prefix
/// (DESIGN §5), so the cashier sees it before pressing Enter. Display only: the payment core
/// checks the code again.
public enum ScanCode {
    /// The barcode channels.
    public enum Channel: String, Hashable, Sendable, CaseIterable {
        case alipay, wechat, unionpay

        public init?(method: PaymentMethod) {
            switch method {
            case .alipay: self = .alipay
            case .wechat: self = .wechat
            case .unionpay: self = .unionpay
            default: return nil
            }
        }

        public var displayName: String {
            switch self {
            case .alipay: return "Alipay"
            case .wechat: return "WeChat Pay"
            case .unionpay: return "UnionPay"
            }
        }

        public var method: PaymentMethod {
            switch self {
            case .alipay: return .alipay
            case .wechat: return .wechat
            case .unionpay: return .unionpay
            }
        }

        /// Allowed lengths and two-digit prefixes.
        var lengths: ClosedRange<Int> {
            switch self {
            case .alipay: return 16...24
            case .wechat: return 18...18
            case .unionpay: return 19...19
            }
        }

        var prefixes: ClosedRange<Int> {
            switch self {
            case .alipay: return 25...30
            case .wechat: return 10...15
            case .unionpay: return 62...62
            }
        }
    }

    /// The channel of a complete code, or nil when it matches none.
    public static func recognise(_ code: String) -> Channel? {
        guard code.allSatisfy({ $0.isASCII && $0.isNumber }), code.count >= 2, let prefix = Int(code.prefix(2)) else { return nil }
        return Channel.allCases.first { $0.lengths.contains(code.count) && $0.prefixes.contains(prefix) }
    }

    /// The channel a partly typed code is heading for (by prefix only), for a live hint.
    public static func likely(_ partial: String) -> Channel? {
        guard partial.count >= 2, let prefix = Int(partial.prefix(2)) else { return nil }
        return Channel.allCases.first { $0.prefixes.contains(prefix) && partial.count <= $0.lengths.upperBound }
    }
}
