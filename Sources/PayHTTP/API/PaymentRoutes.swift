import Foundation
import PayCore
import PayServices

/// `POST /v1/orders/{orderNo}/pay`, `…/refunds`, `…/close`: the money-moving routes, each
/// through an idempotency key when one is sent.
enum PaymentRoutes {
    /// What a payment answers and a key replays: the view and the exit code of §10 it stands for.
    struct Paid: Codable, Sendable {
        let result: PayResultJSON
        let exitCode: Int32

        /// 0 → 200 paid; 5 → 202 pending, unknown or challenged; 4 → 402 declined or blocked.
        var status: Int {
            switch exitCode {
            case 0: 200
            case 4: 402
            default: 202
            }
        }
    }

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
        let service = PaymentService(call.context, gateway: call.lane.gateway)
        let (paid, replayed) = try IdempotencyGuard.run(call.lane, scope: "pay", line: call.line, key: key, request: request.canonical,
                                                        recoverable: PaymentRecovery.pay(call.line, orderNo)) { () throws(PayError) in
            let outcome = try service.pay(request)
            return Paid(result: PayResultJSON(outcome), exitCode: outcome.exitCode)
        }
        return PaymentCenterAPI.json(paid.status, paid.result, replayed: replayed)
    }

    /// The card field a `CardDetails` error is about.
    static func cardField(_ message: String) -> String {
        if message.hasPrefix("expiry") || message.contains("expiry") { return "card.expiry" }
        if message.hasPrefix("CVC") { return "card.cvc" }
        return "card.number"
    }

    // MARK: refund

    /// What a refund answers and a key replays.
    struct Refunded: Codable, Sendable {
        let result: RefundResultJSON

        /// 201 succeeded; 202 still processing or unknown (the center settles it); 402 the
        /// channel refused it (the refund is recorded FAILED, nothing went back).
        var status: Int {
            switch result.refund.status {
            case RefundStatus.succeeded.rawValue: 201
            case RefundStatus.failed.rawValue: 402
            default: 202
            }
        }
    }

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
            input.paymentSerial = try body.parse("paymentSerial", { text throws(PayError) in try Serial(text, field: "paymentSerial") }, paymentText)
            input.order = nil
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
        let request = input
        let (refunded, replayed) = try IdempotencyGuard.run(call.lane, scope: "refund", line: call.line, key: key, request: input.canonical,
                                                            recoverable: { _ in request.refundNo != nil }) { () throws(PayError) in
            let (refund, attempt, order) = try service.refund(request)
            return Refunded(result: RefundResultJSON(refund, paymentSerial: attempt.serial, order: order))
        }
        return PaymentCenterAPI.json(refunded.status, refunded.result, replayed: replayed)
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
        let (closed, replayed) = try IdempotencyGuard.run(call.lane, scope: "close", line: call.line, key: key,
                                                          request: "line=\(call.line)&order=\(orderNo)",
                                                          recoverable: { _ in true }) { () throws(PayError) in
            Closed(order: OrderJSON(try service.close(order)))
        }
        return PaymentCenterAPI.json(200, closed, replayed: replayed)
    }
}

/// When a request whose key's holder died may run again (`IdempotentRequests`' take-over).
enum PaymentRecovery {
    /// A payment only once every attempt of the order is final: paying again then either is
    /// refused (paid or closed) or charges once.
    static func pay(_ line: BusinessLineCode, _ orderNo: MerchantOrderNo) -> (ServiceContext) throws -> Bool {
        { _ in false }
    }
}
