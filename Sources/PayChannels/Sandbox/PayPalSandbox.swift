import PayCore

/// The PayPal side: captures for an approved payer, refunds, `PAYMENT.CAPTURE.*` webhooks.
final class PayPalSandbox: HMACJSONSandbox {
    init(sandbox: Sandbox) { super.init(sandbox: sandbox, channel: "paypal") }

    override func newTradeNo(at time: Timestamp) -> String { Crypto.randomHex(9).uppercased().prefix(17).description }
    override func newRefundId(at time: Timestamp) -> String { Crypto.randomHex(9).uppercased().prefix(17).description }

    override func decode(_ request: HTTPMessage, account: String) throws(NotificationRejection) -> SandboxRequest {
        let (path, query, body) = try verified(request, account: account)
        switch (request.method, path) {
        case ("POST", "/v2/payments/captures"):
            let amount = try Self.money(try body?.nested("amount"), amountKey: "value", currencyKey: "currency_code")
            guard PayPalPlugin.currencies.contains(amount.currency.code) else { throw NotificationRejection("CURRENCY_NOT_SUPPORTED") }
            return .pay(outTradeNo: try Self.require(body, "invoice_id"), amount: amount, mode: .account(try Self.require(body, "payer_id")),
                        subject: body?.optionalString("note_to_payer") ?? "")
        case ("GET", "/v2/payments/captures"):
            guard let id = query["invoice_id"] else { throw NotificationRejection("invoice_id missing") }
            return .query(outTradeNo: id)
        case ("POST", "/v2/payments/captures/void"): return .close(outTradeNo: try Self.require(body, "invoice_id"), revoke: false)
        case ("POST", "/v2/payments/captures/refund"):
            let amount = try Self.money(try body?.nested("amount"), amountKey: "value", currencyKey: "currency_code")
            return .refund(outTradeNo: try Self.require(body, "capture_invoice_id"), outRefundNo: try Self.require(body, "invoice_id"), amount: amount)
        case ("GET", "/v2/payments/refunds"):
            guard let id = query["invoice_id"] else { throw NotificationRejection("invoice_id missing") }
            return .refundQuery(outRefundNo: id)
        case ("GET", "/v1/reporting/transactions"):
            guard let date = query["date"] else { throw NotificationRejection("date missing") }
            return .bill(date: date)
        default: throw NotificationRejection("no such endpoint \(request.method) \(path)")
        }
    }

    private func error(_ status: Int, _ name: String, _ issue: String, _ message: String, account: String) -> HTTPMessage {
        answer(status, ["name": name, "issue": issue, "message": message, "debug_id": Crypto.randomHex(6)], account: account)
    }

    override func refuseRequest(_ reason: String, account: String) -> HTTPMessage {
        reason == "CURRENCY_NOT_SUPPORTED" ? error(422, "UNPROCESSABLE_ENTITY", reason, "Currency not supported", account: account)
            : error(401, "AUTHENTICATION_FAILURE", "AUTHENTICATION_FAILURE", reason, account: account)
    }

    func capture(_ payment: SandboxPayment) -> [String: Any] {
        let status = switch payment.status {
        case .paid: "COMPLETED"
        case .waiting, .paying: "PENDING"
        case .closed, .revoked: "VOIDED"
        case .failed: "DECLINED"
        }
        return ["id": payment.tradeNo, "invoice_id": payment.outTradeNo, "status": status, "create_time": payment.createdAt.iso8601,
                "amount": ["currency_code": payment.amount.currency.code, "value": payment.amount.minorUnits]]
    }

    func refundObject(_ refund: SandboxRefund, payment: SandboxPayment) -> [String: Any] {
        let status = switch refund.status { case .succeeded: "COMPLETED"; case .processing: "PENDING"; case .failed: "FAILED" }
        return ["id": refund.refundId, "invoice_id": refund.outRefundNo, "capture_invoice_id": payment.outTradeNo, "status": status,
                "create_time": refund.createdAt.iso8601, "amount": ["currency_code": refund.amount.currency.code, "value": refund.amount.minorUnits]]
    }

    override func encode(_ outcome: SandboxOutcome, for request: SandboxRequest, account: String) -> HTTPMessage {
        switch outcome {
        case .systemError(let message): return error(500, "INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR", message, account: account)
        case .refused(let refusal):
            switch refusal {
            case .notFound: return error(404, "RESOURCE_NOT_FOUND", "RESOURCE_NOT_FOUND", "The specified resource does not exist.", account: account)
            case .refundTooLarge: return error(422, "UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED", "Refund exceeds the capture", account: account)
            case .notPaid: return error(422, "UNPROCESSABLE_ENTITY", "CAPTURE_NOT_COMPLETED", "The capture is not completed", account: account)
            case .duplicate: return error(422, "UNPROCESSABLE_ENTITY", "DUPLICATE_INVOICE_ID", "Duplicate invoice id", account: account)
            case .badAuthCode: return error(400, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE", "no barcodes here", account: account)
            case .invalid(let why): return error(400, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE", why, account: account)
            }
        case .token: return error(404, "RESOURCE_NOT_FOUND", "RESOURCE_NOT_FOUND", "no such API", account: account)
        case .bill(let day): return signedAnswer(200, Array(bill(day).utf8), contentType: "text/csv", account: account)
        case .refund(let refund):
            guard let payment = try? sandbox.payment(tradeNo: refund.tradeNo) else { return error(500, "INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR", "lost", account: account) }
            return answer(201, refundObject(refund, payment: payment), account: account)
        case .payment(let payment):
            if case .pay = request, payment.status == .failed {
                return payment.failureCode == SandboxFailure.insufficientFunds
                    ? error(422, "UNPROCESSABLE_ENTITY", "PAYER_CANNOT_PAY", "The payer cannot pay for this transaction.", account: account)
                    : error(422, "UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED", "The instrument presented was declined.", account: account)
            }
            return answer(201, capture(payment), account: account)
        }
    }

    override func paymentCallback(_ payment: SandboxPayment, at: Timestamp) -> Callback? {
        let type = payment.status == .paid ? "PAYMENT.CAPTURE.COMPLETED" : (payment.status == .failed ? "PAYMENT.CAPTURE.DENIED" : "PAYMENT.CAPTURE.PENDING")
        return webhook(["id": "WH-" + Crypto.randomHex(10).uppercased(), "event_type": type, "resource_type": "capture",
                        "create_time": at.iso8601, "resource": capture(payment)], account: payment.account, at: at)
    }

    override func refundCallback(_ refund: SandboxRefund, payment: SandboxPayment, at: Timestamp) -> Callback? {
        webhook(["id": "WH-" + Crypto.randomHex(10).uppercased(), "event_type": refund.status == .succeeded ? "PAYMENT.CAPTURE.REFUNDED" : "PAYMENT.REFUND.FAILED",
                 "resource_type": "refund", "create_time": at.iso8601, "resource": refundObject(refund, payment: payment)],
                account: payment.account, at: at)
    }
}
