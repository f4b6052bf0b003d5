import PayCore
import PayStore
import PayChannels

/// `order create`'s stored outcome: the order and whether this request created it (the API
/// answers 201 or 200 from it; the command line prints "Created" or "Already created").
public struct OrderCreated: Codable, Sendable, Equatable {
    public let order: OrderJSON
    public let created: Bool

    public init(order: OrderJSON, created: Bool) {
        self.order = order
        self.created = created
    }
}

/// `pay`'s stored outcome: how it ended, the view every door shows, and the exit code of §10
/// (0 paid, 4 declined or blocked, 5 pending, unknown or challenged).
public struct PayAnswer: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case succeeded, pending, unknown, declined, blocked, challenge
    }

    public let kind: Kind
    public let result: PayResultJSON
    public let exitCode: Int32

    public init(_ outcome: PaymentOutcome) {
        switch outcome {
        case .succeeded: kind = .succeeded
        case .pending: kind = .pending
        case .unknown: kind = .unknown
        case .declined: kind = .declined
        case .blocked: kind = .blocked
        case .challenge: kind = .challenge
        }
        result = PayResultJSON(outcome)
        exitCode = outcome.exitCode
    }
}

/// `refund`'s stored outcome: the view and the exit code (0 succeeded, 4 failed, 5 processing or unknown).
public struct RefundAnswer: Codable, Sendable, Equatable {
    public let result: RefundResultJSON
    public let exitCode: Int32

    public init(_ refund: Refund, payment: PaymentAttempt, order: Order) {
        result = RefundResultJSON(refund, paymentSerial: payment.serial, order: order)
        switch refund.status {
        case .succeeded: exitCode = 0
        case .failed: exitCode = 4
        case .processing, .unknown: exitCode = 5
        }
    }
}

/// The money-moving requests under their keys, one call each for the command line, the console
/// and the API (same scopes, same canonical text, same take-over rule).
extension IdempotentRequests {
    /// Creates an order under `key` (scope `order.create`). Creating is itself idempotent (the
    /// same order no and parameters give the same order), so a dead holder's request may run again.
    public func createOrder(_ draft: OrderDraft, key: IdempotencyKey?) throws(PayError) -> IdempotentResult<OrderCreated> {
        let context = self.context
        return try run(scope: Scope.orderCreate, key: key, request: draft.canonical, recoverable: { _ in true }) { () throws(PayError) in
            let (order, created) = try OrderService(context).create(draft)
            return OrderCreated(order: OrderJSON(order), created: created)
        }
    }

    /// Pays under `request.idempotencyKey` (scope `pay`). `finish` may carry the outcome further
    /// before it is stored (the command line's `--wait`); if it fails after a channel was called,
    /// the error says the payment is unsettled (pending), never "not paid".
    ///
    /// why (take-over): a dead holder's payment may still be open (PROCESSING, UNKNOWN, PENDING);
    /// paying again then could charge twice. Once every attempt of the order is final, paying
    /// again either is refused (paid or closed) or charges once.
    public func pay(_ request: PaymentRequest, gateway: ChannelGateway,
                    finish: (PaymentOutcome) throws(PayError) -> PaymentOutcome = { $0 }) throws(PayError) -> IdempotentResult<PayAnswer> {
        let context = self.context
        let line = request.businessLine
        let orderNo = request.orderNo
        return try run(scope: Scope.pay, key: request.idempotencyKey, request: request.canonical, recoverable: { context in
            let store = context.store
            guard let order = try store.orders.find(line, orderNo) else { return true }
            return try store.attempts.forOrder(order.id).allSatisfy { $0.status.isFinal }
        }) { () throws(PayError) in
            var outcome = try PaymentService(context, gateway: gateway).pay(request)
            do throws(PayError) {
                outcome = try finish(outcome)
            } catch {
                guard let attempt = outcome.attempt else { throw error }
                throw PaymentService.unsettled(attempt, error)
            }
            return PayAnswer(outcome)
        }
    }

    /// Refunds under `input.idempotencyKey` (scope `refund`).
    ///
    /// why (take-over): only a refund number makes running it again safe: the store refuses a
    /// second refund with the same number for the order, so a refund the dead holder made is never repeated.
    public func refund(_ input: RefundRequestInput, gateway: ChannelGateway) throws(PayError) -> IdempotentResult<RefundAnswer> {
        let context = self.context
        let numbered = input.refundNo != nil
        return try run(scope: Scope.refund, key: input.idempotencyKey, request: input.canonical, recoverable: { _ in numbered }) { () throws(PayError) in
            let (refund, attempt, order) = try RefundService(context, gateway: gateway).refund(input)
            return RefundAnswer(refund, payment: attempt, order: order)
        }
    }
}
