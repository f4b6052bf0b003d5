import PayCore

/// Recognises which channel a scanned payment code belongs to, from its length and prefix
/// (DESIGN §5, the table of `AuthCode`), so the cashier sees it before pressing Enter. Display
/// only: the payment core checks the code again.
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

    }

    /// The channel of a complete code, or nil when it matches none.
    public static func recognise(_ code: String) -> Channel? {
        AuthCode.recognise(code).flatMap(Channel.init(rawValue:))
    }

    /// The channel a partly typed code is heading for (by prefix only), for a live hint.
    public static func likely(_ partial: String) -> Channel? {
        AuthCode.likely(partial).flatMap(Channel.init(rawValue:))
    }
}
