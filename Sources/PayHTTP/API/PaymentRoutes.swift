import Foundation
import PayCore
import PayServices

/// `POST /v1/orders/{orderNo}/pay`, `…/refunds`, `…/close`: the money-moving routes, each
/// through an idempotency key when one is sent.
enum PaymentRoutes {
    /// The exit-code table as HTTP: 0 → `done` (200 paid, 201 refunded); 4 → 402 declined, blocked
    /// or refused by the channel; 5 → 202 pending, unknown, challenged or still processing.
    static func status(exitCode: Int32, done: Int) -> Int {
        switch exitCode {
        case 0: done
        case 4: 402
        default: 202
        }
    }

    static func status(_ answer: PayAnswer) -> Int { status(exitCode: answer.exitCode, done: 200) }

    static func pay(_ call: APICall) throws -> HTTPResponse {
        try call.refuseQuery()
        var body = try JSONFields.body(of: call.request)
        try call.checkLine(&body)
        let key = try IdempotencyGuard.key(call.request)
        let orderNo = try call.orderNo()
        let method = try body.parse("method", { text throws(PayError) in try PaymentMethod.parse(text, field: "method") }, try body.string("method"))
        let amountText = try body.optionalString("amount")
        let currencyText = try body.optionalString("currency")
        let authCode = try body.optionalString("authCode")
        var card: CardDetails?
        if var fields = try body.optionalObject("card") {
            let number = try fields.string("number")
            let expiry = try fields.string("expiry")
            let cvc = try fields.string("cvc")
            try fields.finish()
            do {
                card = try CardDetails(number: number, expiry: expiry, cvc: cvc)
            } catch {
                throw APIFailure.invalid(Self.cardField(error.message), error.message)
            }
        }
        let customerId = try body.optionalString("customerId")
        let otp = try body.optionalString("otp")
        try body.finish()
        var amount: Money?
        if let amountText {
            let currency: Currency
            if let currencyText {
                currency = try body.parse("currency", { text throws(PayError) in try Currency.parse(text, field: "currency") }, currencyText)
            } else {
                // why the order's: what is owed is checked in the order's currency unless another is named.
                currency = try call.lookup { orders throws(PayError) in try orders.find(call.line, orderNo) }.amount.currency
            }
            amount = try body.parse("amount", { text throws(PayError) in try Money.parse(text, currency: currency, field: "amount") }, amountText)
        } else if currencyText != nil {
            throw APIFailure.invalid("currency", "currency: only with amount")
        }
        let request = PaymentRequest(businessLine: call.line, orderNo: orderNo, amount: amount, method: method, authCode: authCode,
                                     card: card, customerId: customerId, otp: otp, idempotencyKey: key)
        let result = try IdempotentRequests(call.context).pay(request, gateway: call.lane.gateway)
        call.noteUnkept(result.kept, key: key)
        return PaymentCenterAPI.json(status(result.outcome), result.outcome.result, replayed: result.replayed)
    }

    /// The card field a `CardDetails` error is about.
    static func cardField(_ message: String) -> String {
        if message.hasPrefix("expiry") || message.contains("expiry") { return "card.expiry" }
        if message.hasPrefix("CVC") { return "card.cvc" }
        return "card.number"
    }

    // MARK: refund

    /// 201 succeeded; 202 still processing or unknown (the center settles it); 402 the channel
    /// refused it (the refund is recorded FAILED, nothing went back).
    static func status(_ answer: RefundAnswer) -> Int { status(exitCode: answer.exitCode, done: 201) }

    static func refund(_ call: APICall) throws -> HTTPResponse {
        try call.refuseQuery()
        var body = try JSONFields.body(of: call.request)
        try call.checkLine(&body)
        let key = try IdempotencyGuard.key(call.request)
        let orderNo = try call.orderNo()
        let amountText = try body.string("amount")
        let reason = try body.optionalString("reason")
        if let reason, reason.count > 256 { throw APIFailure.invalid("reason", "reason: at most 256 characters") }
        let refundNo = try body.optionalString("refundNo")
        if let refundNo { _ = try body.parse("refundNo", { text throws(PayError) in try MerchantRefundNo(text, field: "refundNo") }, refundNo) }
        let paymentText = try body.optionalString("paymentSerial")
        try body.finish()
        var input = RefundRequestInput(order: (call.line, orderNo), amountText: amountText, reason: reason, refundNo: refundNo,
                                       idempotencyKey: key)
        if let paymentText {
            // why the order kept too: the key's canonical text then names the line and the order.
            input.paymentSerial = try body.parse("paymentSerial", { text throws(PayError) in try Serial(text, field: "paymentSerial") }, paymentText)
        }
        let service = RefundService(call.context, gateway: call.lane.gateway)
        // why first: the order must be the signer's and the payment the order's before anything
        // is refunded; and the amount is checked in the payment's currency, named by its field.
        let order = try call.lookup { orders throws(PayError) in try orders.find(call.line, orderNo) }
        let resolved: Result<PaymentAttempt, PayError>
        do { resolved = .success(try service.payment(for: input).1) } catch { resolved = .failure(error) }
        let attempt: PaymentAttempt
        switch resolved {
        case .success(let value): attempt = value
        case .failure(let error) where error.kind == .usage:
            // why: the service names the command line's flag; the API's field is paymentSerial.
            throw APIFailure.badRequest(error.message.replacingOccurrences(of: "--payment", with: "paymentSerial"), param: "paymentSerial")
        case .failure(let error): throw error
        }
        guard attempt.orderId == order.id else {
            throw APIFailure.notFound("payment '\(paymentText ?? "")' of order '\(orderNo)': not found")
        }
        let amount = try body.parse("amount", { text throws(PayError) in try Money.parse(text, currency: attempt.amount.currency, field: "amount") },
                                    amountText)
        guard amount.isPositive else { throw APIFailure.invalid("amount", "amount '\(amountText)': must be above zero") }
        let result = try IdempotentRequests(call.context).refund(input, gateway: call.lane.gateway)
        call.noteUnkept(result.kept, key: key)
        return PaymentCenterAPI.json(status(result.outcome), result.outcome.result, replayed: result.replayed)
    }

    // MARK: close

    struct Closed: Codable, Sendable {
        let order: OrderJSON
    }

    static func close(_ call: APICall) throws -> HTTPResponse {
        try call.refuseQuery()
        var body = try JSONFields.body(of: call.request)
        try call.checkLine(&body)
        try body.finish()
        let key = try IdempotencyGuard.key(call.request)
        let orderNo = try call.orderNo()
        let order = try call.lookup { orders throws(PayError) in try orders.find(call.line, orderNo) }
        let service = CloseService(call.context, gateway: call.lane.gateway)
        // why recoverable: closing again is safe (an order already closed is a conflict, a paid one stays paid).
        let result = try IdempotentRequests(call.context).run(scope: IdempotentRequests.Scope.close, key: key,
                                                             request: "line=\(call.line)&order=\(orderNo)",
                                                             recoverable: { _ in true }) { () throws(PayError) in
            Closed(order: OrderJSON(try service.close(order)))
        }
        call.noteUnkept(result.kept, key: key)
        return PaymentCenterAPI.json(200, result.outcome, replayed: result.replayed)
    }
}
