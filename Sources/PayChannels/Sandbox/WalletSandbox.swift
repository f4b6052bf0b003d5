import PayCore

/// The stored-value wallet: balances per customer and currency (a new customer opens with
/// `openingBalanceMajor` units), debits, credits back on refund, no signatures and no callbacks.
final class WalletSandbox: SandboxPSP {
    /// A customer the wallet has not seen starts with this many major units (5000.00).
    static let openingBalanceMajor: Int64 = 5000

    init(sandbox: Sandbox) { super.init(sandbox: sandbox, channel: "wallet") }

    override func newTradeNo(at time: Timestamp) -> String { "WL\(time.milliseconds)\(Crypto.randomHex(3))" }
    override func newRefundId(at time: Timestamp) -> String { "WR\(time.milliseconds)\(Crypto.randomHex(3))" }

    override func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        let body = JSONFields(try SafeJSON.object(request.body, what: "request"))
        func money() throws(NotificationRejection) -> Money {
            let code = try body.string("currency")
            guard let currency = Currency(code: code) else { throw NotificationRejection("currency unknown") }
            return Money(minorUnits: try body.int("amount"), currency: currency)
        }
        switch request.path {
        case "/wallet/debit": return .pay(outTradeNo: try body.string("reference"), amount: try money(), mode: .account(try body.string("customer")), subject: "")
        case "/wallet/query": return .query(outTradeNo: try body.string("reference"))
        case "/wallet/cancel": return .close(outTradeNo: try body.string("reference"), revoke: false)
        case "/wallet/credit": return .refund(outTradeNo: try body.string("debit_reference"), outRefundNo: try body.string("reference"), amount: try money())
        case "/wallet/credit/query": return .refundQuery(outRefundNo: try body.string("reference"))
        case "/wallet/statement": return .bill(date: try body.string("date"))
        default: throw NotificationRejection("no such endpoint")
        }
    }

    private func answer(_ object: [String: Any]) -> HTTPMessage {
        HTTPMessage(status: 200, headers: ["Content-Type": "application/json"], body: SafeJSON.encode(object))
    }

    override func refuseRequest(_ reason: String, account: String) -> HTTPMessage { answer(["status": "ERROR", "message": reason]) }

    override func encode(_ outcome: SandboxOutcome, for request: SandboxRequest, account: String) -> HTTPMessage {
        switch outcome {
        case .systemError(let message): return answer(["status": "ERROR", "message": message])
        case .refused(.notFound): return answer(["status": "NOT_FOUND"])
        case .refused(let refusal): return answer(["status": "FAILED", "failure_code": "\(refusal)".uppercased()])
        case .token: return answer(["status": "ERROR", "message": "not supported"])
        case .bill(let day): return answer(["status": "SUCCEEDED", "statement": bill(day)])
        case .refund(let refund):
            let status = switch refund.status { case .succeeded: "SUCCEEDED"; case .processing: "PENDING"; case .failed: "FAILED" }
            return answer(["status": status, "id": refund.refundId, "amount": refund.amount.minorUnits, "currency": refund.amount.currency.code])
        case .payment(let payment):
            var object: [String: Any] = ["id": payment.tradeNo, "reference": payment.outTradeNo, "amount": payment.amount.minorUnits,
                                         "currency": payment.amount.currency.code]
            switch payment.status {
            case .paid: object["status"] = "SUCCEEDED"
            case .waiting, .paying: object["status"] = "PENDING"
            case .closed, .revoked: object["status"] = "CANCELLED"
            case .failed:
                object["status"] = "FAILED"
                object["failure_code"] = payment.failureCode == SandboxFailure.insufficientFunds ? "INSUFFICIENT_BALANCE" : "DECLINED"
            }
            return answer(object)
        }
    }
}
