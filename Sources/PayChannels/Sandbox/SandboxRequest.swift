import PayCore

/// A request a sandbox PSP decoded from the center's message, in channel-neutral words.
enum SandboxRequest {
    enum PayMode {
        case barcode(String)
        case payCode
        case card(token: String, challengeCompleted: Bool)
        case account(String)

        var name: String {
            switch self {
            case .barcode: "barcode"
            case .payCode: "paycode"
            case .card: "card"
            case .account: "account"
            }
        }
    }

    case pay(outTradeNo: String, amount: Money, mode: PayMode, subject: String)
    case query(outTradeNo: String)
    case close(outTradeNo: String, revoke: Bool)
    case refund(outTradeNo: String, outRefundNo: String, amount: Money)
    case refundQuery(outRefundNo: String)
    case bill(date: String)
    /// Card only: the PSP already read the number and dropped it; only what it may keep arrives here.
    case tokenize(first6: String, last4: String, brand: String, expMonth: Int, expYear: Int, profile: String)
}

/// What the sandbox's rules made of a request.
enum SandboxOutcome {
    /// The payment's state after the operation (a declined payment is `failed` with its code).
    case payment(SandboxPayment)
    case refund(SandboxRefund)
    case refused(SandboxRefusal)
    case systemError(String)
    case bill(SandboxDay)
    case token(CardToken)
}

/// Why the sandbox refused a request outright.
enum SandboxRefusal: Equatable {
    case notFound
    /// The refund asks for more than is left to refund.
    case refundTooLarge
    /// Refund of a payment that is not paid.
    case notPaid
    /// The same out_trade_no with other parameters.
    case duplicate
    /// The scanned code is not this channel's payment code (or not one at all).
    case badAuthCode
    case invalid(String)
}

/// Failure codes the sandbox records on a failed payment (channel-neutral; each PSP words them).
enum SandboxFailure {
    static let declined = "DECLINED"
    static let insufficientFunds = "INSUFFICIENT_FUNDS"
    static let expiredCard = "EXPIRED_CARD"
    static let incorrectCVC = "INCORRECT_CVC"
    static let authenticationRequired = "AUTHENTICATION_REQUIRED"
}

/// One day of one account's ledger, for its bill.
struct SandboxDay {
    let channel: String
    let account: String
    let date: String
    let payments: [SandboxPayment]
    let refunds: [SandboxRefund]
}
