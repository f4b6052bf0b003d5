import Foundation
import PayCore

/// The acquirer side (each account its own secrets and fee): tokenizes cards — keeping only the
/// test-card behaviour, first 6 and last 4, never the number or the CVC — charges tokens, refunds,
/// and sends `charge.*` webhooks.
final class CardAcquirerSandbox: HMACJSONSandbox {
    init(sandbox: Sandbox) { super.init(sandbox: sandbox, channel: "card") }

    /// The test cards of DESIGN §5 and what they do; any other valid number succeeds.
    static let testCards: [String: String] = [
        "4242424242424242": "success", "4000000000000002": "declined", "4000000000009995": "insufficient_funds",
        "4000000000000069": "expired", "4000000000000127": "incorrect_cvc", "4000000000003220": "challenge",
    ]

    override func newTradeNo(at time: Timestamp) -> String { "ch_" + Crypto.randomHex(12) }
    override func newRefundId(at time: Timestamp) -> String { "re_" + Crypto.randomHex(12) }

    static func brand(_ number: String) -> String {
        if number.hasPrefix("4") { return "visa" }
        if number.hasPrefix("62") { return "unionpay" }
        if let two = Int(number.prefix(2)), (51...55).contains(two) { return "mastercard" }
        if number.hasPrefix("34") || number.hasPrefix("37") { return "amex" }
        return "unknown"
    }

    override func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        let (path, query, body) = try verified(request, account: account)
        switch (request.method, path) {
        case ("POST", "/v1/tokens"):
            guard let card = try body?.nested("card") else { throw NotificationRejection("card missing") }
            let number = try card.string("number")
            guard number.count >= 12, number.count <= 19, number.allSatisfy(\.isNumber), CardDetails.luhnValid(number) else {
                throw NotificationRejection("invalid_number")
            }
            let expMonth = Int(try card.int("exp_month")), expYear = Int(try card.int("exp_year"))
            guard (1...12).contains(expMonth) else { throw NotificationRejection("invalid_expiry_month") }
            guard let expiry = try? CardExpiry(month: expMonth, year: expYear) else { throw NotificationRejection("invalid_expiry_year") }
            // why: as a real acquirer, the card's own expiry decides, on the sandbox's clock: a card
            // past its month is declined EXPIRED_CARD when charged, whatever its test behaviour.
            let profile = expiry.isExpired(at: sandbox.now) ? "expired" : (Self.testCards[number] ?? "success")
            // The number and the CVC stop here: only the behaviour, first 6 and last 4 are kept.
            return .tokenize(first6: String(number.prefix(6)), last4: String(number.suffix(4)), brand: Self.brand(number),
                             expMonth: expMonth, expYear: expYear, profile: profile)
        case ("POST", "/v1/charges"):
            let amount = try Self.money(body, amountKey: "amount", currencyKey: "currency")
            return .pay(outTradeNo: try Self.require(body, "reference"), amount: amount,
                        mode: .card(token: try Self.require(body, "source"), challengeCompleted: body?.optionalString("three_d_secure") == "completed"),
                        subject: body?.optionalString("description") ?? "")
        case ("GET", "/v1/charges/search"):
            guard let reference = query["reference"] else { throw NotificationRejection("reference missing") }
            return .query(outTradeNo: reference)
        case ("POST", "/v1/charges/cancel"): return .close(outTradeNo: try Self.require(body, "reference"), revoke: false)
        case ("POST", "/v1/refunds"):
            guard let body else { throw NotificationRejection("body missing") }
            let reference = try body.string("charge_reference")
            let payment = (try? sandbox.payment(channel: channel, outTradeNo: reference)) ?? nil
            return .refund(outTradeNo: reference, outRefundNo: try body.string("reference"),
                           amount: Money(minorUnits: try body.int("amount"), currency: payment?.amount.currency ?? .CNY))
        case ("GET", "/v1/refunds/search"):
            guard let reference = query["reference"] else { throw NotificationRejection("reference missing") }
            return .refundQuery(outRefundNo: reference)
        case ("GET", "/v1/reports/settlement"):
            guard let date = query["date"] else { throw NotificationRejection("date missing") }
            return .bill(date: date)
        default: throw NotificationRejection("no such endpoint \(request.method) \(path)")
        }
    }

    private func error(_ status: Int, _ type: String, _ code: String, _ message: String, account: String) -> HTTPMessage {
        answer(status, ["error": ["type": type, "code": code, "message": message]], account: account)
    }

    /// What the token endpoint refuses about the card itself (HTTP 402 `card_error`).
    static let cardErrors: Set<String> = ["invalid_number", "invalid_expiry_month", "invalid_expiry_year"]

    override func refuseRequest(_ reason: String, account: String) -> HTTPMessage {
        let card = Self.cardErrors.contains(reason)
        return error(card ? 402 : 401, card ? "card_error" : "invalid_request_error", card ? reason : "signature_invalid", reason,
                     account: account)
    }

    func charge(_ payment: SandboxPayment) -> [String: Any] {
        var object: [String: Any] = ["id": payment.tradeNo, "object": "charge", "amount": payment.amount.minorUnits,
                                     "currency": payment.amount.currency.code.lowercased(), "reference": payment.outTradeNo,
                                     "created": payment.createdAt.seconds, "amount_refunded": payment.refunded.minorUnits,
                                     "payment_method_details": ["card": ["masked": payment.payer ?? ""]]]
        switch payment.status {
        case .paid: object["status"] = "succeeded"
        case .waiting, .paying: object["status"] = "pending"
        case .closed, .revoked: object["status"] = "canceled"
        case .failed:
            object["status"] = "failed"
            object["failure_code"] = Self.errorCode(payment.failureCode)
            object["failure_message"] = Self.errorCode(payment.failureCode).replacingOccurrences(of: "_", with: " ")
        }
        return object
    }

    static func errorCode(_ failure: String?) -> String {
        switch failure {
        case SandboxFailure.insufficientFunds: "insufficient_funds"
        case SandboxFailure.expiredCard: "expired_card"
        case SandboxFailure.incorrectCVC: "incorrect_cvc"
        case SandboxFailure.authenticationRequired: "authentication_required"
        default: "card_declined"
        }
    }

    func refundObject(_ refund: SandboxRefund, payment: SandboxPayment) -> [String: Any] {
        ["id": refund.refundId, "object": "refund", "amount": refund.amount.minorUnits, "currency": refund.amount.currency.code.lowercased(),
         "charge": payment.tradeNo, "charge_reference": payment.outTradeNo, "reference": refund.outRefundNo,
         "status": refund.status == .processing ? "pending" : refund.status.rawValue, "created": refund.createdAt.seconds]
    }

    override func encode(_ outcome: SandboxOutcome, for request: SandboxRequest, account: String) -> HTTPMessage {
        switch outcome {
        case .systemError(let message): return error(500, "api_error", "processing_error", message, account: account)
        case .refused(let refusal):
            switch refusal {
            case .notFound: return error(404, "invalid_request_error", "resource_missing", "No such charge or refund", account: account)
            case .refundTooLarge: return error(400, "invalid_request_error", "amount_too_large", "Refund exceeds the charge", account: account)
            case .notPaid: return error(400, "invalid_request_error", "charge_not_succeeded", "The charge has not succeeded", account: account)
            case .duplicate: return error(400, "invalid_request_error", "duplicate_reference", "reference reused", account: account)
            case .badAuthCode: return error(400, "invalid_request_error", "parameter_invalid", "no barcodes here", account: account)
            case .invalid(let why): return error(400, "invalid_request_error", "parameter_invalid", why, account: account)
            }
        case .token(let token):
            return answer(200, ["id": token.token, "object": "token", "card": ["first6": token.first6, "last4": token.last4, "brand": token.brand]],
                          account: account)
        case .bill(let day): return signedAnswer(200, Array(bill(day).utf8), contentType: "text/csv", account: account)
        case .refund(let refund):
            guard let payment = try? sandbox.payment(tradeNo: refund.tradeNo) else { return error(500, "api_error", "processing_error", "lost", account: account) }
            return answer(200, refundObject(refund, payment: payment), account: account)
        case .payment(let payment):
            if case .pay = request, payment.status == .failed {
                let code = Self.errorCode(payment.failureCode)
                return answer(402, ["error": ["type": "card_error", "code": code, "message": code.replacingOccurrences(of: "_", with: " "),
                                              "charge": payment.tradeNo]], account: account)
            }
            return answer(200, charge(payment), account: account)
        }
    }

    override func paymentCallback(_ payment: SandboxPayment, at: Timestamp) -> Callback? {
        let type = payment.status == .paid ? "charge.succeeded" : (payment.status == .failed ? "charge.failed" : "charge.pending")
        return webhook(["id": "evt_" + Crypto.randomHex(12), "type": type, "created": at.seconds, "data": ["object": charge(payment)]],
                       account: payment.account, at: at)
    }

    override func refundCallback(_ refund: SandboxRefund, payment: SandboxPayment, at: Timestamp) -> Callback? {
        webhook(["id": "evt_" + Crypto.randomHex(12), "type": refund.status == .succeeded ? "charge.refunded" : "charge.refund.updated",
                 "created": at.seconds, "data": ["object": refundObject(refund, payment: payment)]], account: payment.account, at: at)
    }
}
